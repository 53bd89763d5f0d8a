// @ts-check
/**
 * Learn from users: questions nothing answered (unmatched, clarify only), answers that were
 * likely wrong (👎, asked again, 转人工 within two turns), thumbs per question, and the
 * clusters editors dismissed.
 */
import { $, byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { openQuestion, newQuestion } from "./questions.js";
import { api, canEdit, dialog, ensureDraft, handle, refreshDrafts, showTab, state, toast } from "./core.js";

const value = (/** @type {string} */ id) => /** @type {HTMLInputElement} */ (byId(id)).value;
/** @type {Record<string, any[]>} clusters shown, by list */
const shown = { unmatched: [], doubtful: [] };

/** @param {any} c @param {"unmatched" | "doubtful"} list */
const actionsView = (c, list) => canEdit() ? html`<div class="row small">${c.suggestions.map((/** @type {any} */ s) =>
    html`<button type="button" class="add-to" data-qid=${s.id}>加为「${s.title}」的相似问 <span class="muted">${s.score.toFixed(2)}</span></button>`)}
    <button type="button" class="add-other">加到其他标准问…</button><button type="button" class="start-new">新建标准问</button>
    <button type="button" class="dismiss link" title="不再列出这一组问法">忽略</button></div>` : nothing;

/** @param {any} c @param {number} i */
const unmatchedView = (c, i) => html`<div class="cluster" data-list="unmatched" data-cluster=${i}>
    <div class="row"><b class="grow">${c.label}</b><span class="badge">${c.count} 次</span>
      <span class="small muted">未匹配 ${c.none} · 仅澄清 ${c.clarify} · 最近 ${dateTime(c.last_at)}</span></div>
    <div class="examples">${c.examples.map((/** @type {any} */ e) => html`<span>${e.text} ×${e.count}</span>`)}</div>
    ${actionsView(c, "unmatched")}<div class="cluster-result"></div></div>`;

/** @param {any} c @param {number} i */
const doubtfulView = (c, i) => html`<div class="cluster" data-list="doubtful" data-cluster=${i}>
    <div class="row"><b class="grow">${c.label}</b><span class="badge">${c.count} 次</span>
      <span class="small muted">👎 ${c.down} · 换个说法又问 ${c.rephrase} · 转人工 ${c.human} · 最近 ${dateTime(c.last_at)}</span></div>
    <p class="small">回答用的是 <button type="button" class="link open-q" data-qid=${c.question_id}>${c.question_id}「${c.question_title}」</button></p>
    <div class="examples">${c.examples.map((/** @type {any} */ e) => html`<span>${e.text} ×${e.count}</span>`)}</div>
    ${actionsView(c, "doubtful")}<div class="cluster-result"></div></div>`;

export async function loadLearn() {
  const days = value("learn-days");
  const [res, doubt, fb] = await Promise.all([
    api.call("GET", `/api/kb/learn/unmatched?days=${days}`),
    api.call("GET", `/api/kb/learn/doubtful?days=${days}`),
    api.call("GET", "/api/kb/learn/feedback")]);
  shown.unmatched = res.clusters;
  shown.doubtful = doubt.clusters;
  state.clusters = res.clusters;
  show(res.clusters.length ? res.clusters.map(unmatchedView)
    : html`<p class="muted">近 ${res.days} 天没有未匹配的问题。</p>`, byId("learn-clusters"));
  show(doubt.clusters.length ? doubt.clusters.map(doubtfulView)
    : html`<p class="muted">近 ${doubt.days} 天没有可能答错的回答。</p>`, byId("doubtful-clusters"));
  show(fb.length ? fb.map((/** @type {any} */ r) => html`<tr class="clickable" data-qid=${r.id}><td>${r.id}</td><td>${r.title || ""}</td>
      <td class="num">${r.hits}</td><td class="num">${r.up}</td><td class="num">${r.down}</td></tr>`)
    : html`<tr><td colspan="5" class="muted">还没有评价</td></tr>`, byId("feedback-rows"));
  await loadDismissed();
}

async function loadDismissed() {
  const [a, b] = await Promise.all(["unmatched", "doubtful"].map((kind) =>
    api.call("GET", `/api/kb/learn/dismissed?kind=${kind}`)));
  /** @type {Map<string, any>} one row per dismissed cluster */
  const groups = new Map();
  for (const [kind, rows] of /** @type {[string, any[]][]} */ ([["unmatched", a], ["doubtful", b]])) {
    for (const r of rows) {
      const key = `${kind}\u0000${r.label}`;
      if (!groups.has(key)) groups.set(key, { ...r, kind, texts: 0 });
      groups.get(key).texts += 1;
    }
  }
  show(groups.size ? [...groups.values()].map((g) => html`<tr><td>${g.label}</td>
      <td>${g.kind === "unmatched" ? "没答上" : "可能答错"}</td><td class="num">${g.texts}</td>
      <td>${g.dismissed_by}</td><td class="small">${dateTime(g.at)}</td>
      <td>${canEdit() ? html`<button type="button" class="link restore" data-id=${g.id}>恢复</button>` : nothing}</td></tr>`)
    : html`<tr><td colspan="6" class="muted">没有忽略的问法</td></tr>`, byId("dismissed-rows"));
}

/** @param {HTMLElement} box */
const clusterOf = (box) => shown[box.dataset.list === "doubtful" ? "doubtful" : "unmatched"][Number(box.dataset.cluster)];

/** @param {HTMLElement} box a cluster @param {string} qid */
async function addFromCluster(box, qid) {
  const c = clusterOf(box);
  const draft = await ensureDraft();
  await api.call("POST", `/api/kb/drafts/${draft}/phrasings`, { question_id: qid, text: c.label });
  await refreshDrafts();
  show(html`<div class="success">已把「${c.label}」加为 ${qid} 的相似问（草稿 #${draft}）。</div>`, /** @type {HTMLElement} */ ($(".cluster-result", box)));
}

/** @param {HTMLElement} box */
async function dismissCluster(box) {
  const c = clusterOf(box);
  const ok = await dialog(html`<p>忽略「${c.label}」这一组（${c.texts} 种问法）吗？以后再有人这样问，也不会列在这里；可在下方「已忽略」里恢复。</p>`, "忽略");
  if (!ok) return;
  await api.call("POST", "/api/kb/learn/dismissed", { kind: box.dataset.list, label: c.label, texts: c.all_texts });
  box.remove();
  toast(`已忽略「${c.label}」`);
  await loadDismissed();
}

/** @param {Event} ev */
async function onLearnClick(ev) {
  const t = /** @type {HTMLElement} */ (ev.target);
  const row = /** @type {HTMLElement | null} */ (t.closest("#feedback-rows tr[data-qid]"));
  const open = /** @type {HTMLElement | null} */ (t.closest(".open-q"));
  if (row || open) {
    showTab("questions");
    return handle(() => openQuestion((row || open)?.dataset.qid || ""));
  }
  const restore = /** @type {HTMLElement | null} */ (t.closest(".restore"));
  if (restore) {
    return handle(async () => {
      await api.call("DELETE", `/api/kb/learn/dismissed/${restore.dataset.id}`);
      toast("已恢复，这一组问法会重新列出");
      await loadLearn();
    });
  }
  const box = /** @type {HTMLElement | null} */ (t.closest(".cluster"));
  if (!box) return;
  const out = /** @type {HTMLElement} */ ($(".cluster-result", box));
  const addTo = /** @type {HTMLElement | null} */ (t.closest(".add-to"));
  if (addTo) return handle(() => addFromCluster(box, addTo.dataset.qid || ""), out);
  if (t.matches(".dismiss")) return handle(() => dismissCluster(box), out);
  if (t.matches(".add-other")) {
    const ok = await dialog(html`<p>加到哪个标准问？输入标准问 ID：</p><input id="other-qid" aria-label="标准问 ID" style="width:100%" placeholder="例如 power-001">`, "添加");
    if (!ok) return;
    return handle(() => addFromCluster(box, value("other-qid").trim()), out);
  }
  if (t.matches(".start-new")) {
    const c = clusterOf(box);
    showTab("questions");
    newQuestion({ title: c.label, similar: c.examples.map((/** @type {any} */ e) => e.text).filter((/** @type {string} */ x) => x !== c.label) });
  }
}

export function wireLearn() {
  byId("learn-refresh").addEventListener("click", () => handle(loadLearn));
  byId("learn-days").addEventListener("change", () => handle(loadLearn));
  byId("tab-learn").addEventListener("click", onLearnClick);
}
