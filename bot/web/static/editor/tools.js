// @ts-check
/** Try it, learn from users, import/export, audit log. */
import { $, byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { CHANNELS, STAFF_ROLES } from "../lib/labels.js";
import { diffItemsView } from "./diff.js";
import { openDraft } from "./drafts.js";
import { AUDIT_ACTIONS, DECISIONS } from "./labels.js";
import { newQuestion, openQuestion } from "./questions.js";
import { api, canEdit, dialog, download, ensureDraft, handle, problemsView, refreshDrafts, showTab, state, tagName, toast } from "./core.js";

const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id)).value;

// ---- try it ----------------------------------------------------------------------------
export async function loadTry() {
  if (state.customers) return;
  state.customers = await api.call("GET", "/api/kb/try/customers");
  show(html`<option value="">匿名访客</option>${(state.customers || []).map((c) =>
    html`<option value=${c.member_id}>${c.name}（${c.tags.map(tagName).join("、")}）</option>`)}`, byId("try-customer"));
}

export async function runTry() {
  const text = value("try-text").trim();
  if (!text) return;
  /** @type {Record<string, unknown>} */
  const body = { text, channel: value("try-channel"), member_id: value("try-customer") || null };
  if (value("try-source") === "draft") {
    if (!state.draft) {
      toast("还没有当前草稿");
      return;
    }
    body.draft_id = state.draft;
  }
  const r = await api.call("POST", "/api/kb/try", body);
  const top = r.candidates[0]?.score || 1;
  const a = r.answer;
  const t = r.tier;
  const when = a?.when ? [a.when.channel ? `渠道：${CHANNELS[a.when.channel]}` : "", ...(a.when.tags || []).map(tagName)].filter(Boolean).join("，") : "";
  const badge = r.decision === "answer" ? "ok" : r.decision === "clarify" ? "warn" : "bad";
  show(html`<div class="card" id="try-card"><div class="row"><h2 class="grow">判断：
      <span class="badge ${badge}" id="try-decision">${DECISIONS[r.decision]}</span></h2>
      ${r.confidence !== null && r.confidence !== undefined ? html`<span class="small muted">把握 ${(r.confidence * 100).toFixed(1)}%</span>` : nothing}</div>
    <table><thead><tr><th>候选标准问</th><th>得分</th></tr></thead><tbody>${r.candidates.map((/** @type {any} */ c) => html`<tr data-qid=${c.id}>
      <td>${c.id} ${c.title} ${r.choices.includes(c.id) ? html`<span class="badge">给用户</span>` : nothing}</td>
      <td class="num"><span class="bar" style="width:${Math.max(4, (c.score / top) * 120)}px"></span>${c.score.toFixed(4)}</td></tr>`)}</tbody></table></div>
    ${a ? html`<div class="card"><h2>答案：${a.question_id} · ${a.variant === null ? "默认答案" : `变体 ${a.variant + 1}（${when}）`}</h2>
      ${a.valid ? nothing : html`<div class="notice">不在有效期内，用户看不到这个答案。</div>`}
      ${a.tree ? html`<div class="notice">这个标准问会启动诊断树 ${a.tree}。</div>` : nothing}
      <pre class="text">${a.text}</pre>${a.links.map((/** @type {any} */ l) => html`<div class="small">🔗 ${l.title} ${l.url}</div>`)}</div>` : nothing}
    <div class="card"><h2>分级</h2>${t?.available ? html`<p><b>第 ${t.tier} 级</b> · 去向 ${t.route}${t.skills?.length ? ` · 技能 ${t.skills.join("、")}` : ""}</p>
      <p>${t.reason}</p>` : html`<p class="muted">分级策略暂不可用。</p>`}</div>`, byId("try-result"));
}

// ---- learn from users ------------------------------------------------------------------
export async function loadLearn() {
  const [res, fb] = await Promise.all([
    api.call("GET", `/api/kb/learn/unmatched?days=${value("learn-days")}`), api.call("GET", "/api/kb/learn/feedback")]);
  state.clusters = res.clusters;
  show(res.clusters.length ? res.clusters.map((/** @type {any} */ c, /** @type {number} */ i) => html`<div class="cluster" data-cluster=${i}>
      <div class="row"><b class="grow">${c.label}</b><span class="badge">${c.count} 次</span>
        <span class="small muted">未匹配 ${c.none} · 仅澄清 ${c.clarify} · 最近 ${dateTime(c.last_at)}</span></div>
      <div class="examples">${c.examples.map((/** @type {any} */ e) => html`<span>${e.text} ×${e.count}</span>`)}</div>
      ${canEdit() ? html`<div class="row small">${c.suggestions.map((/** @type {any} */ s) => html`<button type="button" class="add-to" data-qid=${s.id}>加为「${s.title}」的相似问 <span class="muted">${s.score.toFixed(2)}</span></button>`)}
        <button type="button" class="add-other">加到其他标准问…</button><button type="button" class="start-new">新建标准问</button></div>` : nothing}
      <div class="cluster-result"></div></div>`)
    : html`<p class="muted">近 ${res.days} 天没有未匹配的问题。</p>`, byId("learn-clusters"));
  show(fb.length ? fb.map((/** @type {any} */ r) => html`<tr class="clickable" data-qid=${r.id}><td>${r.id}</td><td>${r.title || ""}</td>
      <td class="num">${r.hits}</td><td class="num">${r.up}</td><td class="num">${r.down}</td></tr>`)
    : html`<tr><td colspan="5" class="muted">还没有评价</td></tr>`, byId("feedback-rows"));
}

/** @param {HTMLElement} box a cluster @param {string} qid */
async function addFromCluster(box, qid) {
  const c = state.clusters[Number(box.dataset.cluster)];
  const draft = await ensureDraft();
  await api.call("POST", `/api/kb/drafts/${draft}/phrasings`, { question_id: qid, text: c.label });
  await refreshDrafts();
  show(html`<div class="success">已把「${c.label}」加为 ${qid} 的相似问（草稿 #${draft}）。</div>`, /** @type {HTMLElement} */ ($(".cluster-result", box)));
}

/** @param {Event} ev */
async function onLearnClick(ev) {
  const t = /** @type {HTMLElement} */ (ev.target);
  const box = /** @type {HTMLElement | null} */ (t.closest(".cluster"));
  const row = /** @type {HTMLElement | null} */ (t.closest("#feedback-rows tr[data-qid]"));
  if (row) {
    showTab("questions");
    return handle(() => openQuestion(row.dataset.qid || ""));
  }
  if (!box) return;
  const out = /** @type {HTMLElement} */ ($(".cluster-result", box));
  const addTo = /** @type {HTMLElement | null} */ (t.closest(".add-to"));
  if (addTo) return handle(() => addFromCluster(box, addTo.dataset.qid || ""), out);
  if (t.matches(".add-other")) {
    const ok = await dialog(html`<p>加到哪个标准问？输入标准问 ID：</p><input id="other-qid" aria-label="标准问 ID" style="width:100%" placeholder="例如 power-001">`, "添加");
    if (!ok) return;
    return handle(() => addFromCluster(box, value("other-qid").trim()), out);
  }
  if (t.matches(".start-new")) {
    const c = state.clusters[Number(box.dataset.cluster)];
    showTab("questions");
    newQuestion({ title: c.label, similar: c.examples.map((/** @type {any} */ e) => e.text).filter((/** @type {string} */ x) => x !== c.label) });
  }
}

// ---- import / export -------------------------------------------------------------------
const importFile = () => byId("import-file", HTMLInputElement).files?.[0];

async function importPreview() {
  const file = importFile();
  if (!file) {
    toast("请先选择文件");
    return;
  }
  const form = new FormData();
  form.append("file", file);
  form.append("mode", value("import-mode"));
  const res = await api.call("POST", "/api/kb/import/preview", form);
  byId("import-apply", HTMLButtonElement).disabled = !res.ok || !Object.values(res.diff.counts).some(Boolean);
  const out = byId("import-result");
  if (!res.ok) {
    show(html`<div class="problems">文件有问题，没有导入：</div>${problemsView(res.problems)}`, out);
    return;
  }
  const c = res.diff.counts;
  show(html`<div class="success" id="import-summary">校验通过。将改动 ${c.questions} 个标准问、${c.trees} 棵诊断树${c.support ? `、${c.support} 个词典等文件` : ""}。</div>
    ${diffItemsView(res.diff)}`, out);
}

async function importApply() {
  const file = importFile();
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  form.append("mode", value("import-mode"));
  form.append("title", `导入 ${file.name}`);
  const d = await api.call("POST", "/api/kb/import", form);
  byId("import-apply", HTMLButtonElement).disabled = true;
  await refreshDrafts();
  toast(`已导入为草稿 #${d.id}`);
  showTab("drafts");
  await openDraft(d.id);
}

// ---- audit -----------------------------------------------------------------------------
export async function loadAudit() {
  const p = new URLSearchParams({ limit: "200" });
  if (value("audit-actor").trim()) p.set("actor", value("audit-actor").trim());
  if (value("audit-target").trim()) p.set("target", value("audit-target").trim());
  const res = await api.call("GET", `/api/kb/audit?${p}`);
  const detail = (/** @type {Record<string, unknown>} */ d) => Object.entries(d || {})
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`).join("; ");
  show(res.items.map((/** @type {any} */ e) => html`<tr><td class="small">${dateTime(e.at)}</td>
    <td>${e.actor} <span class="small muted">${STAFF_ROLES[e.role] || e.role}</span></td><td>${AUDIT_ACTIONS[e.action] || e.action}</td>
    <td>${e.target_type} ${e.target_id}</td><td class="small muted">${detail(e.detail)}</td></tr>`), byId("audit-rows"));
}

export function wireTools() {
  byId("try-btn").addEventListener("click", () => handle(runTry, byId("try-result")));
  byId("try-text").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") handle(runTry, byId("try-result"));
  });
  byId("learn-refresh").addEventListener("click", () => handle(loadLearn));
  byId("learn-days").addEventListener("change", () => handle(loadLearn));
  byId("tab-learn").addEventListener("click", onLearnClick);
  byId("export-zip").addEventListener("click", () => handle(() => download("/api/kb/export.zip", "knowledge.zip")));
  byId("export-xlsx").addEventListener("click", () => handle(() => download("/api/kb/export.xlsx", "knowledge.xlsx")));
  byId("import-file").addEventListener("change", () => {
    byId("import-apply", HTMLButtonElement).disabled = true;
    show(nothing, byId("import-result"));
  });
  byId("import-preview").addEventListener("click", () => handle(importPreview, byId("import-result")));
  byId("import-apply").addEventListener("click", () => handle(importApply, byId("import-result")));
  byId("audit-refresh").addEventListener("click", () => handle(loadAudit));
}
