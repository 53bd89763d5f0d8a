// @ts-check
/** Tickets (工单): the list, one ticket with its context, claim and answer. */
import { byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, render } from "../lib/html.js";
import { CHANNELS, nameOf, TICKET_STATUS, TICKET_WHY } from "../lib/labels.js";
import { customerView } from "./context.js";
import { api, state, tag } from "./state.js";
import { messageLine, showPictures } from "./transcript.js";

/** @typedef {import("../lib/types.js").Ticket} Ticket */

export async function loadTickets() {
  if (!api.session) return;
  try {
    /** @type {Ticket[]} */
    const list = await api.call("GET", "/api/tickets");
    state.tickets = list;
    byId("count-tickets").textContent = String(list.filter((t) => t.status !== "closed").length);
    render(
      list.length ? list.slice(0, 200).map(ticketItem) : html`<li class="list__empty">暂无工单</li>`,
      byId("list-tickets"),
    );
  } catch {
    /* shown on the next try */
  }
}

/** @param {Ticket} t */
const ticketItem = (t) => html`<li class="item ${t.id === state.ticket ? "is-selected" : ""}" data-ticket=${t.id}
    @click=${() => openTicket(t.id)}>
  <div class="item__top"><span class="item__name">${t.number}</span>
    <span class="item__wait">${nameOf(TICKET_STATUS, t.status)}</span></div>
  <div class="item__tags">${t.why ? tag(nameOf(TICKET_WHY, t.why)) : nothing}
    ${t.assignee ? tag(`负责：${t.assignee}`) : nothing}
    ${t.callback ? tag(`回电 ${t.callback.label}`, "tag--p3")
      : t.due_at && t.status !== "closed" ? tag(`承诺 ${dateTime(t.due_at)}`, "tag--p3") : nothing}</div>
  <div class="item__line">${t.summary}</div></li>`;

/** @param {number} id */
export async function openTicket(id) {
  state.ticket = id;
  state.selected = null;
  try {
    /** @type {Ticket} */
    const t = await api.call("GET", `/api/tickets/${id}`);
    byId("empty").hidden = true;
    byId("conv").hidden = true;
    byId("context").hidden = true;
    const box = byId("ticket");
    box.hidden = false;
    render(ticketView(t), box);
    showPictures(box);
  } catch (ex) {
    window.alert(/** @type {Error} */ (ex).message);
  }
}

/**
 * @param {number} id
 * @param {string} action assign | close
 * @param {object} body
 */
async function ticketAction(id, action, body) {
  try {
    await api.call("POST", `/api/tickets/${id}/${action}`, body);
    await loadTickets();
    await openTicket(id);
  } catch (ex) {
    window.alert(/** @type {Error} */ (ex).message);
  }
}

/** @param {Ticket} t */
function ticketView(t) {
  const pack = t.context?.package || {};
  const answer = () => {
    const box = byId("ticket-answer", HTMLTextAreaElement);
    const text = box.value.trim();
    if (!text) box.focus();
    else ticketAction(t.id, "close", { answer: text });
  };
  return html`<h2>工单 ${t.number}</h2>
    <div>${tag(nameOf(CHANNELS, t.channel))}${t.why ? tag(nameOf(TICKET_WHY, t.why)) : nothing}
      ${tag(nameOf(TICKET_STATUS, t.status))}${t.assignee ? tag(`负责：${t.assignee}`) : nothing}</div>
    <p>${t.summary}</p>
    ${t.callback ? callbackView(t.callback) : nothing}
    ${pack.customer ? html`<div>${customerView(pack.customer, pack.tags || [])}</div>` : nothing}
    <ol class="transcript">${(pack.transcript || []).map(messageLine)}</ol>
    ${t.status === "closed"
      ? html`<p>答复：${t.answer || ""}</p>`
      : html`<textarea id="ticket-answer" rows="4" aria-label="答复内容"
            placeholder="写给客户的答复，会通过客户来访的渠道送达"></textarea>
          <div class="ticket__bar">
            <button type="button" class="btn" @click=${() => ticketAction(t.id, "assign", {})}>认领</button>
            <button type="button" class="btn btn--primary" id="ticket-close" @click=${answer}>答复并关闭</button>
          </div>`}`;
}

/** @param {NonNullable<Ticket["callback"]>} c the booked call-back: number and slot */
const callbackView = (c) => html`<dl class="callback" aria-label="预约回电">
  <dt>回电时段</dt><dd class="callback__slot">${c.label}</dd>
  <dt>联系电话</dt><dd class="callback__phone"><a href=${`tel:${c.phone}`}>${c.phone}</a></dd>
  ${c.note ? html`<dt>客户备注</dt><dd>${c.note}</dd>` : nothing}</dl>`;
