// @ts-check
/** The console's left column: my conversations, the queue, and the tabs. */
import { $$, byId } from "../lib/dom.js";
import { dateTime, since } from "../lib/format.js";
import { html, render } from "../lib/html.js";
import { HANDOFF_STATUS, nameOf, SPEAKERS } from "../lib/labels.js";
import { isSupervisor, state, tag } from "./state.js";

/** @typedef {import("../lib/types.js").HandoffSummary} HandoffSummary */

/** @param {HandoffSummary} h */
export const isMine = (h) =>
  !!state.me && h.agent === state.me.username && (h.status === "offered" || h.status === "active");
/** @param {HandoffSummary} h */
const isLive = (h) => h.status === "queued" || h.status === "offered" || h.status === "active";
/** @param {HandoffSummary} h */
const matchesMe = (h) => {
  const skills = state.me?.skills || [];
  return !h.skills.length || h.skills.some((s) => skills.includes(s));
};

/** @type {(id: number) => void} */
let open = () => {};

/** @param {(id: number) => void} openHandoff what a click on an item does */
export function initLists(openHandoff) {
  open = openHandoff;
  for (const t of $$(".tab")) t.addEventListener("click", () => showTab(t.dataset.tab || "mine"));
  setInterval(renderLists, 1000); // the waiting clocks; lit-html touches only what changed
  for (const id of ["find-q", "find-queue", "find-tier", "find-channel", "find-wait"]) {
    byId(id).addEventListener(id === "find-q" ? "input" : "change", renderLists);
  }
}

/** @type {(name: string) => void} */
let onTab = () => {};
/** @param {(name: string) => void} fn called when a tab is shown */
export const onTabShown = (fn) => (onTab = fn);

/** @param {string} name */
export function showTab(name) {
  state.tab = name;
  for (const t of $$(".tab")) {
    const on = t.dataset.tab === name;
    t.classList.toggle("is-on", on);
    t.setAttribute("aria-selected", String(on));
  }
  for (const p of $$("[data-pane]")) p.hidden = p.dataset.pane !== name;
  onTab(name);
}

/** What the finder above the lists asks for. */
function finder() {
  const v = (/** @type {string} */ id) => /** @type {HTMLInputElement | HTMLSelectElement} */ (byId(id)).value.trim();
  return { q: v("find-q").toLowerCase(), queue: v("find-queue"), tier: v("find-tier"), channel: v("find-channel"), wait: Number(v("find-wait")) || 0 };
}

/**
 * Whether a handoff passes the finder: words in its name, phone, member id, reason, summary or
 * last message; its queue, tier, channel; how long it has waited.
 * @param {HandoffSummary} h
 * @param {ReturnType<typeof finder>} f
 */
function found(h, f) {
  if (f.queue && h.queue !== f.queue) return false;
  if (f.tier && String(h.tier) !== f.tier) return false;
  if (f.channel && h.channel !== f.channel) return false;
  if (f.wait && (Date.now() - new Date(h.requested_at || Date.now()).getTime()) / 1000 < f.wait) return false;
  if (!f.q) return true;
  const hay = [h.customer, h.sender, h.member_id, h.phone_masked, h.reason, h.summary, h.words, h.last_message?.text, h.queue_name, ...(h.tags || [])]
    .filter(Boolean).join(" ").toLowerCase();
  return f.q.split(/\s+/).every((w) => hay.includes(w) || (/^\d{3,4}$/.test(w) && (h.phone_masked || "").endsWith(w)));
}

/** @type {HandoffSummary[]} ended conversations, newest first (the 历史 tab) */
let history = [];

/** @param {HandoffSummary[]} list */
export function setHistory(list) {
  history = list;
  renderLists();
}

/** Ended and live conversations of the same customer, except `h` itself. @param {HandoffSummary} h */
export function earlierOf(h) {
  const same = (/** @type {HandoffSummary} */ x) => x.id !== h.id && (x.sender === h.sender || (!!h.customer_id && x.customer_id === h.customer_id));
  const seen = new Set();
  return [...history, ...state.handoffs.values()].filter((x) => same(x) && !seen.has(x.id) && seen.add(x.id))
    .sort((a, b) => (b.requested_ms || 0) - (a.requested_ms || 0));
}

/** The conversations shown in the open list, in order (for Alt+N). */
export function visibleIds() {
  return [...byId(`list-${state.tab}`).querySelectorAll("[data-id]")].map((n) => Number(/** @type {HTMLElement} */ (n).dataset.id));
}

/** The queue filter's choices, from the skills the snapshot named. */
export function renderQueueFilter() {
  const sel = byId("find-queue", HTMLSelectElement);
  const keep = sel.value;
  render(html`<option value="">全部队列</option>${Object.entries(state.skills).map(([k, n]) => html`<option value=${k}>${n}</option>`)}`, sel);
  sel.value = keep;
}

export function renderLists() {
  const f = finder();
  const all = [...state.handoffs.values()].filter(isLive).filter((h) => found(h, f));
  const offeredFirst = (/** @type {HandoffSummary} */ h) => (h.status === "offered" ? 0 : 1);
  const mine = all.filter(isMine).sort((a, b) => offeredFirst(a) - offeredFirst(b) || a.id - b.id);
  let waiting = all
    .filter((h) => h.status === "queued" || (h.status === "offered" && !isMine(h)))
    .sort((a, b) => b.priority - a.priority || (a.requested_ms || 0) - (b.requested_ms || 0));
  if (isSupervisor()) waiting = waiting.concat(all.filter((h) => h.status === "active" && !isMine(h)));
  fillList(byId("list-mine"), mine, "暂无会话，新的转人工会话会自动分配到这里");
  fillList(byId("list-queue"), waiting, "当前没有排队的客户");
  const ended = history.filter((h) => !isLive(h) && found(h, f));
  fillList(byId("list-history"), ended, f.q || f.queue || f.tier || f.channel ? "没有符合条件的会话" : "暂无已结束的会话");
  byId("count-mine").textContent = String(mine.length);
  byId("count-queue").textContent = String(all.filter((h) => h.status === "queued").length);
}

/**
 * @param {HTMLElement} ul
 * @param {HandoffSummary[]} items
 * @param {string} emptyText
 */
function fillList(ul, items, emptyText) {
  if (!items.length) {
    render(html`<li class="list__empty">${emptyText}</li>`, ul);
    return;
  }
  render(items.map(item), ul);
  for (const h of items) state.shownAt[h.id] ||= Date.now();
}

/** @param {HandoffSummary} h */
function item(h) {
  const mine = isMine(h);
  const cls = [
    "item",
    h.id === state.selected ? "is-selected" : "",
    h.status === "offered" && mine ? "is-offered" : h.status === "queued" && matchesMe(h) ? "is-match" : "",
  ].join(" ");
  const active = h.status === "active";
  const ended = !isLive(h);
  const from = active ? h.accepted_at || h.requested_at : h.requested_at;
  const prefix = active ? "已服务" : "等待";
  const unread = state.unread.get(h.id);
  const last = h.last_message;
  const line = (last ? `${nameOf(SPEAKERS, last.role)}：` : "") + ((last ? last.text : h.reason) || "");
  return html`<li class=${cls} data-id=${h.id} data-status=${h.status} data-sender=${h.sender}
      @click=${() => open(h.id)}>
    <div class="item__top"><span class="item__name">${h.customer}</span>
      <span class="item__wait">${ended ? dateTime(h.requested_at) : `${prefix} ${since(from)}`}</span></div>
    <div class="item__tags">
      ${tag(nameOf(HANDOFF_STATUS, h.status), h.status === "offered" ? "tag--p3" : "")}
      ${tag(h.queue_name)}
      ${h.tier ? tag(`第${h.tier}级`, "tag--tier") : ""}
      ${tag(`优先级 ${h.priority}`, `tag--p${h.priority}`)}
      ${h.flag ? tag(h.flag, "tag--flag") : ""}
      ${h.status === "queued" && h.position ? tag(`第 ${h.position} 位`) : ""}
      ${h.agent && !mine ? tag(h.agent_name || h.agent) : ""}
      ${unread ? html`<span class="item__unread">${unread}</span>` : ""}
    </div>
    <div class="item__line">${line}</div>
  </li>`;
}
