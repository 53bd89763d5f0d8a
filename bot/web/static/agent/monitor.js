// @ts-check
/** Supervisors' view: queues, engineers, emotion alerts, satisfaction. */
import { byId } from "../lib/dom.js";
import { html, render } from "../lib/html.js";
import { AGENT_STATUS, HANDOFF_STATUS, nameOf } from "../lib/labels.js";
import { isSupervisor, state, tag } from "./state.js";

/** @type {(id: number) => void} */
let open = () => {};
/** @param {(id: number) => void} openHandoff */
export const initMonitor = (openHandoff) => (open = openHandoff);

/**
 * @param {(string | number)[][]} rows the first one is the header
 */
const grid = (rows) => html`<table class="grid">
  <tr>${rows[0].map((c) => html`<th>${c}</th>`)}</tr>
  ${rows.slice(1).map((r) => html`<tr>${r.map((c) => html`<td>${String(c)}</td>`)}</tr>`)}</table>`;

export function renderMonitor() {
  const o = state.overview;
  if (!o || !isSupervisor()) return;
  const queues = o.queues || [];
  const flagged = o.flagged || [];
  render(
    html`<h4>队列</h4>
      ${grid([
        ["队列", "排队", "待接入", "服务中", "最长等待"],
        ...queues.map((q) => [q.name, q.queued || 0, q.offered || 0, q.active || 0,
          q.longest_wait_s ? `${Math.ceil(q.longest_wait_s / 60)} 分钟` : "-"]),
        ...(queues.length ? [] : [["暂无排队", "", "", "", ""]]),
      ])}
      <h4>工程师</h4>
      ${grid([
        ["工程师", "状态", "接待", "技能"],
        ...(o.agents || []).map((a) => [a.name, a.online ? nameOf(AGENT_STATUS, a.status) : "离线",
          `${a.load}/${a.capacity}`, a.skills.map((s) => state.skills[s] || s).join("、")]),
      ])}
      <h4>情绪预警</h4>
      ${flagged.length ? "" : html`<p class="muted">暂无情绪低谷的会话</p>`}
      ${flagged.map((h) => html`<div class="item" data-flagged=${h.id} @click=${() => open(h.id)}>
        <div class="item__name">${h.customer}</div>
        <div class="item__tags">${tag(h.flag, "tag--flag")}${tag(nameOf(HANDOFF_STATUS, h.status))}
          ${h.agent_name ? tag(h.agent_name) : ""}</div></div>`)}
      <p class="muted">满意度：${o.ratings.count ? `${o.ratings.average} 分（${o.ratings.count} 条评价）` : "暂无评价"}
        · 未结工单 ${o.tickets_open}</p>`,
    byId("monitor"),
  );
}
