// @ts-check
/** The console's right column: who the customer is, why they came, what the bot tried. */
import { byId } from "../lib/dom.js";
import { clock } from "../lib/format.js";
import { html, nothing, render, svg } from "../lib/html.js";
import { DIAGNOSIS_STATUS, HANDOFF_SOURCE, MATCH_OUTCOME, MEMBER_LEVELS, nameOf } from "../lib/labels.js";
import { kv, tag } from "./state.js";

/** @typedef {import("../lib/types.js").HandoffDetail} HandoffDetail */
/** @typedef {import("../lib/types.js").HandoffContext} HandoffContext */
/** @typedef {import("../lib/types.js").Suggestion} Suggestion */
/** @typedef {import("../lib/types.js").Note} Note */

/**
 * @typedef {object} ContextHooks
 * @property {(text: string) => void} insert put a suggested answer into the reply box
 * @property {(title: string, url: string) => void} sendLink send a link card to the customer
 */

/** @type {ContextHooks} */
let hooks = { insert: () => {}, sendLink: () => {} };
/** @type {Note[]} */
let notes = [];

/** @param {ContextHooks} h */
export const initContext = (h) => (hooks = h);

/** @param {HandoffDetail} d */
export function renderContext(d) {
  const ctx = d.context;
  render(customerView(ctx.customer || {}, ctx.tags || []), byId("ctx-customer"));
  render(tierView(d, ctx.tier_history || []), byId("ctx-tier"));
  render(emotionView(ctx.emotion || {}), byId("ctx-emotion"));
  renderSuggestions(ctx.suggestions || []);
  render(matchesView(ctx.matches || []), byId("ctx-matches"));
  render(diagnosisView(ctx.diagnosis || []), byId("ctx-diagnosis"));
  notes = [...(d.notes || [])];
  renderNotes();
}

/** @param {Note} n */
export function addNote(n) {
  notes.push(n);
  renderNotes();
}

function renderNotes() {
  render(
    notes.length
      ? notes.map((n) => html`<div class="note"><div class="note__who">${n.name || n.by} · ${clock(n.at)}</div>
          <div>${n.text || n.note || ""}</div></div>`)
      : html`<p class="muted">暂无备注</p>`,
    byId("ctx-notes"),
  );
}

/**
 * The customer's profile: name, membership, devices, tags.
 * @param {Record<string, any>} p
 * @param {string[]} tags
 */
export function customerView(p, tags) {
  const b = p.behaviour || {};
  return html`${p.identified ? nothing : html`<p class="muted">访客未绑定会员身份</p>`}
    ${kv([
      ["称呼", p.honorific || p.name], ["会员", MEMBER_LEVELS[p.member_level]], ["会员号", p.member_id],
      ["手机", p.phone_masked], ["企业", p.enterprise],
      ["近7天来访", b.contacts_7d != null ? `${b.contacts_7d} 次` : null],
      ["历史转人工", b.handoffs != null ? `${b.handoffs} 次` : null],
      ["投诉", b.complaints ? `${b.complaints} 次` : null],
      ["未结工单", b.unresolved_tickets || null],
    ])}
    ${(p.devices || []).length
      ? html`<ul class="mini">${p.devices.map(
          (/** @type {any} */ dv) => html`<li>${dv.model}${dv.serial ? `（${dv.serial}）` : ""}${dv.warranty_until ? ` · 保修至 ${dv.warranty_until}` : ""}</li>`,
        )}</ul>`
      : nothing}
    <div>${tags.map((x) => tag(x))}</div>`;
}

/**
 * @param {HandoffDetail} d
 * @param {HandoffContext["tier_history"]} history
 */
function tierView(d, history) {
  return html`${kv([
      ["原因", d.reason], ["摘要", d.summary], ["需要技能", (d.skill_names || []).join("、")],
      ["来源", nameOf(HANDOFF_SOURCE, d.source)],
    ])}
    ${history.length ? html`<ul class="mini">${history.map((r) => html`<li>第${r.tier}级 · ${r.reason}</li>`)}</ul>` : nothing}`;
}

/** @param {HandoffContext["emotion"]} e */
function emotionView(e) {
  const pts = e.trajectory || [];
  if (!pts.length) return html`<p class="muted">暂无客户消息</p>`;
  const w = 300;
  const h = 48;
  const step = pts.length > 1 ? w / (pts.length - 1) : 0;
  const d = pts.map((p, i) => `${i ? "L" : "M"}${(i * step).toFixed(1)} ${(h - 4 - p.negative * (h - 8)).toFixed(1)}`).join(" ");
  const last = pts[pts.length - 1];
  return html`<svg viewBox="0 0 ${w} ${h}" class="spark" role="img" aria-label="客户负面情绪走势">
      ${svg`<path d=${d} fill="none" stroke=${e.trough ? "#e5484d" : "#3c4fe0"} stroke-width="2"></path>`}</svg>
    <p class="muted">最新负面情绪 ${last.negative.toFixed(2)}（0 平静 – 1 愤怒）</p>
    ${e.trough ? tag(`情绪低谷：${e.trough.label}`, "tag--flag") : nothing}`;
}

/** @param {Suggestion[]} list */
export function renderSuggestions(list) {
  render(
    list.length
      ? list.map((s) => html`<div class="sugg">
          <div class="sugg__title">${s.title}<span class="sugg__score">匹配度 ${Number(s.score).toFixed(2)}</span></div>
          <div class="sugg__answer">${s.answer || ""}</div>
          <div class="sugg__bar">
            <button type="button" class="btn btn--small" data-insert=${s.id} @click=${() => hooks.insert(s.answer || "")}>插入</button>
            ${(s.links || []).map((l) => html`<button type="button" class="btn btn--small"
                @click=${() => hooks.sendLink(l.title, l.url)}>发送链接：${l.title}</button>`)}
          </div></div>`)
      : html`<p class="muted">暂无推荐，可在上方搜索知识库</p>`,
    byId("ctx-suggest"),
  );
}

/** @param {HandoffContext["matches"]} matches */
function matchesView(matches) {
  if (!matches.length) return nothing;
  return html`<ul class="mini">${matches.map((m) => {
    const top = (m.candidates || []).slice(0, 3).map((c) => `${c.title} ${Number(c.score).toFixed(2)}`).join("；");
    return html`<li>「${m.query || ""}」→ ${nameOf(MATCH_OUTCOME, m.decision)}${top ? `：${top}` : ""}</li>`;
  })}</ul>`;
}

/**
 * One step of a diagnosis, as the customer lived it: the question and their answer, the fix
 * tried and how it went (node ids stay out of sight).
 * @param {Record<string, any>} r a path record: kind, node and the kind's details
 */
function stepText(r) {
  switch (r.kind) {
    case "answer":
      return `${r.ask || "追问"} → ${r.answer || r.text || ""}${r.text && r.answer && r.text !== r.answer ? `（客户原话：${r.text}）` : ""}`;
    case "solved":
      return `试过：${r.solution || "解决方案"} → 已解决`;
    case "unsolved":
      return `试过：${r.solution || "解决方案"} → 没解决`;
    case "escalated":
      return `转人工：${r.summary || ""}`;
    case "missed":
      return `没听懂客户的回答：${r.text || ""}`;
    default:
      return { back: "客户返回上一步", restart: "客户重新开始排查", abandoned: "客户中途离开了排查", resumed: "继续排查" }[r.kind] || "";
  }
}

/** @param {HandoffContext["diagnosis"]} sessions */
function diagnosisView(sessions) {
  return sessions.map((s) => html`<div>故障排查：${s.title || s.tree}（${nameOf(DIAGNOSIS_STATUS, s.status)}）</div>
    <ol class="mini diag-path">${(s.path || []).map(stepText).filter(Boolean).map((t) => html`<li>${t}</li>`)}</ol>`);
}
