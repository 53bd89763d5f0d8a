// @ts-check
/** Try it, import/export, audit log (learn from users: learn.js). */
import { byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { CHANNELS, STAFF_ROLES } from "../lib/labels.js";
import { diffItemsView } from "./diff.js";
import { openDraft } from "./drafts.js";
import { AUDIT_ACTIONS, DECISIONS, ERRORS } from "./labels.js";
import { api, download, handle, problemsView, refreshDrafts, showTab, state, tagName, toast } from "./core.js";

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

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));
/** @type {Record<string, string>} */
const JOB_STATES = { queued: "排队中，马上开始导入", running: "正在校验文件并生成草稿" };

/** Queue the import (202 + job), follow the job until it ends, then open its draft. */
async function importApply() {
  const file = importFile();
  if (!file) return;
  const form = new FormData();
  form.append("file", file);
  form.append("mode", value("import-mode"));
  form.append("title", `导入 ${file.name}`);
  const apply = byId("import-apply", HTMLButtonElement);
  const out = byId("import-result");
  apply.disabled = true;
  let job = await api.call("POST", "/api/kb/import", form);
  const started = Date.now();
  while (job.state === "queued" || job.state === "running") {
    const seconds = Math.round((Date.now() - started) / 1000);
    show(html`<div class="muted" id="import-progress" data-state=${job.state}>${JOB_STATES[job.state]}：${file.name}
      ${seconds ? `（已用 ${seconds} 秒）` : ""}……</div>`, out);
    await sleep(500);
    job = await api.call("GET", `/api/kb/import/${job.id}`);
  }
  if (job.state !== "done") {
    const code = job.error?.code;
    const msg = code === "invalid" ? "文件有问题，没有导入：" : `${ERRORS[code] || job.error?.message || "导入没有成功"}`;
    show(html`<div class="problems" id="import-failed">${msg}</div>${problemsView(job.problems)}`, out);
    return;
  }
  const d = job.result;
  show(html`<div class="success" id="import-done">已导入为草稿 #${d.id}，请检查后提交审核。</div>`, out);
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
