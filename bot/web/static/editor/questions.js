// @ts-check
/** Standard questions: the filtered list and the form that edits one into the current draft. */
import { $, $$, byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { CHANNELS } from "../lib/labels.js";
import {
  api, canEdit, dialog, draftParam, ensureDraft, handle, problemsView, refreshDrafts, showTab, state, tagName, toast,
} from "./core.js";

/** @typedef {{when?: {channel?: string, tags?: string[]}, answer?: string, links?: {title: string, url: string}[] | null}} Variant */

const value = (/** @type {string} */ sel, /** @type {ParentNode} */ root = document) => /** @type {HTMLInputElement} */ ($(sel, root)).value;
const splitList = (/** @type {string} */ s) => String(s || "").split(/[,，、;；\n]+/).map((x) => x.trim()).filter(Boolean);
const linksText = (/** @type {{title: string, url: string}[] | null | undefined} */ links) =>
  (links || []).map((l) => `${l.title} | ${l.url}`).join("\n");
const parseLinks = (/** @type {string} */ text) =>
  text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const i = l.lastIndexOf("|");
    return { title: l.slice(0, i).trim(), url: l.slice(i + 1).trim() };
  });

export async function loadQuestions() {
  const [sort, dir] = value("#q-sort").split(":");
  const p = new URLSearchParams({ limit: String(state.pageSize), offset: String(state.page * state.pageSize), sort, desc: String(dir === "desc") });
  const add = (/** @type {string} */ k, /** @type {unknown} */ v) => {
    if (v) p.set(k, String(v));
  };
  add("q", value("#q-search").trim());
  add("category", value("#q-category"));
  add("product", value("#q-product"));
  add("tier", value("#q-tier"));
  add("status", value("#q-status"));
  add("min_hits", value("#q-min-hits"));
  add("edited_after", value("#q-edited-after"));
  add("draft_id", state.draft);
  const res = await api.call("GET", `/api/kb/questions?${p}`);
  byId("q-total").textContent = `共 ${res.total} 个，第 ${state.page + 1} 页${state.draft ? "（含当前草稿的改动）" : ""}`;
  byId("q-prev", HTMLButtonElement).disabled = state.page === 0;
  byId("q-next", HTMLButtonElement).disabled = (state.page + 1) * state.pageSize >= res.total;
  show(res.items.map((/** @type {any} */ r) => html`
    <tr class="clickable ${state.question === r.id ? "selected" : ""}" data-qid=${r.id}>
      <td>${r.id}</td><td>${r.title} ${r.disabled ? html`<span class="badge grey">停用</span>` : nothing}
        ${r.draft ? html`<span class="badge warn" title="草稿 #${r.draft} 里有改动">草稿</span>` : nothing}</td>
      <td>${r.category}</td><td class="num">${r.tier}</td><td class="num">${r.similar}</td>
      <td class="num">${r.hits}</td><td class="num">${r.up}/${r.down}</td>
      <td class="small muted">${r.edited ? html`v${r.edited.version} ${r.edited.by}<br>${dateTime(r.edited.at)}` : nothing}</td>
    </tr>`), byId("q-rows"));
}

/** @param {string} qid */
export async function openQuestion(qid) {
  state.question = qid;
  for (const tr of $$("#q-rows tr")) tr.classList.toggle("selected", tr.dataset.qid === qid);
  const d = await api.call("GET", `/api/kb/questions/${qid}?${draftParam()}`);
  renderQuestion(d.question, d);
}

/** @param {Record<string, any>} [prefill] */
export function newQuestion(prefill = {}) {
  state.question = null;
  const q = { id: "", title: "", category: state.meta.categories[0]?.name || "", products: [], tier: 1,
    keywords: [], similar: [], answer: "", variants: [], links: [], valid_from: null, valid_until: null, tree: null, ...prefill };
  renderQuestion(q, { isNew: true });
}

/** @param {Variant} v */
function variantView(v) {
  const when = v.when || {};
  const links = v.links === null || v.links === undefined ? "" : v.links.length ? linksText(v.links) : "-";
  return html`<div class="variant">
    <div class="row"><label class="small muted">渠道
      <select class="v-channel"><option value="">全部渠道</option>${Object.entries(CHANNELS).map(
        ([k, n]) => html`<option value=${k} ?selected=${when.channel === k}>${n}</option>`)}</select></label>
      <span class="grow"></span><button type="button" class="link danger remove-variant">删除变体</button></div>
    <div class="checks small">客户标签：${state.meta.tags.map((/** @type {string} */ t) => html`<label><input type="checkbox"
      class="v-tag" value=${t} .checked=${(when.tags || []).includes(t)}> ${tagName(t)}</label>`)}</div>
    <textarea class="v-answer" aria-label="变体答案" placeholder="这类客户看到的答案" .value=${v.answer || ""}></textarea>
    <textarea class="v-links small" aria-label="变体链接" .value=${links}
      placeholder="链接，每行「标题 | https://…」；留空沿用标准问的链接；写「-」表示不显示链接"></textarea>
  </div>`;
}

/** @type {{q: any, info: any} | null} the question on the form */
let current = null;

/**
 * Draw the form for a question (from the server, or re-drawn after adding or removing a row).
 * @param {any} q
 * @param {any} info hits, feedback, edits, draft; `isNew` for a new question
 */
function renderQuestion(q, info) {
  current = { q, info };
  const m = state.meta;
  const isNew = !!info.isNew;
  const edit = canEdit();
  const form = byId("q-editor");
  show(html`
    <div class="row"><h2 class="grow">${isNew ? "新建标准问" : html`${q.id} ${info.disabled ? html`<span class="badge grey">停用</span>` : nothing}`}</h2>
      ${isNew ? nothing : html`<span class="small muted">命中 ${info.hits} · 👍 ${info.up} · 👎 ${info.down}
        ${info.edited ? ` · 最后编辑 v${info.edited.version} ${info.edited.by} ${dateTime(info.edited.at)}` : ""}</span>`}</div>
    ${info.draft ? html`<div class="notice">草稿 #${info.draft} 里有这个标准问的改动。</div>` : nothing}
    <div class="field"><label for="f-title">标准问</label><input id="f-title" style="width:100%" .value=${q.title}></div>
    <div class="row">
      <div class="field"><label for="f-category">分类</label>${isNew
        ? html`<select id="f-category">${m.categories.map((/** @type {any} */ c) => html`<option ?selected=${c.name === q.category}>${c.name}</option>`)}</select>`
        : html`<span id="f-category-name">${q.category}</span>`}</div>
      <div class="field"><label for="f-tier">级别</label><select id="f-tier">${[1, 2, 3, 4, 5].map(
        (t) => html`<option value=${t} ?selected=${q.tier === t}>第 ${t} 级</option>`)}</select></div>
      <div class="field"><label for="f-tree">诊断树</label><select id="f-tree"><option value="">（无）</option>${m.trees.map(
        (/** @type {any} */ t) => html`<option value=${t.id} ?selected=${q.tree === t.id}>${t.title}</option>`)}</select></div>
      <div class="field"><label for="f-from">生效日期</label><input id="f-from" type="date" .value=${q.valid_from || ""}></div>
      <div class="field"><label for="f-until">失效日期</label><input id="f-until" type="date" .value=${q.valid_until || ""}></div>
    </div>
    <div class="field checks"><span class="label">产品线（不选 = 全部）</span>${m.products.map((/** @type {any} */ p) => html`<label><input
      type="checkbox" class="f-product" value=${p.id} .checked=${q.products.includes(p.id)}> ${p.name}</label>`)}</div>
    <div class="field"><label for="f-keywords">关键词（用逗号分隔）</label><input id="f-keywords" style="width:100%" .value=${q.keywords.join(", ")}></div>
    <div class="field list-edit"><span class="label">相似问（${q.similar.length} 条，至少 8 条）</span>
      <div id="f-similar">${q.similar.map((/** @type {string} */ s, /** @type {number} */ i) => html`<div class="item"><input class="f-sim"
        aria-label="相似问 ${i + 1}" .value=${s}><button type="button" class="link danger remove-item" data-index=${i}
        title="删除" aria-label="删除相似问 ${i + 1}">✕</button></div>`)}</div>
      <div class="row"><input id="new-similar" class="grow" aria-label="新的相似问" placeholder="输入一个用户会这样问的说法，回车添加">
        <button id="add-similar" type="button">添加相似问</button></div></div>
    <div class="field"><label for="f-answer">默认答案</label><textarea id="f-answer" rows="6" .value=${q.answer}></textarea></div>
    <div class="field"><span class="label">答案变体（按渠道、客户标签给不同答案；条件最具体的优先）</span>
      <div id="f-variants">${q.variants.map(variantView)}</div>
      <button id="add-variant" type="button">添加变体</button></div>
    <div class="field"><label for="f-links">链接（每行「标题 | https://…」）</label><textarea id="f-links" rows="2" .value=${linksText(q.links)}></textarea></div>
    <div id="q-result"></div>
    <div class="row">${edit ? html`<button id="save-question" class="primary" type="button">保存到草稿</button>
      ${isNew ? nothing : html`<button id="toggle-disable" type="button">${info.disabled ? "启用" : "停用"}</button>
      <button id="delete-question" class="danger" type="button">删除</button>`}` : nothing}
      <span class="grow"></span><button id="try-question" type="button">试一试</button></div>`, form);
  form.dataset.qid = q.id || "";
  form.dataset.isNew = isNew ? "1" : "";
}

/** Redraw the form with one change to what is on it now (typed values kept). @param {(q: any) => void} change */
function redraw(change) {
  if (!current) return;
  const q = collectQuestion(current.q);
  change(q);
  renderQuestion(q, current.info);
}

/** @param {any} q the question as loaded; the form's values on top */
function collectQuestion(q) {
  const variants = $$("#f-variants .variant").map((v) => {
    /** @type {{channel?: string, tags?: string[]}} */
    const when = {};
    if (value(".v-channel", v)) when.channel = value(".v-channel", v);
    const tags = $$(".v-tag", v).filter((c) => /** @type {HTMLInputElement} */ (c).checked).map((c) => /** @type {HTMLInputElement} */ (c).value);
    if (tags.length) when.tags = tags;
    const linksRaw = value(".v-links", v).trim();
    /** @type {Variant} */
    const out = { when, answer: value(".v-answer", v) };
    if (linksRaw === "-") out.links = [];
    else if (linksRaw) out.links = parseLinks(linksRaw);
    return out;
  });
  const checked = (/** @type {string} */ sel) => $$(sel).filter((c) => /** @type {HTMLInputElement} */ (c).checked).map((c) => /** @type {HTMLInputElement} */ (c).value);
  const data = {
    ...q, title: value("#f-title").trim(), tier: Number(value("#f-tier")),
    products: checked(".f-product"), keywords: splitList(value("#f-keywords")),
    similar: $$("#f-similar .f-sim").map((i) => /** @type {HTMLInputElement} */ (i).value.trim()).filter(Boolean),
    answer: value("#f-answer"), variants, links: parseLinks(value("#f-links")),
    valid_from: value("#f-from") || null, valid_until: value("#f-until") || null, tree: value("#f-tree") || null,
  };
  if ($("#f-category")) data.category = value("#f-category");
  return data;
}

async function saveQuestion() {
  if (!current) return;
  const { q, info } = current;
  const data = collectQuestion(q);
  const draft = await ensureDraft();
  const res = info.isNew
    ? await api.call("POST", `/api/kb/drafts/${draft}/questions`, data)
    : await api.call("PUT", `/api/kb/drafts/${draft}/questions/${q.id}`, data);
  await Promise.all([refreshDrafts(), loadQuestions()]);
  await openQuestion(res.id);
  show(html`<div class="success">已保存到草稿 #${draft}。${res.problems.length ? "提交审核前还需要修改：" : "可以在「草稿与审核」里提交审核。"}</div>
    ${problemsView(res.problems)}`, byId("q-result"));
}

/** @param {string} qid @param {boolean} disable */
async function toggleDisable(qid, disable) {
  const draft = await ensureDraft();
  await api.call("POST", `/api/kb/drafts/${draft}/questions/${qid}/${disable ? "disable" : "enable"}`);
  await Promise.all([refreshDrafts(), loadQuestions()]);
  await openQuestion(qid);
  toast(disable ? "已在草稿中停用" : "已在草稿中启用");
}

/** @param {any} q */
async function deleteQuestion(q) {
  const ok = await dialog(html`<p>删除标准问 <b>${q.id} ${q.title}</b>？删除后 ID 不再使用。只想暂时下线请用「停用」。</p>
    <p>请输入 ID <b>${q.id}</b> 确认：</p><input id="confirm-id" aria-label="确认要删除的 ID" style="width:100%">`, "删除");
  const typed = value("#confirm-id").trim();
  if (!ok) return;
  if (typed !== q.id) {
    toast("输入的 ID 不一致，没有删除");
    return;
  }
  const draft = await ensureDraft();
  await api.call("DELETE", `/api/kb/drafts/${draft}/questions/${q.id}?confirm=${encodeURIComponent(typed)}`);
  current = null;
  show(html`<div class="success">已在草稿 #${draft} 中删除 ${q.id}，发布后生效。</div>`, byId("q-editor"));
  await Promise.all([refreshDrafts(), loadQuestions()]);
}

/** @param {() => Promise<void>} runTry the try-it tab's action */
export function wireQuestions(runTry) {
  const form = byId("q-editor");
  const result = () => byId("q-result");
  const addSimilar = () => {
    const text = value("#new-similar").trim();
    if (!text) return;
    redraw((q) => q.similar.push(text));
    const input = /** @type {HTMLInputElement} */ ($("#new-similar"));
    input.value = "";
    input.focus();
  };
  form.addEventListener("click", (ev) => {
    const t = /** @type {HTMLElement} */ (ev.target);
    if (!current) return;
    if (t.matches(".remove-item")) redraw((q) => q.similar.splice(Number(t.dataset.index), 1));
    else if (t.matches(".remove-variant")) {
      const i = $$("#f-variants .variant").indexOf(/** @type {HTMLElement} */ (t.closest(".variant")));
      redraw((q) => q.variants.splice(i, 1));
    } else if (t.id === "add-similar") addSimilar();
    else if (t.id === "add-variant") redraw((q) => q.variants.push({ when: {}, answer: "", links: null }));
    else if (t.id === "save-question") handle(saveQuestion, result());
    else if (t.id === "toggle-disable") handle(() => toggleDisable(current?.q.id, !current?.info.disabled), result());
    else if (t.id === "delete-question") handle(() => deleteQuestion(current?.q), result());
    else if (t.id === "try-question") {
      showTab("try");
      byId("try-text", HTMLInputElement).value = value("#f-title");
      runTry();
    }
  });
  form.addEventListener("keydown", (ev) => {
    if (/** @type {HTMLElement} */ (ev.target).id === "new-similar" && ev.key === "Enter") {
      ev.preventDefault();
      addSimilar();
    }
  });
}
