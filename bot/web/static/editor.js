/* Knowledge editor page: talks to /api/kb/... with the staff token. No build step, no framework.
 * Sections: helpers and wording, login and frame, questions, trees, drafts and review, versions,
 * try it, learn from users, import/export, audit. */
"use strict";
(() => {
  // ---- helpers ---------------------------------------------------------------------------
  const $ = (sel, el = document) => el.querySelector(sel);
  const $$ = (sel, el = document) => [...el.querySelectorAll(sel)];
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const time = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "");
  const splitList = (s) => String(s || "").split(/[,，、;；\n]+/).map((x) => x.trim()).filter(Boolean);

  const T = {
    roles: { editor: "知识编辑", reviewer: "审核员", admin: "管理员", supervisor: "主管", agent: "工程师" },
    status: { editing: "编辑中", submitted: "待审核", approved: "已审核", published: "已发布", discarded: "已放弃" },
    statusClass: { editing: "grey", submitted: "warn", approved: "", published: "ok", discarded: "grey" },
    kinds: { files: "读取文件", publish: "发布", rollback: "回滚" },
    decisions: { answer: "直接回答", clarify: "给出选项", none: "未匹配" },
    actions: { added: "新增", removed: "删除", changed: "修改", unchanged: "无变化" },
    fields: {
      title: "标准问", similar: "相似问", answer: "答案", variants: "答案变体", links: "链接",
      tier: "级别", products: "产品线", keywords: "关键词", valid_from: "生效日期",
      valid_until: "失效日期", tree: "诊断树", category: "分类", disabled: "状态", id: "ID",
      ask: "提问", options: "选项", solution: "解决方案", unsolved: "没解决时", escalate: "转人工",
      description: "说明", start: "起点", skills: "技能", nodes: "节点", link: "链接", image: "图片",
    },
    codes: {
      too_few_similar: "相似问至少要 8 条", duplicate_phrasing: "相似问有重复",
      similar_repeats_title: "相似问和标准问重复", unknown_product: "未知的产品线",
      unknown_tag: "未知的客户标签", bad_window: "生效日期晚于失效日期",
      bad_url: "链接地址必须以 http:// 或 https:// 开头", empty: "不能为空", required: "必填",
      bad_id: "ID 格式不对", dead_end: "死胡同：指向了不存在的节点", orphan: "孤立节点：从起点走不到",
      loop: "路径成环，走不到结尾", duplicate_phrase: "选项的说法重复，用户输入时无法区分",
      duplicate_node: "节点 ID 重复", no_start: "起点节点不存在", empty_phrase: "选项说法为空",
      unknown_skill: "未知的技能", missing_controls: "缺少诊断树通用词表",
      unknown_category: "未知的分类", category_mismatch: "分类与 ID 不符（换分类请新建标准问）",
      duplicate_id: "ID 重复", orphan_phrasing: "相似问行前面没有对应的标准问行",
      bad_type: "类型只能是“标准问”或“相似问”", bad_status: "状态只能是“启用”或“停用”",
      unknown_id: "找不到这个标准问 ID", bad_workbook: "不是有效的 Excel 表格",
      bad_zip: "不是有效的 zip 文件", no_faq: "zip 里没有 faq 文件夹", bad_format: "只支持 .zip 或 .xlsx",
      too_large: "文件太大", bad_path: "zip 里有不安全的路径",
    },
    errors: {
      not_author: "只有草稿的作者可以这样操作", not_editing: "草稿已提交审核，不能再修改（可先撤回）",
      wrong_status: "草稿当前状态不允许这个操作", own_draft: "不能审核自己提交的草稿",
      not_reviewer: "需要审核员权限", not_approved: "草稿要先审核通过才能发布",
      stale: "有内容在草稿创建后已被他人发布修改，请撤回后重新编辑这些内容",
      confirm: "请确认删除", exists: "这个标准问已经有这个问法了", empty: "草稿里还没有改动",
      no_change: "文件与线上知识一致，没有改动", busy: "刚好有别人在发布，请再点一次", not_found: "找不到对象", invalid: "校验没有通过",
      http_401: "登录已过期，请重新登录", http_403: "没有权限进行这个操作",
      body_too_large: "内容太大", invalid_request: "请求格式不对",
    },
    audit: {
      "draft.create": "新建草稿", "question.edit": "编辑标准问", "question.create": "新建标准问",
      "question.disable": "停用标准问", "question.enable": "启用标准问", "question.delete": "删除标准问",
      "question.add_phrasing": "添加相似问", "tree.edit": "编辑诊断树", "tree.create": "新建诊断树",
      "tree.delete": "删除诊断树", "draft.revert": "撤销一项改动", "draft.submit": "提交审核",
      "draft.withdraw": "撤回", "draft.approve": "审核通过", "draft.reject": "退回",
      "draft.discard": "放弃草稿", "draft.publish": "发布", "version.rollback": "回滚",
      "version.files": "读取知识文件", "import.apply": "导入",
    },
    tags: {
      in_warranty: "在保", out_of_warranty: "过保", member_normal: "普通会员", member_silver: "银卡会员",
      member_gold: "金卡会员", member_black: "黑钻会员", enterprise: "企业客户",
    },
    channels: { web: "网页", wechat: "微信" },
  };
  const tagName = (t) => T.tags[t] || (t.startsWith("owner_") ? `${productName(t.slice(6))}用户` : t);
  const productName = (id) => (state.meta?.products.find((p) => p.id === id) || {}).name || id;
  const fieldName = (f) => T.fields[f] || f;

  const state = {
    token: sessionStorage.getItem("kb.token"), user: sessionStorage.getItem("kb.user"),
    role: sessionStorage.getItem("kb.role"), draft: Number(sessionStorage.getItem("kb.draft")) || null,
    meta: null, drafts: [], page: 0, pageSize: 50, question: null, tree: null, importFile: null,
  };
  window.kbEditor = { state };

  class ApiError extends Error {
    constructor(status, body) {
      super(body?.message || `HTTP ${status}`);
      this.status = status; this.body = body || {}; this.code = this.body.code;
    }
  }

  async function api(method, path, body) {
    const headers = { Authorization: `Bearer ${state.token}` };
    const init = { method, headers };
    if (body instanceof FormData) init.body = body;
    else if (body !== undefined) { headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    const res = await fetch(path, init);
    if (res.status === 401) { logout(); throw new ApiError(401, { code: "http_401" }); }
    const data = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.blob();
    if (!res.ok) throw new ApiError(res.status, data.error);
    return data;
  }

  const problemText = (p) => {
    const where = [p.item, p.node ? `节点 ${p.node}` : "", p.field ? fieldPath(p.field) : ""].filter(Boolean).join(" · ");
    return `${where}：${T.codes[p.code] || p.message}${T.codes[p.code] && p.message && p.code !== "empty" ? `（${p.message}）` : ""}`;
  };
  const fieldPath = (f) => f.replace(/^[a-z_]+/, (m) => fieldName(m));
  const problemsHtml = (list) => (list?.length
    ? `<ul class="problems">${list.map((p) => `<li>${esc(problemText(p))}</li>`).join("")}</ul>` : "");
  const errorText = (err) => (err instanceof ApiError ? (T.errors[err.code] || err.message) : String(err));

  function toast(msg) {
    const el = $("#toast");
    el.textContent = msg; el.classList.remove("hidden");
    clearTimeout(toast.timer); toast.timer = setTimeout(() => el.classList.add("hidden"), 3500);
  }

  function dialog(html, okText = "确定") {
    const dlg = $("#dialog");
    $("#dialog-body").innerHTML = html; $("#dialog-ok").textContent = okText;
    dlg.showModal();
    return new Promise((resolve) => dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok"), { once: true }));
  }

  async function handle(fn, target) {
    try { return await fn(); } catch (err) {
      const msg = errorText(err);
      const problems = err.body?.problems;
      if (target) target.innerHTML = `<div class="problems">${esc(msg)}</div>${problemsHtml(problems)}`;
      else toast(msg);
      return undefined;
    }
  }

  async function download(path, name) {
    const blob = await api("GET", path);
    const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
    document.body.append(a); a.click(); a.remove();
  }

  // ---- login and frame -------------------------------------------------------------------
  async function login(ev) {
    ev.preventDefault();
    const form = new URLSearchParams({ username: $("#login-user").value, password: $("#login-pass").value });
    const res = await fetch("/api/auth/token", { method: "POST", body: form });
    if (!res.ok) { $("#login-error").textContent = "账号或密码不对"; return; }
    const tok = await res.json();
    if (!["editor", "reviewer", "admin", "supervisor"].includes(tok.role)) {
      $("#login-error").textContent = "这个账号没有知识编辑权限"; return;
    }
    Object.assign(state, { token: tok.access_token, role: tok.role, user: $("#login-user").value, draft: null });
    sessionStorage.setItem("kb.token", state.token); sessionStorage.setItem("kb.role", state.role);
    sessionStorage.setItem("kb.user", state.user); sessionStorage.removeItem("kb.draft");
    await start();
  }

  function logout() {
    sessionStorage.clear();
    Object.assign(state, { token: null, role: null, user: null, draft: null });
    $("#app").classList.add("hidden"); $("#login").classList.remove("hidden");
  }

  const canEdit = () => ["editor", "reviewer", "admin"].includes(state.role);
  const canReview = () => ["reviewer", "admin"].includes(state.role);

  async function start() {
    $("#login").classList.add("hidden"); $("#app").classList.remove("hidden");
    $("#whoami").textContent = "";
    state.meta = await api("GET", "/api/kb/meta");
    fillFilters();
    await Promise.all([refreshLive(), refreshDrafts()]);
    $$(".edit-only").forEach((el) => el.classList.toggle("hidden", !canEdit()));
    $("#new-draft").classList.toggle("hidden", !canEdit());
    $("#draft-select").disabled = !canEdit();
    showTab("questions");
    // Set last: the page is ready for work once it shows who is logged in.
    $("#whoami").textContent = `${state.user}（${T.roles[state.role] || state.role}）`;
    return true;
  }

  async function refreshLive() {
    const live = await api("GET", "/api/kb/live");
    $("#live-badge").textContent = `线上版本 v${live.version} · ${live.questions} 个标准问 · ${live.trees} 棵诊断树`;
  }

  async function refreshDrafts() {
    if (!canEdit()) return;
    state.drafts = await api("GET", `/api/kb/drafts?mine=true&status=editing`);
    if (state.draft && !state.drafts.some((d) => d.id === state.draft)) setDraft(null);
    const sel = $("#draft-select");
    sel.innerHTML = `<option value="">（无，编辑时自动新建）</option>` + state.drafts.map((d) =>
      `<option value="${d.id}">#${d.id} ${esc(d.title)}（${d.items.length} 项改动）</option>`).join("");
    sel.value = state.draft || "";
  }

  function setDraft(id) {
    state.draft = id || null;
    if (id) sessionStorage.setItem("kb.draft", id); else sessionStorage.removeItem("kb.draft");
    const sel = $("#draft-select"); if (sel) sel.value = id || "";
  }

  async function ensureDraft() {
    if (state.draft) return state.draft;
    const d = await api("POST", "/api/kb/drafts", { title: `${state.user} 的修改 ${new Date().toLocaleDateString("zh-CN")}` });
    setDraft(d.id); await refreshDrafts();
    return d.id;
  }

  const draftParam = () => (state.draft ? `draft_id=${state.draft}` : "");

  function showTab(name) {
    $$("#tabs button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
    $$(".tab").forEach((s) => s.classList.toggle("hidden", s.id !== `tab-${name}`));
    const load = { questions: loadQuestions, trees: loadTrees, drafts: loadDraftList, versions: loadVersions,
      try: loadTry, learn: loadLearn, audit: loadAudit }[name];
    if (load) handle(load);
  }

  function fillFilters() {
    const m = state.meta;
    $("#q-category").innerHTML = `<option value="">全部分类</option>` + m.categories.map((c) =>
      `<option>${esc(c.name)}</option>`).join("");
    $("#q-product").innerHTML = `<option value="">全部产品线</option><option value="all">通用（不限产品线）</option>` +
      m.products.map((p) => `<option value="${p.id}">${esc(p.name)}</option>`).join("");
    $("#q-tier").innerHTML = `<option value="">全部级别</option>` + m.tiers.map((t) => `<option value="${t}">第 ${t} 级</option>`).join("");
  }

  // ---- questions -------------------------------------------------------------------------
  async function loadQuestions() {
    const [sort, dir] = $("#q-sort").value.split(":");
    const p = new URLSearchParams({ limit: state.pageSize, offset: state.page * state.pageSize, sort, desc: dir === "desc" });
    const add = (k, v) => { if (v) p.set(k, v); };
    add("q", $("#q-search").value.trim()); add("category", $("#q-category").value);
    add("product", $("#q-product").value); add("tier", $("#q-tier").value);
    add("status", $("#q-status").value); add("min_hits", $("#q-min-hits").value);
    add("edited_after", $("#q-edited-after").value); add("draft_id", state.draft);
    const res = await api("GET", `/api/kb/questions?${p}`);
    $("#q-total").textContent = `共 ${res.total} 个，第 ${state.page + 1} 页${state.draft ? "（含当前草稿的改动）" : ""}`;
    $("#q-prev").disabled = state.page === 0;
    $("#q-next").disabled = (state.page + 1) * state.pageSize >= res.total;
    $("#q-rows").innerHTML = res.items.map((r) => `
      <tr class="clickable${state.question === r.id ? " selected" : ""}" data-qid="${r.id}">
        <td>${r.id}</td><td>${esc(r.title)} ${r.disabled ? '<span class="badge grey">停用</span>' : ""}
          ${r.draft ? `<span class="badge warn" title="草稿 #${r.draft} 里有改动">草稿</span>` : ""}</td>
        <td>${esc(r.category)}</td><td class="num">${r.tier}</td><td class="num">${r.similar}</td>
        <td class="num">${r.hits}</td><td class="num">${r.up}/${r.down}</td>
        <td class="small muted">${r.edited ? `v${r.edited.version} ${esc(r.edited.by)}<br>${time(r.edited.at)}` : ""}</td>
      </tr>`).join("");
  }

  async function openQuestion(qid) {
    state.question = qid;
    $$("#q-rows tr").forEach((tr) => tr.classList.toggle("selected", tr.dataset.qid === qid));
    const d = await api("GET", `/api/kb/questions/${qid}?${draftParam()}`);
    renderQuestion(d.question, d);
  }

  function newQuestion(prefill = {}) {
    state.question = null;
    const q = { id: "", title: "", category: state.meta.categories[0]?.name || "", products: [], tier: 1,
      keywords: [], similar: [], answer: "", variants: [], links: [], valid_from: null, valid_until: null, tree: null, ...prefill };
    renderQuestion(q, { isNew: true });
  }

  const listItem = (value, cls) => `<div class="item"><input class="${cls}" value="${esc(value)}">
    <button type="button" class="link danger remove-item" title="删除">✕</button></div>`;
  const linksText = (links) => (links || []).map((l) => `${l.title} | ${l.url}`).join("\n");
  const parseLinks = (text) => text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.lastIndexOf("|"); return { title: l.slice(0, i).trim(), url: l.slice(i + 1).trim() };
  });

  function variantHtml(v) {
    const when = v.when || {};
    return `<div class="variant">
      <div class="row"><label class="small muted">渠道</label>
        <select class="v-channel"><option value="">全部渠道</option>${Object.entries(T.channels).map(([k, n]) =>
          `<option value="${k}"${when.channel === k ? " selected" : ""}>${n}</option>`).join("")}</select>
        <span class="grow"></span><button type="button" class="link danger remove-variant">删除变体</button></div>
      <div class="checks small">客户标签：${state.meta.tags.map((t) => `<label><input type="checkbox" class="v-tag" value="${t}"
        ${(when.tags || []).includes(t) ? "checked" : ""}> ${esc(tagName(t))}</label>`).join("")}</div>
      <textarea class="v-answer" placeholder="这类客户看到的答案">${esc(v.answer || "")}</textarea>
      <textarea class="v-links small" placeholder="链接，每行“标题 | https://…”；留空沿用标准问的链接；写“-”表示不显示链接">${esc(v.links === null || v.links === undefined ? "" : (v.links.length ? linksText(v.links) : "-"))}</textarea>
    </div>`;
  }

  function renderQuestion(q, info) {
    const m = state.meta; const isNew = !!info.isNew;
    const el = $("#q-editor");
    el.innerHTML = `
      <div class="row"><h2 class="grow">${isNew ? "新建标准问" : `${esc(q.id)} ${info.disabled ? '<span class="badge grey">停用</span>' : ""}`}</h2>
        ${isNew ? "" : `<span class="small muted">命中 ${info.hits} · 👍 ${info.up} · 👎 ${info.down}
          ${info.edited ? ` · 最后编辑 v${info.edited.version} ${esc(info.edited.by)} ${time(info.edited.at)}` : ""}</span>`}</div>
      ${info.draft ? `<div class="notice">草稿 #${info.draft} 里有这个标准问的改动。</div>` : ""}
      <div class="field"><label>标准问</label><input id="f-title" style="width:100%" value="${esc(q.title)}"></div>
      <div class="row">
        <div class="field"><label>分类</label>${isNew ? `<select id="f-category">${m.categories.map((c) =>
          `<option${c.name === q.category ? " selected" : ""}>${esc(c.name)}</option>`).join("")}</select>` : `<span>${esc(q.category)}</span>`}</div>
        <div class="field"><label>级别</label><select id="f-tier">${[1, 2, 3, 4, 5].map((t) =>
          `<option value="${t}"${q.tier === t ? " selected" : ""}>第 ${t} 级</option>`).join("")}</select></div>
        <div class="field"><label>诊断树</label><select id="f-tree"><option value="">（无）</option>${m.trees.map((t) =>
          `<option value="${t.id}"${q.tree === t.id ? " selected" : ""}>${esc(t.title)}</option>`).join("")}</select></div>
        <div class="field"><label>生效日期</label><input id="f-from" type="date" value="${q.valid_from || ""}"></div>
        <div class="field"><label>失效日期</label><input id="f-until" type="date" value="${q.valid_until || ""}"></div>
      </div>
      <div class="field checks"><label>产品线（不选 = 全部）</label>${m.products.map((p) => `<label><input type="checkbox" class="f-product"
        value="${p.id}"${q.products.includes(p.id) ? " checked" : ""}> ${esc(p.name)}</label>`).join("")}</div>
      <div class="field"><label>关键词（用逗号分隔）</label><input id="f-keywords" style="width:100%" value="${esc(q.keywords.join(", "))}"></div>
      <div class="field list-edit"><label>相似问（${q.similar.length} 条，至少 8 条）</label>
        <div id="f-similar">${q.similar.map((s) => listItem(s, "f-sim")).join("")}</div>
        <div class="row"><input id="new-similar" class="grow" placeholder="输入一个用户会这样问的说法，回车添加">
          <button id="add-similar" type="button">添加相似问</button></div></div>
      <div class="field"><label>默认答案</label><textarea id="f-answer" rows="6">${esc(q.answer)}</textarea></div>
      <div class="field"><label>答案变体（按渠道、客户标签给不同答案；条件最具体的优先）</label>
        <div id="f-variants">${q.variants.map(variantHtml).join("")}</div>
        <button id="add-variant" type="button">添加变体</button></div>
      <div class="field"><label>链接（每行“标题 | https://…”）</label><textarea id="f-links" rows="2">${esc(linksText(q.links))}</textarea></div>
      <div id="q-result"></div>
      <div class="row">${canEdit() ? `<button id="save-question" class="primary" type="button">保存到草稿</button>
        ${isNew ? "" : `<button id="toggle-disable" type="button">${info.disabled ? "启用" : "停用"}</button>
        <button id="delete-question" class="danger" type="button">删除</button>`}` : ""}
        <span class="grow"></span><button id="try-question" type="button">试一试</button></div>`;
    el.dataset.qid = q.id || ""; el.dataset.isNew = isNew ? "1" : "";
    const addSim = () => {
      const input = $("#new-similar"); const text = input.value.trim();
      if (!text) return;
      $("#f-similar").insertAdjacentHTML("beforeend", listItem(text, "f-sim")); input.value = ""; input.focus();
    };
    $("#add-similar").onclick = addSim;
    $("#new-similar").onkeydown = (ev) => { if (ev.key === "Enter") { ev.preventDefault(); addSim(); } };
    $("#add-variant").onclick = () => $("#f-variants").insertAdjacentHTML("beforeend", variantHtml({ when: {}, answer: "", links: null }));
    el.onclick = (ev) => {
      if (ev.target.matches(".remove-item")) ev.target.closest(".item").remove();
      if (ev.target.matches(".remove-variant")) ev.target.closest(".variant").remove();
    };
    if ($("#save-question")) $("#save-question").onclick = () => handle(() => saveQuestion(q, isNew), $("#q-result"));
    if ($("#toggle-disable")) $("#toggle-disable").onclick = () => handle(() => toggleDisable(q.id, !info.disabled), $("#q-result"));
    if ($("#delete-question")) $("#delete-question").onclick = () => handle(() => deleteQuestion(q), $("#q-result"));
    $("#try-question").onclick = () => { showTab("try"); $("#try-text").value = $("#f-title").value; runTry(); };
  }

  function collectQuestion(q) {
    const variants = $$("#f-variants .variant").map((v) => {
      const when = {};
      if ($(".v-channel", v).value) when.channel = $(".v-channel", v).value;
      const tags = $$(".v-tag:checked", v).map((c) => c.value);
      if (tags.length) when.tags = tags;
      const linksRaw = $(".v-links", v).value.trim();
      const out = { when, answer: $(".v-answer", v).value };
      if (linksRaw === "-") out.links = []; else if (linksRaw) out.links = parseLinks(linksRaw);
      return out;
    });
    const data = {
      ...q, title: $("#f-title").value.trim(), tier: Number($("#f-tier").value),
      products: $$(".f-product:checked").map((c) => c.value), keywords: splitList($("#f-keywords").value),
      similar: $$("#f-similar .f-sim").map((i) => i.value.trim()).filter(Boolean), answer: $("#f-answer").value,
      variants, links: parseLinks($("#f-links").value), valid_from: $("#f-from").value || null,
      valid_until: $("#f-until").value || null, tree: $("#f-tree").value || null,
    };
    if ($("#f-category")) data.category = $("#f-category").value;
    return data;
  }

  async function saveQuestion(q, isNew) {
    const data = collectQuestion(q);
    const draft = await ensureDraft();
    const res = isNew ? await api("POST", `/api/kb/drafts/${draft}/questions`, data)
      : await api("PUT", `/api/kb/drafts/${draft}/questions/${q.id}`, data);
    await Promise.all([refreshDrafts(), loadQuestions()]);
    await openQuestion(res.id);
    $("#q-result").innerHTML = `<div class="success">已保存到草稿 #${draft}。${res.problems.length
      ? "提交审核前还需要修改：" : "可以在“草稿与审核”里提交审核。"}</div>${problemsHtml(res.problems)}`;
  }

  async function toggleDisable(qid, disable) {
    const draft = await ensureDraft();
    await api("POST", `/api/kb/drafts/${draft}/questions/${qid}/${disable ? "disable" : "enable"}`);
    await Promise.all([refreshDrafts(), loadQuestions()]);
    await openQuestion(qid);
    toast(disable ? "已在草稿中停用" : "已在草稿中启用");
  }

  async function deleteQuestion(q) {
    const ok = await dialog(`<p>删除标准问 <b>${esc(q.id)} ${esc(q.title)}</b>？删除后 ID 不再使用。只想暂时下线请用“停用”。</p>
      <p>请输入 ID <b>${esc(q.id)}</b> 确认：</p><input id="confirm-id" style="width:100%">`, "删除");
    const typed = $("#confirm-id")?.value.trim();
    if (!ok) return;
    if (typed !== q.id) { toast("输入的 ID 不一致，没有删除"); return; }
    const draft = await ensureDraft();
    await api("DELETE", `/api/kb/drafts/${draft}/questions/${q.id}?confirm=${encodeURIComponent(typed)}`);
    $("#q-editor").innerHTML = `<div class="success">已在草稿 #${draft} 中删除 ${esc(q.id)}，发布后生效。</div>`;
    await Promise.all([refreshDrafts(), loadQuestions()]);
  }

  // ---- diagnosis trees -------------------------------------------------------------------
  async function loadTrees() {
    const trees = await api("GET", `/api/kb/trees?${draftParam()}`);
    $("#tree-rows").innerHTML = trees.map((t) => `<tr class="clickable" data-tid="${t.id}"><td>${t.id}</td>
      <td>${esc(t.title)}<div class="small muted">${esc(t.description)}</div></td><td class="num">${t.nodes}</td>
      <td class="num">${t.paths}</td><td class="small">${t.questions.join(", ")}</td></tr>`).join("");
  }

  async function openTree(tid) {
    const res = await api("GET", `/api/kb/trees/${tid}?${draftParam()}`);
    state.tree = res.tree; state.treeStats = Object.fromEntries(res.stats.map((s) => [s.node, s]));
    state.treeProblems = [];
    renderTree();
  }

  const nodeKind = (n) => (n.ask !== undefined && n.ask !== null ? "question" : n.solution !== undefined && n.solution !== null ? "solution" : "escalation");
  const kindName = { question: "追问", solution: "解决方案", escalation: "转人工" };

  function reachable(tree) {
    const byId = Object.fromEntries(tree.nodes.map((n) => [n.id, n]));
    const seen = new Set(); const todo = [tree.start];
    while (todo.length) {
      const n = byId[todo.pop()];
      if (!n || seen.has(n.id)) continue;
      seen.add(n.id);
      (n.options || []).forEach((o) => todo.push(o.next));
      if (n.unsolved) todo.push(n.unsolved);
    }
    return seen;
  }

  function renderTree() {
    const t = state.tree; const byId = Object.fromEntries(t.nodes.map((n) => [n.id, n]));
    const bad = new Set(state.treeProblems.map((p) => p.node).filter(Boolean));
    const seen = new Set();
    const nodeHtml = (id) => {
      const n = byId[id];
      if (!n) return `<div class="tree-ref problem">⚠ 节点 ${esc(id)} 不存在</div>`;
      if (seen.has(id)) return `<div class="tree-ref">→ 转到节点 <a href="#node-${esc(id)}">${esc(id)}</a></div>`;
      seen.add(id);
      const kind = nodeKind(n); const st = state.treeStats[id];
      const stats = st ? `<span class="muted">进入 ${st.entered} · 解决 ${st.solved} · 转人工 ${st.escalated} · 放弃 ${st.abandoned}</span>` : "";
      let body = "";
      if (kind === "question") {
        body = `<textarea data-node="${id}" data-key="ask" rows="2">${esc(n.ask)}</textarea>
          ${n.options.map((o, i) => `<div class="tree-option"><div class="row">
            <span class="small muted">选项 ${i + 1}</span>
            <input class="label" data-node="${id}" data-opt="${i}" data-key="label" value="${esc(o.label)}" placeholder="按钮文字">
            <input class="syn" data-node="${id}" data-opt="${i}" data-key="synonyms" value="${esc((o.synonyms || []).join(", "))}" placeholder="同义说法，逗号分隔">
            <button type="button" class="link danger remove-branch" data-node="${id}" data-opt="${i}">删除分支</button></div>
            <div class="tree-children">${nodeHtml(o.next)}</div></div>`).join("")}
          <button type="button" class="add-branch" data-node="${id}">添加分支</button>`;
      } else if (kind === "solution") {
        body = `<textarea data-node="${id}" data-key="solution" rows="3">${esc(n.solution)}</textarea>
          <div class="small muted">没解决时 →</div><div class="tree-children">${nodeHtml(n.unsolved)}</div>`;
      } else {
        body = `<textarea data-node="${id}" data-key="summary" rows="2" placeholder="给工程师的一句话摘要">${esc(n.escalate.summary)}</textarea>
          <input data-node="${id}" data-key="message" style="width:100%" value="${esc(n.escalate.message || "")}" placeholder="对用户说的话（可留空用通用说法）">`;
      }
      return `<div class="tree-node ${kind}${bad.has(id) ? " problem" : ""}" id="node-${esc(id)}">
        <div class="node-head"><span class="badge">${kindName[kind]}</span><b>${esc(id)}</b>${stats}</div>${body}</div>`;
    };
    const main = nodeHtml(t.start);
    const orphans = t.nodes.filter((n) => !seen.has(n.id));
    $("#tree-editor").innerHTML = `
      <div class="row"><h2 class="grow">${esc(t.id)}</h2>
        <button id="tree-validate" type="button">校验</button>
        ${canEdit() ? '<button id="tree-save" class="primary" type="button">保存到草稿</button>' : ""}</div>
      <div class="row"><div class="field grow"><label>名称</label><input data-key="title" data-tree="1" style="width:100%" value="${esc(t.title)}"></div>
        <div class="field grow"><label>说明</label><input data-key="description" data-tree="1" style="width:100%" value="${esc(t.description || "")}"></div></div>
      <div id="tree-result">${problemsHtml(state.treeProblems)}</div>
      ${main}
      ${orphans.length ? `<h3>孤立节点（从起点走不到，保存前需删除或接回）</h3>${orphans.map((n) => nodeHtml(n.id)).join("")}` : ""}`;
  }

  function onTreeInput(ev) {
    const el = ev.target; const t = state.tree; if (!t || !el.dataset.key) return;
    if (el.dataset.tree) { t[el.dataset.key] = el.value; return; }
    const n = t.nodes.find((x) => x.id === el.dataset.node); if (!n) return;
    const key = el.dataset.key;
    if (el.dataset.opt !== undefined) {
      const o = n.options[Number(el.dataset.opt)];
      o[key] = key === "synonyms" ? splitList(el.value) : el.value;
    } else if (key === "summary" || key === "message") {
      n.escalate[key] = el.value || (key === "message" ? undefined : "");
    } else n[key] = el.value;
  }

  function freshId(prefix) {
    const ids = new Set(state.tree.nodes.map((n) => n.id));
    let i = 1; while (ids.has(`${prefix}_${i}`)) i += 1;
    return `${prefix}_${i}`;
  }

  async function addBranch(nodeId) {
    const ok = await dialog(`<p>新分支通向：</p><p class="checks">
      <label><input type="radio" name="kind" value="solution" checked> 解决方案（没解决时转人工）</label>
      <label><input type="radio" name="kind" value="escalation"> 直接转人工</label>
      <label><input type="radio" name="kind" value="question"> 继续追问</label></p>
      <input id="branch-label" style="width:100%" placeholder="选项按钮文字，例如：灯亮了">`, "添加");
    if (!ok) return;
    const kind = $("input[name=kind]:checked").value;
    const label = $("#branch-label").value.trim() || "新选项";
    const t = state.tree; const n = t.nodes.find((x) => x.id === nodeId);
    const esc1 = { id: freshId("esc"), escalate: { summary: `${label}，自助排查未解决` } };
    let target;
    if (kind === "solution") {
      target = { id: freshId("fix"), solution: "请按以下步骤尝试：", unsolved: esc1.id };
      t.nodes.push(target, esc1);
    } else if (kind === "escalation") { target = esc1; t.nodes.push(esc1); } else {
      const a = { id: freshId("esc"), escalate: { summary: `${label}：情况一` } };
      t.nodes.push(a);
      const b = { id: freshId("esc"), escalate: { summary: `${label}：情况二` } };
      t.nodes.push(b);
      target = { id: freshId("ask"), ask: "请问是哪种情况？", options: [
        { label: "情况一", synonyms: [], next: a.id }, { label: "情况二", synonyms: [], next: b.id }] };
      t.nodes.push(target);
    }
    n.options.push({ label, synonyms: [], next: target.id });
    renderTree();
  }

  function removeBranch(nodeId, index) {
    const t = state.tree; const n = t.nodes.find((x) => x.id === nodeId);
    n.options.splice(index, 1);
    const keep = reachable(t); const before = t.nodes.length;
    t.nodes = t.nodes.filter((x) => keep.has(x.id));
    renderTree();
    toast(`已删除分支${before - t.nodes.length ? `，连带删除 ${before - t.nodes.length} 个走不到的节点` : ""}`);
  }

  async function validateTree() {
    const res = await api("POST", "/api/kb/trees/validate", state.tree);
    state.treeProblems = res.problems; renderTree();
    $("#tree-result").innerHTML = res.ok ? '<div class="success">校验通过：没有死胡同、孤立节点或环路。</div>' : problemsHtml(res.problems);
    return res.ok;
  }

  async function saveTree() {
    if (!(await validateTree())) return;
    const draft = await ensureDraft();
    await api("PUT", `/api/kb/drafts/${draft}/trees/${state.tree.id}`, state.tree);
    await refreshDrafts();
    $("#tree-result").innerHTML = `<div class="success">已保存到草稿 #${draft}。</div>`;
  }

  // ---- drafts and review -----------------------------------------------------------------
  async function loadDraftList() {
    const f = $("#draft-filter").value;
    const q = { open: "status=editing&status=submitted&status=approved", review: "status=submitted&status=approved",
      mine: "mine=true", all: "" }[f];
    const list = await api("GET", `/api/kb/drafts?${q}`);
    $("#draft-rows").innerHTML = list.map((d) => `<tr class="clickable" data-draft="${d.id}"><td>${d.id}</td>
      <td>${esc(d.title)}</td><td>${esc(d.author)}</td><td><span class="badge ${T.statusClass[d.status]}">${T.status[d.status]}</span></td>
      <td class="num">${d.items.length}</td><td class="small muted">${time(d.updated_at)}</td></tr>`).join("")
      || '<tr><td colspan="6" class="muted">没有草稿</td></tr>';
  }

  function diffFieldHtml(name, ch) {
    if (name === "disabled") return `<div class="diff-field">状态：${ch.after ? "停用" : "启用"}</div>`;
    if (ch.added || ch.removed) {
      return `<div class="diff-field">${fieldName(name)}：${(ch.added || []).map((x) => `<div class="plus">＋ ${esc(x)}</div>`).join("")}
        ${(ch.removed || []).map((x) => `<div class="minus">－ ${esc(x)}</div>`).join("")}</div>`;
    }
    const show = (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 1) ?? "（无）");
    return `<div class="diff-field">${fieldName(name)}：<pre class="text minus">${esc(show(ch.before))}</pre><pre class="text plus">${esc(show(ch.after))}</pre></div>`;
  }

  function diffItemHtml(item, kind, extra = "") {
    const action = item.action || kind;
    let body = "";
    if (item.fields) body += Object.entries(item.fields).map(([k, v]) => diffFieldHtml(k, v)).join("");
    if (item.nodes) {
      const n = item.nodes;
      body += n.added.map((x) => `<div class="diff-field plus">＋ 节点 ${esc(x.id)}（${kindName[nodeKind(x)]}）</div>`).join("");
      body += n.removed.map((x) => `<div class="diff-field minus">－ 节点 ${esc(x.id)}</div>`).join("");
      body += n.changed.map((x) => `<div class="diff-field">节点 ${esc(x.id)}：修改了 ${Object.keys(x.fields).map(fieldName).join("、")}</div>`).join("");
    }
    if (action === "added" && item.after?.data) body += `<div class="diff-field">${item.after.data.similar?.length || 0} 条相似问</div>`;
    const what = item.kind === "tree" || kind === "tree" ? "诊断树" : item.kind === "support" ? "词典/同义词/目录文件" : "标准问";
    return `<div class="diff-item ${action}"><b>${T.actions[action] || action}${what}</b> ${esc(item.id)} ${esc(item.title || "")} ${extra}${body}</div>`;
  }

  async function openDraft(id) {
    const d = await api("GET", `/api/kb/drafts/${id}`);
    const own = d.author === state.user; const admin = state.role === "admin";
    const btn = (idAttr, text, cls = "") => `<button id="${idAttr}" class="${cls}" type="button">${text}</button>`;
    const buttons = [];
    if ((own || admin) && d.status === "editing") buttons.push(btn("submit-draft", "提交审核", "primary"), btn("use-draft", "设为当前草稿"));
    if ((own || admin) && ["submitted", "approved"].includes(d.status)) buttons.push(btn("withdraw-draft", "撤回"));
    if (canReview() && d.status === "submitted" && (!own || admin)) buttons.push(btn("approve-draft", "审核通过", "primary"));
    if (canReview() && d.status === "approved") buttons.push(btn("publish-draft", "发布上线", "primary"));
    if (canReview() && ["submitted", "approved"].includes(d.status) && (!own || admin)) buttons.push(btn("reject-draft", "退回修改"));
    if ((own || admin) && !["published", "discarded"].includes(d.status)) buttons.push(btn("discard-draft", "放弃草稿", "danger"));
    const editable = (own || admin) && d.status === "editing";
    $("#draft-detail").innerHTML = `
      <div class="row"><h2 class="grow">#${d.id} ${esc(d.title)}</h2><span class="badge ${T.statusClass[d.status]}">${T.status[d.status]}</span></div>
      <p class="small muted">作者 ${esc(d.author)} · 创建 ${time(d.created_at)} · 基于 v${d.base_version ?? "-"}
        ${d.reviewed_by ? ` · 审核 ${esc(d.reviewed_by)} ${time(d.reviewed_at)}` : ""}${d.published_version ? ` · 已发布为 v${d.published_version}` : ""}</p>
      ${d.review_note ? `<div class="notice">审核意见：${esc(d.review_note)}</div>` : ""}
      ${d.stale.length ? `<div class="notice">${esc(T.errors.stale)}：${d.stale.map((s) => esc(s.id)).join("、")}</div>` : ""}
      ${problemsHtml(d.problems)}
      <div class="row">${buttons.join("")}</div>
      <div id="draft-result"></div>
      <h3>改动（${d.items.length} 项）</h3>
      ${d.items.map((it) => diffItemHtml(it, it.kind, editable ? `<button class="link revert-item" data-kind="${it.kind}" data-item="${esc(it.id)}" type="button">撤销这项</button>` : "")).join("") || '<p class="muted">还没有改动。</p>'}
      <h3>冲突检查</h3><div id="draft-conflicts">${d.items.length ? '<button id="run-conflicts" type="button">运行冲突检查</button>' : ""}</div>`;
    const on = (sel, fn) => { const el = $(sel); if (el) el.onclick = () => handle(fn, $("#draft-result")); };
    const step = (action, body) => async () => { await api("POST", `/api/kb/drafts/${d.id}/${action}`, body); await afterDraftChange(d.id); };
    on("#submit-draft", step("submit"));
    on("#withdraw-draft", step("withdraw"));
    on("#approve-draft", step("approve"));
    on("#reject-draft", async () => {
      const ok = await dialog('<p>退回给作者修改，填写审核意见：</p><textarea id="reject-note"></textarea>', "退回");
      if (ok) await step("reject", { note: $("#reject-note").value })();
    });
    on("#discard-draft", async () => {
      if (await dialog("<p>放弃这个草稿？里面的改动不会发布。</p>", "放弃")) {
        await api("DELETE", `/api/kb/drafts/${d.id}`); await afterDraftChange(d.id);
      }
    });
    on("#use-draft", async () => { setDraft(d.id); await refreshDrafts(); toast(`当前草稿：#${d.id}`); });
    on("#publish-draft", () => publishDraft(d.id, false));
    on("#run-conflicts", () => showConflicts(d.id));
    $$(".revert-item", $("#draft-detail")).forEach((b) => { b.onclick = () => handle(async () => {
      await api("DELETE", `/api/kb/drafts/${d.id}/items/${b.dataset.kind}/${encodeURIComponent(b.dataset.item)}`);
      await afterDraftChange(d.id);
    }, $("#draft-result")); });
    if (canReview() && ["submitted", "approved"].includes(d.status) && d.items.length) handle(() => showConflicts(d.id), $("#draft-conflicts"));
  }

  async function afterDraftChange(id) {
    await Promise.all([refreshDrafts(), loadDraftList(), refreshLive()]);
    await openDraft(id);
  }

  function conflictsHtml(c) {
    if (!c.phrasings.length && !c.duplicates.length) return '<div class="success">没有发现冲突。</div>';
    const score = (s) => (s === null || s === undefined ? "未进前列" : s.toFixed(3));
    return `${c.phrasings.length ? `<p><b>相似问更像别的标准问（${c.phrasings.length}）</b></p><table><thead><tr><th>相似问</th>
      <th>所属标准问</th><th>得分</th><th>更像</th><th>得分</th></tr></thead><tbody>${c.phrasings.map((p) => `<tr>
      <td>${esc(p.phrasing)}</td><td>${esc(p.question_id)} ${esc(p.question_title)}</td><td class="num">${score(p.own_score)}</td>
      <td>${esc(p.other_id)} ${esc(p.other_title)}</td><td class="num">${score(p.other_score)}</td></tr>`).join("")}</tbody></table>` : ""}
      ${c.duplicates.length ? `<p><b>疑似重复的标准问（${c.duplicates.length}）</b></p><table><thead><tr><th>标准问</th><th>与之重复</th>
      <th>重合比例</th><th>平均得分</th></tr></thead><tbody>${c.duplicates.map((p) => `<tr><td>${esc(p.a_id)} ${esc(p.a_title)}</td>
      <td>${esc(p.b_id)} ${esc(p.b_title)}</td><td class="num">${Math.round(p.score * 100)}%</td>
      <td class="num">${p.mean_score.toFixed(3)}</td></tr>`).join("")}</tbody></table>` : ""}
      ${c.truncated ? '<p class="small muted">改动较多，只检查了一部分。</p>' : ""}`;
  }

  async function showConflicts(id) {
    $("#draft-conflicts").innerHTML = '<p class="muted">正在检查……</p>';
    const c = await api("GET", `/api/kb/drafts/${id}/conflicts`);
    $("#draft-conflicts").innerHTML = conflictsHtml(c);
  }

  async function publishDraft(id, force) {
    try {
      const res = await api("POST", `/api/kb/drafts/${id}/publish`, { force });
      toast(`已发布为版本 v${res.version}，已经生效`);
      await afterDraftChange(id);
      $("#draft-result").innerHTML = `<div class="success" id="publish-ok">已发布为版本 v${res.version}，线上已生效。</div>`;
    } catch (err) {
      if (err.code !== "conflicts") throw err;
      const ok = await dialog(`<p>冲突检查发现以下问题，确定仍然发布吗？</p>${conflictsHtml(err.body)}`, "仍然发布");
      if (ok) await publishDraft(id, true);
    }
  }

  // ---- versions --------------------------------------------------------------------------
  async function loadVersions() {
    const res = await api("GET", "/api/kb/versions");
    $("#version-rows").innerHTML = res.items.map((v) => `<tr class="clickable" data-version="${v.number}">
      <td>v${v.number} ${v.number === res.live ? '<span class="badge ok">线上</span>' : ""}</td>
      <td>${T.kinds[v.kind] || v.kind}${v.rollback_to ? ` → v${v.rollback_to}` : ""}</td><td>${esc(v.author)}</td>
      <td>${esc(v.approved_by || "")}</td><td class="small muted">${time(v.created_at)}</td>
      <td class="small">${v.counts.questions || 0} 标准问 · ${v.counts.trees || 0} 树</td></tr>`).join("");
  }

  async function openVersion(n) {
    const v = await api("GET", `/api/kb/versions/${n}`);
    const live = Number($("#live-badge").textContent.match(/v(\d+)/)?.[1]);
    const d = v.diff || {}; const items = [];
    for (const part of ["questions", "trees"]) {
      for (const kind of ["added", "removed", "changed"]) {
        (d[part]?.[kind] || []).forEach((it) => items.push(diffItemHtml({ ...it, action: kind, kind: part === "trees" ? "tree" : "question" }, kind)));
      }
    }
    $("#version-detail").innerHTML = `<div class="row"><h2 class="grow">版本 v${v.number}</h2>
        ${canReview() && v.number !== live ? '<button id="rollback" class="danger" type="button">回滚到此版本</button>' : ""}
        <button id="export-version-zip" type="button">导出 zip</button><button id="export-version-xlsx" type="button">导出 Excel</button></div>
      <p class="small muted">${T.kinds[v.kind] || v.kind} · 作者 ${esc(v.author)}${v.approved_by ? ` · 审核 ${esc(v.approved_by)}` : ""} · ${time(v.created_at)}
        ${v.note ? ` · ${esc(v.note)}` : ""}${v.rollback_to ? ` · 回滚到 v${v.rollback_to}` : ""}</p>
      ${(d.support || []).length ? `<div class="notice">还改动了：${d.support.map(esc).join("、")}</div>` : ""}
      <div id="version-result"></div>${items.join("") || '<p class="muted">没有改动。</p>'}`;
    if ($("#rollback")) $("#rollback").onclick = () => handle(async () => {
      if (!(await dialog(`<p>把线上知识恢复成 v${n} 的内容？会生成一个新版本，历史都保留。</p><textarea id="rollback-note" placeholder="回滚原因"></textarea>`, "回滚"))) return;
      const res = await api("POST", `/api/kb/versions/${n}/rollback`, { note: $("#rollback-note").value });
      toast(`已回滚，新版本 v${res.version} 已生效`);
      await Promise.all([refreshLive(), loadVersions()]);
      await openVersion(res.version);
    }, $("#version-result"));
    $("#export-version-zip").onclick = () => handle(() => download(`/api/kb/export.zip?version=${n}`, `knowledge-v${n}.zip`));
    $("#export-version-xlsx").onclick = () => handle(() => download(`/api/kb/export.xlsx?version=${n}`, `knowledge-v${n}.xlsx`));
  }

  // ---- try it ----------------------------------------------------------------------------
  async function loadTry() {
    if (state.customers) return;
    state.customers = await api("GET", "/api/kb/try/customers");
    $("#try-customer").innerHTML = '<option value="">匿名访客</option>' + state.customers.map((c) =>
      `<option value="${c.member_id}">${esc(c.name)}（${c.tags.map(tagName).join("、")}）</option>`).join("");
  }

  async function runTry() {
    const text = $("#try-text").value.trim(); if (!text) return;
    const body = { text, channel: $("#try-channel").value, member_id: $("#try-customer").value || null };
    if ($("#try-source").value === "draft") {
      if (!state.draft) { toast("还没有当前草稿"); return; }
      body.draft_id = state.draft;
    }
    const r = await api("POST", "/api/kb/try", body);
    const top = r.candidates[0]?.score || 1;
    const a = r.answer; const t = r.tier;
    const when = a?.when ? [a.when.channel ? `渠道：${T.channels[a.when.channel]}` : "", ...(a.when.tags || []).map(tagName)].filter(Boolean).join("，") : "";
    $("#try-result").innerHTML = `<div class="card" id="try-card"><div class="row"><h2 class="grow">判断：
        <span class="badge ${r.decision === "answer" ? "ok" : r.decision === "clarify" ? "warn" : "bad"}" id="try-decision">${T.decisions[r.decision]}</span></h2>
        ${r.confidence !== null && r.confidence !== undefined ? `<span class="small muted">把握 ${(r.confidence * 100).toFixed(1)}%</span>` : ""}</div>
      <table><thead><tr><th>候选标准问</th><th>得分</th></tr></thead><tbody>${r.candidates.map((c) => `<tr data-qid="${c.id}">
        <td>${esc(c.id)} ${esc(c.title)} ${r.choices.includes(c.id) ? '<span class="badge">给用户</span>' : ""}</td>
        <td class="num"><span class="bar" style="width:${Math.max(4, (c.score / top) * 120)}px"></span>${c.score.toFixed(4)}</td></tr>`).join("")}</tbody></table></div>
      ${a ? `<div class="card"><h2>答案：${esc(a.question_id)} · ${a.variant === null ? "默认答案" : `变体 ${a.variant + 1}（${esc(when)}）`}</h2>
        ${a.valid ? "" : '<div class="notice">不在有效期内，用户看不到这个答案。</div>'}
        ${a.tree ? `<div class="notice">这个标准问会启动诊断树 ${esc(a.tree)}。</div>` : ""}
        <pre class="text">${esc(a.text)}</pre>${a.links.map((l) => `<div class="small">🔗 ${esc(l.title)} ${esc(l.url)}</div>`).join("")}</div>` : ""}
      <div class="card"><h2>分级</h2>${t?.available ? `<p><b>第 ${t.tier} 级</b> · 去向 ${esc(t.route)}${t.skills?.length ? ` · 技能 ${t.skills.map(esc).join("、")}` : ""}</p>
        <p>${esc(t.reason)}</p>` : `<p class="muted">分级策略暂不可用。</p>`}</div>`;
  }

  // ---- learn from users ------------------------------------------------------------------
  async function loadLearn() {
    const [res, fb] = await Promise.all([
      api("GET", `/api/kb/learn/unmatched?days=${$("#learn-days").value}`), api("GET", "/api/kb/learn/feedback")]);
    state.clusters = res.clusters;
    $("#learn-clusters").innerHTML = res.clusters.map((c, i) => `<div class="cluster" data-cluster="${i}">
      <div class="row"><b class="grow">${esc(c.label)}</b><span class="badge">${c.count} 次</span>
        <span class="small muted">未匹配 ${c.none} · 仅澄清 ${c.clarify} · 最近 ${time(c.last_at)}</span></div>
      <div class="examples">${c.examples.map((e) => `<span>${esc(e.text)} ×${e.count}</span>`).join("")}</div>
      ${canEdit() ? `<div class="row small">${c.suggestions.map((s) => `<button type="button" class="add-to" data-qid="${s.id}">加为「${esc(s.title)}」的相似问 <span class="muted">${s.score.toFixed(2)}</span></button>`).join("")}
        <button type="button" class="add-other">加到其他标准问…</button><button type="button" class="start-new">新建标准问</button></div>` : ""}
      <div class="cluster-result"></div></div>`).join("") || `<p class="muted">近 ${res.days} 天没有未匹配的问题。</p>`;
    $("#feedback-rows").innerHTML = fb.map((r) => `<tr class="clickable" data-qid="${r.id}"><td>${r.id}</td><td>${esc(r.title || "")}</td>
      <td class="num">${r.hits}</td><td class="num">${r.up}</td><td class="num">${r.down}</td></tr>`).join("")
      || '<tr><td colspan="5" class="muted">还没有评价</td></tr>';
  }

  async function addFromCluster(el, qid) {
    const c = state.clusters[Number(el.dataset.cluster)];
    const draft = await ensureDraft();
    await api("POST", `/api/kb/drafts/${draft}/phrasings`, { question_id: qid, text: c.label });
    await refreshDrafts();
    $(".cluster-result", el).innerHTML = `<div class="success">已把“${esc(c.label)}”加为 ${esc(qid)} 的相似问（草稿 #${draft}）。</div>`;
  }

  async function onLearnClick(ev) {
    const el = ev.target.closest(".cluster");
    const row = ev.target.closest("#feedback-rows tr[data-qid]");
    if (row) { showTab("questions"); return handle(() => openQuestion(row.dataset.qid)); }
    if (!el) return;
    const out = $(".cluster-result", el);
    if (ev.target.closest(".add-to")) return handle(() => addFromCluster(el, ev.target.closest(".add-to").dataset.qid), out);
    if (ev.target.matches(".add-other")) {
      if (!(await dialog('<p>加到哪个标准问？输入标准问 ID：</p><input id="other-qid" style="width:100%" placeholder="例如 power-001">', "添加"))) return;
      return handle(() => addFromCluster(el, $("#other-qid").value.trim()), out);
    }
    if (ev.target.matches(".start-new")) {
      const c = state.clusters[Number(el.dataset.cluster)];
      showTab("questions");
      newQuestion({ title: c.label, similar: c.examples.map((e) => e.text).filter((t) => t !== c.label) });
    }
  }

  // ---- import / export -------------------------------------------------------------------
  async function importPreview() {
    const file = $("#import-file").files[0];
    if (!file) { toast("请先选择文件"); return; }
    const form = new FormData(); form.append("file", file); form.append("mode", $("#import-mode").value);
    const res = await api("POST", "/api/kb/import/preview", form);
    $("#import-apply").disabled = !res.ok || !Object.values(res.diff.counts).some(Boolean);
    if (!res.ok) { $("#import-result").innerHTML = `<div class="problems">文件有问题，没有导入：</div>${problemsHtml(res.problems)}`; return; }
    const d = res.diff; const items = [];
    for (const part of ["questions", "trees"]) {
      for (const kind of ["added", "removed", "changed"]) {
        d[part][kind].forEach((it) => items.push(diffItemHtml({ ...it, action: kind, kind: part === "trees" ? "tree" : "question" }, kind)));
      }
    }
    $("#import-result").innerHTML = `<div class="success" id="import-summary">校验通过。将改动 ${d.counts.questions} 个标准问、${d.counts.trees} 棵诊断树${d.counts.support ? `、${d.counts.support} 个词典等文件` : ""}。</div>${items.join("")}`;
  }

  async function importApply() {
    const form = new FormData(); form.append("file", $("#import-file").files[0]);
    form.append("mode", $("#import-mode").value); form.append("title", `导入 ${$("#import-file").files[0].name}`);
    const d = await api("POST", "/api/kb/import", form);
    $("#import-apply").disabled = true;
    await refreshDrafts();
    toast(`已导入为草稿 #${d.id}`);
    showTab("drafts"); await openDraft(d.id);
  }

  // ---- audit -----------------------------------------------------------------------------
  async function loadAudit() {
    const p = new URLSearchParams({ limit: 200 });
    if ($("#audit-actor").value.trim()) p.set("actor", $("#audit-actor").value.trim());
    if ($("#audit-target").value.trim()) p.set("target", $("#audit-target").value.trim());
    const res = await api("GET", `/api/kb/audit?${p}`);
    $("#audit-rows").innerHTML = res.items.map((e) => `<tr><td class="small">${time(e.at)}</td>
      <td>${esc(e.actor)} <span class="small muted">${T.roles[e.role] || e.role}</span></td><td>${T.audit[e.action] || esc(e.action)}</td>
      <td>${esc(e.target_type)} ${esc(e.target_id)}</td><td class="small muted">${esc(Object.entries(e.detail || {})
        .filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; "))}</td></tr>`).join("");
  }

  // ---- wiring ----------------------------------------------------------------------------
  function wire() {
    $("#login").addEventListener("submit", (ev) => handle(() => login(ev)));
    $("#logout").onclick = logout;
    $("#tabs").onclick = (ev) => { if (ev.target.dataset.tab) showTab(ev.target.dataset.tab); };
    $("#new-draft").onclick = () => handle(async () => {
      const d = await api("POST", "/api/kb/drafts", { title: `${state.user} 的修改 ${new Date().toLocaleString("zh-CN", { hour12: false })}` });
      setDraft(d.id); await refreshDrafts(); toast(`已新建草稿 #${d.id}`);
    });
    $("#draft-select").onchange = (ev) => { setDraft(Number(ev.target.value) || null); showTab("questions"); };
    let timer;
    const reload = () => { state.page = 0; clearTimeout(timer); timer = setTimeout(() => handle(loadQuestions), 250); };
    ["#q-search", "#q-min-hits"].forEach((s) => $(s).addEventListener("input", reload));
    ["#q-category", "#q-product", "#q-tier", "#q-status", "#q-sort", "#q-edited-after"].forEach((s) => $(s).addEventListener("change", reload));
    $("#q-prev").onclick = () => { state.page -= 1; handle(loadQuestions); };
    $("#q-next").onclick = () => { state.page += 1; handle(loadQuestions); };
    $("#q-rows").onclick = (ev) => { const tr = ev.target.closest("tr[data-qid]"); if (tr) handle(() => openQuestion(tr.dataset.qid)); };
    $("#q-new").onclick = () => newQuestion();
    $("#tree-rows").onclick = (ev) => { const tr = ev.target.closest("tr[data-tid]"); if (tr) handle(() => openTree(tr.dataset.tid)); };
    $("#tree-editor").addEventListener("input", onTreeInput);
    $("#tree-editor").addEventListener("click", (ev) => {
      const b = ev.target;
      if (b.id === "tree-validate") handle(validateTree, $("#tree-result"));
      if (b.id === "tree-save") handle(saveTree, $("#tree-result"));
      if (b.matches(".add-branch")) handle(() => addBranch(b.dataset.node));
      if (b.matches(".remove-branch")) removeBranch(b.dataset.node, Number(b.dataset.opt));
    });
    $("#draft-filter").onchange = () => handle(loadDraftList);
    $("#draft-rows").onclick = (ev) => { const tr = ev.target.closest("tr[data-draft]"); if (tr) handle(() => openDraft(Number(tr.dataset.draft))); };
    $("#version-rows").onclick = (ev) => { const tr = ev.target.closest("tr[data-version]"); if (tr) handle(() => openVersion(Number(tr.dataset.version))); };
    $("#try-btn").onclick = () => handle(runTry, $("#try-result"));
    $("#try-text").onkeydown = (ev) => { if (ev.key === "Enter") handle(runTry, $("#try-result")); };
    $("#learn-refresh").onclick = () => handle(loadLearn);
    $("#learn-days").onchange = () => handle(loadLearn);
    $("#tab-learn").addEventListener("click", onLearnClick);
    $("#export-zip").onclick = () => handle(() => download("/api/kb/export.zip", "knowledge.zip"));
    $("#export-xlsx").onclick = () => handle(() => download("/api/kb/export.xlsx", "knowledge.xlsx"));
    $("#import-file").onchange = () => { $("#import-apply").disabled = true; $("#import-result").innerHTML = ""; };
    $("#import-preview").onclick = () => handle(importPreview, $("#import-result"));
    $("#import-apply").onclick = () => handle(importApply, $("#import-result"));
    $("#audit-refresh").onclick = () => handle(loadAudit);
  }

  wire();
  if (state.token) handle(start).then((ok) => { if (ok === undefined && !state.meta) logout(); });
})();
