// @ts-check
/** How a change reads to a reviewer: one item (question, tree, support file) and its fields. */
import { html, nothing } from "../lib/html.js";
import { CHANGE_ACTIONS } from "./labels.js";
import { CHANNELS } from "../lib/labels.js";
import { fieldName, productName, tagName } from "./core.js";
import { lineDiff, withContext } from "./textdiff.js";
import { nodeKind } from "./trees.js";
import { NODE_KINDS } from "./labels.js";

/**
 * A value in words, never JSON: ids as names, lists joined, objects as 「名：值」 pairs.
 * @param {unknown} v
 * @param {string} [key] the field it belongs to (names product lines, tags, channels)
 * @returns {string}
 */
function words(v, key = "") {
  if (v === null || v === undefined || v === "") return "（无）";
  if (Array.isArray(v)) return v.length ? v.map((x) => words(x, key)).join("、") : "（无）";
  if (typeof v === "object") {
    const parts = Object.entries(v).filter(([, x]) => x !== null && x !== undefined);
    return parts.length ? parts.map(([k, x]) => `${fieldName(k)}：${words(x, k)}`).join("；") : "（不限）";
  }
  if (key === "products") return productName(String(v));
  if (key === "tags") return tagName(String(v));
  if (key === "channel") return CHANNELS[String(v)] || String(v);
  if (typeof v === "boolean") return v ? "是" : "否";
  return String(v);
}

/**
 * A text changed line by line: removed lines, added lines, one line of context around them.
 * @param {string} before
 * @param {string} after
 */
function textDiff(before, after) {
  return html`<div class="text-diff">${withContext(lineDiff(before, after)).map((l) =>
    l === null ? html`<div class="skip">…</div>`
    : l.op === "+" ? html`<div class="plus">＋ ${l.text}</div>`
    : l.op === "-" ? html`<div class="minus">－ ${l.text}</div>`
    : html`<div class="same">　 ${l.text}</div>`)}</div>`;
}

/**
 * What changed in one value: texts per line, lists per item, objects per field.
 * @param {any} before
 * @param {any} after
 * @param {string} key
 * @returns {unknown}
 */
function valueDiff(before, after, key) {
  if (typeof before === "string" || typeof after === "string") {
    if (typeof (before ?? "") === "string" && typeof (after ?? "") === "string") return textDiff(before ?? "", after ?? "");
  }
  if (Array.isArray(before) || Array.isArray(after)) {
    const b = before || [];
    const a = after || [];
    return Array.from({ length: Math.max(a.length, b.length) }, (_, k) => {
      if (JSON.stringify(b[k]) === JSON.stringify(a[k])) return nothing;
      if (k >= b.length) return html`<div class="plus">＋ 第 ${k + 1} 项：${words(a[k], key)}</div>`;
      if (k >= a.length) return html`<div class="minus">－ 第 ${k + 1} 项：${words(b[k], key)}</div>`;
      return html`<div class="diff-sub"><span class="diff-name">第 ${k + 1} 项</span>${valueDiff(b[k], a[k], key)}</div>`;
    });
  }
  if (before && after && typeof before === "object" && typeof after === "object") {
    return Object.keys({ ...before, ...after })
      .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
      .map((k) => html`<div class="diff-sub"><span class="diff-name">${fieldName(k)}</span>${valueDiff(before[k], after[k], k)}</div>`);
  }
  return html`<div class="minus">－ ${words(before, key)}</div><div class="plus">＋ ${words(after, key)}</div>`;
}

/**
 * @param {string} name
 * @param {any} ch {before, after} and, for lists of texts, {added, removed}
 */
function fieldView(name, ch) {
  if (name === "disabled") return html`<div class="diff-field">状态：${ch.after ? "停用" : "启用"}</div>`;
  if (ch.added || ch.removed) {
    return html`<div class="diff-field">${fieldName(name)}：${(ch.added || []).map((/** @type {string} */ x) => html`<div class="plus">＋ ${words(x, name)}</div>`)}
      ${(ch.removed || []).map((/** @type {string} */ x) => html`<div class="minus">－ ${words(x, name)}</div>`)}</div>`;
  }
  return html`<div class="diff-field"><span class="diff-name">${fieldName(name)}</span>${valueDiff(ch.before, ch.after, name)}</div>`;
}

/**
 * One changed item.
 * @param {any} item {id, title?, kind?, action?, fields?, nodes?, after?}
 * @param {string} kind added | removed | changed, or the item kind
 * @param {unknown} [extra] e.g. a revert button
 */
export function diffItemView(item, kind, extra = nothing) {
  const action = item.action || kind;
  const n = item.nodes;
  const what = item.kind === "tree" || kind === "tree" ? "诊断树" : item.kind === "support" ? "词典/同义词/目录文件" : "标准问";
  return html`<div class="diff-item ${action}"><b>${CHANGE_ACTIONS[action] || action}${what}</b> ${item.id} ${item.title || ""} ${extra}
    ${item.fields ? Object.entries(item.fields).map(([k, v]) => fieldView(k, v)) : nothing}
    ${n ? html`${n.added.map((/** @type {any} */ x) => html`<div class="diff-field plus">＋ 节点 ${x.id}（${NODE_KINDS[nodeKind(x)]}）</div>`)}
      ${n.removed.map((/** @type {any} */ x) => html`<div class="diff-field minus">－ 节点 ${x.id}</div>`)}
      ${n.changed.map((/** @type {any} */ x) => html`<div class="diff-field">节点 ${x.id}：修改了 ${Object.keys(x.fields).map(fieldName).join("、")}</div>`)}` : nothing}
    ${action === "added" && item.after?.data ? html`<div class="diff-field">${item.after.data.similar?.length || 0} 条相似问</div>` : nothing}
  </div>`;
}

/**
 * Every item of a diff {questions: {added, removed, changed}, trees: {...}}.
 * @param {any} d
 */
export const diffItemsView = (d) =>
  ["questions", "trees"].flatMap((part) =>
    ["added", "removed", "changed"].flatMap((kind) =>
      (d?.[part]?.[kind] || []).map((/** @type {any} */ it) => diffItemView({ ...it, action: kind, kind: part === "trees" ? "tree" : "question" }, kind)),
    ),
  );

/** The conflict check: phrasings closer to another question, near-duplicate questions. @param {any} c */
export function conflictsView(c) {
  if (!c.phrasings.length && !c.duplicates.length) return html`<div class="success">没有发现冲突。</div>`;
  const score = (/** @type {number | null | undefined} */ s) => (s === null || s === undefined ? "未进前列" : s.toFixed(3));
  return html`${c.phrasings.length ? html`<p><b>相似问更像别的标准问（${c.phrasings.length}）</b></p><table><thead><tr><th>相似问</th>
      <th>所属标准问</th><th>得分</th><th>更像</th><th>得分</th></tr></thead><tbody>${c.phrasings.map((/** @type {any} */ p) => html`<tr>
      <td>${p.phrasing}</td><td>${p.question_id} ${p.question_title}</td><td class="num">${score(p.own_score)}</td>
      <td>${p.other_id} ${p.other_title}</td><td class="num">${score(p.other_score)}</td></tr>`)}</tbody></table>` : nothing}
    ${c.duplicates.length ? html`<p><b>疑似重复的标准问（${c.duplicates.length}）</b></p><table><thead><tr><th>标准问</th><th>与之重复</th>
      <th>重合比例</th><th>平均得分</th></tr></thead><tbody>${c.duplicates.map((/** @type {any} */ p) => html`<tr><td>${p.a_id} ${p.a_title}</td>
      <td>${p.b_id} ${p.b_title}</td><td class="num">${Math.round(p.score * 100)}%</td>
      <td class="num">${p.mean_score.toFixed(3)}</td></tr>`)}</tbody></table>` : nothing}
    ${c.truncated ? html`<p class="small muted">改动较多，只检查了一部分。</p>` : nothing}`;
}
