// @ts-check
/** The open conversation: head, actions, composer, live updates. */
import { $, $$, byId, enterSends, safeUrl } from "../lib/dom.js";
import { html, render } from "../lib/html.js";
import { dateTime } from "../lib/format.js";
import { CHANNELS, HANDOFF_STATUS, nameOf } from "../lib/labels.js";
import { initCanned } from "./canned.js";
import { addNote, initContext, renderContext, renderSuggestions } from "./context.js";
import { raise } from "./alerts.js";
import { earlierOf, isMine, renderLists, showTab, visibleIds } from "./lists.js";
import { api, flash, isSupervisor, state, tag } from "./state.js";
import { ACCEPT } from "../lib/media.js";
import { addMessages, addNoteLine, onFileClick, showTranscript } from "./transcript.js";

/** @typedef {import("../lib/types.js").HandoffSummary} HandoffSummary */
/** @typedef {import("../lib/types.js").HandoffDetail} HandoffDetail */
/** @typedef {import("../lib/types.js").MessageView} MessageView */
/** @typedef {import("../lib/types.js").Note} Note */

const reply = byId("reply", HTMLTextAreaElement);
/** @type {(frame: object) => boolean} */
let sendFrame = () => false;
let typingTimer = 0;
let typingSentAt = 0;
let custTypingTimer = 0;

/** @param {HandoffDetail} d */
function stripDetail(d) {
  const { context, notes, ...summary } = /** @type {any} */ (d);
  delete summary.events;
  delete summary.rating;
  return /** @type {HandoffSummary} */ (summary);
}

/** @param {number} id */
export async function openHandoff(id) {
  state.selected = id;
  state.ticket = null;
  state.unread.delete(id);
  renderLists();
  try {
    /** @type {HandoffDetail} */
    const d = await api.call("GET", `/api/handoffs/${id}`);
    if (state.selected !== id) return;
    state.detail = d;
    state.handoffs.set(id, stripDetail(d));
    byId("empty").hidden = true;
    byId("ticket").hidden = true;
    byId("conv").hidden = false;
    byId("context").hidden = false;
    renderHead(d);
    showTranscript(d.context.transcript, d.notes || []);
    renderContext(d);
    renderEarlier(d);
    renderLists();
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

/** The customer's other conversations, each one click away. @param {HandoffSummary} h */
function renderEarlier(h) {
  const list = earlierOf(h);
  render(
    list.length
      ? html`<ul class="mini">${list.map((x) => html`<li><button type="button" class="link" data-earlier=${x.id}
          @click=${() => openHandoff(x.id)}>${dateTime(x.requested_at)} · ${nameOf(HANDOFF_STATUS, x.status)} · ${x.reason || x.summary || ""}</button></li>`)}</ul>`
      : html`<p class="muted">没有找到这位客户的其他会话</p>`,
    byId("ctx-earlier"),
  );
}

/** @param {HandoffSummary} h */
export function renderHead(h) {
  byId("conv-customer").textContent = h.customer;
  render(
    html`${tag(nameOf(CHANNELS, h.channel))}${tag(nameOf(HANDOFF_STATUS, h.status))}${tag(h.queue_name)}
      ${h.tier ? tag(`第${h.tier}级`, "tag--tier") : ""}${tag(`优先级 ${h.priority}`, `tag--p${h.priority}`)}
      ${h.flag ? tag(h.flag, "tag--flag") : ""}${h.agent ? tag(`负责：${h.agent_name || h.agent}`) : ""}`,
    byId("conv-meta"),
  );
  byId("conv-reason").textContent = [h.reason, h.summary].filter(Boolean).join(" · ");
  const supervisor = isSupervisor();
  const waiting = h.status === "queued" || h.status === "offered";
  const active = h.status === "active";
  const mine = h.agent === (state.me ? state.me.username : "");
  const show = (/** @type {string} */ id, /** @type {boolean} */ on) => (byId(id).hidden = !on);
  show("btn-accept", waiting && (h.status === "queued" || mine || supervisor));
  show("btn-takeover", supervisor && active && !mine);
  show("btn-transfer", (active && (mine || supervisor)) || (waiting && supervisor));
  show("btn-return", (active && (mine || supervisor)) || (waiting && supervisor));
  show("btn-close", active && (mine || supervisor));
  const canWrite = active && (mine || supervisor);
  byId("btn-send", HTMLButtonElement).disabled = false;
  byId("btn-file", HTMLButtonElement).disabled = !canWrite;
  reply.placeholder = canWrite ? "输入回复，Enter 发送，Shift+Enter 换行" : "接入后即可回复客户；现在可以写内部备注";
  if (!canWrite) setMode("note");
}

/** A handoff changed (status, engineer, place): lists, and the head if it is open. @param {HandoffSummary} h */
export function onHandoff(h) {
  const old = state.handoffs.get(h.id);
  state.handoffs.set(h.id, h);
  if (h.status === "offered" && isMine(h) && old?.status !== "offered") raise(`新会话：${h.customer}`, `handoff-${h.id}`);
  else if (h.status === "queued" && !old) raise(`新的排队客户：${h.customer}`, `handoff-${h.id}`);
  renderLists();
  if (h.id === state.selected && (!old || old.status !== h.status || old.agent !== h.agent)) {
    renderHead(h);
    if (old && old.status !== h.status) openHandoff(h.id);
  }
}

/**
 * @param {number} id
 * @param {MessageView} m
 */
export function onMessage(id, m) {
  const h = state.handoffs.get(id);
  if (h) h.last_message = { role: m.role, text: m.text, at: m.at };
  if (id === state.selected) {
    addMessages([m]);
    if (m.direction === "in") {
      byId("cust-typing").hidden = true;
      refreshContext(id);
    }
  } else if (m.direction === "in" && h && isMine(h)) {
    state.unread.set(id, (state.unread.get(id) || 0) + 1);
  }
  if (m.direction === "in" && h && (isMine(h) || h.status === "queued")) raise(`${h.customer}：${m.text || "发来一条消息"}`, `handoff-${id}`);
  renderLists();
}

/**
 * @param {number} id
 * @param {Note} note
 */
export function onNote(id, note) {
  if (id !== state.selected) return;
  addNoteLine(note);
  addNote(note);
}

/** @param {{handoff_id: number, who: string}} msg */
export function onTyping(msg) {
  if (msg.handoff_id !== state.selected || msg.who !== "customer") return;
  byId("cust-typing").hidden = false;
  clearTimeout(custTypingTimer);
  custTypingTimer = window.setTimeout(() => (byId("cust-typing").hidden = true), 5000);
}

/** On each customer message: new suggestions, emotion, tier history (the transcript stays). @param {number} id */
async function refreshContext(id) {
  try {
    /** @type {HandoffDetail} */
    const d = await api.call("GET", `/api/handoffs/${id}`);
    if (state.selected !== id) return;
    state.detail = d;
    renderContext(d);
    addMessages(d.context.transcript);
  } catch {
    /* keep what is shown */
  }
}

// ---------------------------------------------------------------- composing

const mode = () => /** @type {HTMLInputElement} */ ($('input[name="mode"]:checked')).value;

/** @param {string} m reply | note */
function setMode(m) {
  /** @type {HTMLInputElement} */ ($(`input[name="mode"][value="${m}"]`)).checked = true;
  byId("composer").classList.toggle("is-note", m === "note");
}

/** @param {string} text */
function insertText(text) {
  setMode("reply");
  reply.value = reply.value ? reply.value.replace(/\s*$/, "\n") + text : text;
  reply.focus();
}

async function submit() {
  const id = state.selected;
  const text = reply.value.trim();
  if (!id || !text) return;
  const path = `/api/handoffs/${id}${mode() === "note" ? "/notes" : "/messages"}`;
  const send = byId("btn-send", HTMLButtonElement);
  send.disabled = true;
  try {
    /** @type {HandoffDetail} */
    const d = await api.call("POST", path, { text });
    // Clear only what was sent: a suggestion inserted meanwhile must not be lost.
    if (reply.value.trim() === text) reply.value = "";
    stopTyping();
    if (state.selected === id) addMessages(d.context.transcript);
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  } finally {
    send.disabled = false;
  }
}

function stopTyping() {
  clearTimeout(typingTimer);
  if (typingSentAt && state.selected) sendFrame({ type: "typing", handoff_id: state.selected, on: false });
  typingSentAt = 0;
}

/**
 * @param {string} title
 * @param {string} url
 */
async function sendLink(title, url) {
  const id = state.selected;
  try {
    /** @type {HandoffDetail} */
    const d = await api.call("POST", `/api/handoffs/${id}/messages`, { text: "", link: { title, url } });
    if (state.selected === id) addMessages(d.context.transcript);
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

/**
 * Send a picture or file to the customer (with the words typed, if any).
 * @param {File} file
 */
async function sendFile(file) {
  const id = state.selected;
  if (!id) return;
  const form = new FormData();
  form.append("file", file, file.name);
  const text = mode() === "reply" ? reply.value.trim() : "";
  if (text) form.append("text", text);
  flash("正在发送…");
  try {
    /** @type {HandoffDetail} */
    const d = await api.call("POST", `/api/media/handoffs/${id}`, form);
    if (text && reply.value.trim() === text) reply.value = "";
    flash("已发送");
    if (state.selected === id) addMessages(d.context.transcript);
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

// ---------------------------------------------------------------- actions

/**
 * @param {string} action accept | takeover | return | close | transfer
 * @param {object} [body]
 * @param {string} [confirmText]
 */
async function act(action, body, confirmText) {
  const id = state.selected;
  if (!id || (confirmText && !(await confirmed(confirmText)))) return;
  try {
    /** @type {HandoffDetail} */
    const d = await api.call("POST", `/api/handoffs/${id}/${action}`, body);
    state.handoffs.set(id, stripDetail(d));
    renderLists();
    if (state.selected === id) {
      renderHead(d);
      addMessages(d.context.transcript);
      if (action === "accept" || action === "takeover") {
        setMode("reply");
        reply.focus();
      }
    }
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

/**
 * Ask before an action that cannot be taken back; resolves true on 确定.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
function confirmed(text) {
  const dlg = byId("confirm-dialog", HTMLDialogElement);
  byId("confirm-text").textContent = text;
  dlg.returnValue = "";
  dlg.showModal();
  byId("confirm-ok").focus();
  return new Promise((resolve) => dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok"), { once: true }));
}

/** Alt+A accept, Alt+N next conversation, Alt+T transfer, Alt+C close, Alt+F search. @param {KeyboardEvent} e */
function shortcut(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey || document.querySelector("dialog[open]")) return;
  const click = (/** @type {string} */ id) => {
    const b = byId(id, HTMLButtonElement);
    if (!b.hidden && !byId("conv").hidden) b.click();
  };
  const key = e.code.replace(/^Key/, "").toLowerCase();
  if (key === "a") click("btn-accept");
  else if (key === "t") click("btn-transfer");
  else if (key === "c") click("btn-close");
  else if (key === "f") byId("find-q").focus();
  else if (key === "n") {
    let ids = visibleIds();
    if (!ids.length && state.tab !== "queue") {
      showTab("queue");
      ids = visibleIds();
    }
    const next = ids[(ids.indexOf(state.selected ?? -1) + 1) % Math.max(ids.length, 1)];
    if (next) openHandoff(next);
  } else return;
  e.preventDefault();
}

function openTransfer() {
  const queues = Object.entries(state.skills);
  const agents = (state.overview?.agents || []).filter((x) => !state.me || x.username !== state.me.username);
  render(
    html`<option value="">（不转队列）</option>${queues.map(([k, name]) => html`<option value=${k}>${name}</option>`)}`,
    byId("transfer-queue"),
  );
  render(
    html`<option value="">（不指定）</option>${agents.map(
      (x) => html`<option value=${x.username}>${x.name}${x.online ? `（在线 ${x.load}/${x.capacity}）` : "（离线）"}</option>`,
    )}`,
    byId("transfer-agent"),
  );
  byId("transfer-error").hidden = true;
  byId("transfer-dialog", HTMLDialogElement).showModal();
}

/** @param {string} id @param {string} text */
function formError(id, text) {
  byId(id).textContent = text;
  byId(id).hidden = false;
}

/** @param {(frame: object) => boolean} send the console's socket */
export function initConversation(send) {
  sendFrame = send;
  initContext({ insert: insertText, sendLink });
  initCanned(reply);
  for (const r of $$('input[name="mode"]')) r.addEventListener("change", () => setMode(mode()));
  byId("btn-send").addEventListener("click", submit);
  enterSends(reply, submit);
  reply.addEventListener("input", () => {
    if (mode() !== "reply" || !state.selected) return;
    if (Date.now() - typingSentAt > 2000) {
      sendFrame({ type: "typing", handoff_id: state.selected, on: true });
      typingSentAt = Date.now();
    }
    clearTimeout(typingTimer);
    typingTimer = window.setTimeout(stopTyping, 4000);
  });
  byId("kb-search").addEventListener("submit", async (e) => {
    e.preventDefault();
    const q = byId("kb-q", HTMLInputElement).value.trim();
    const id = state.selected;
    try {
      if (!q) {
        if (id) renderSuggestions(await api.call("GET", `/api/handoffs/${id}/suggestions`));
        return;
      }
      renderSuggestions(await api.call("GET", `/api/agent/search?q=${encodeURIComponent(q)}${id ? `&handoff_id=${id}` : ""}`));
    } catch (ex) {
      flash(/** @type {Error} */ (ex).message);
    }
  });
  const picker = byId("reply-file", HTMLInputElement);
  picker.accept = ACCEPT;
  byId("btn-file").addEventListener("click", () => picker.click());
  picker.addEventListener("change", () => {
    const file = picker.files?.[0];
    picker.value = "";
    if (file) sendFile(file);
  });
  byId("transcript").addEventListener("click", onFileClick);
  byId("ticket").addEventListener("click", onFileClick);
  byId("btn-link").addEventListener("click", () => {
    byId("link-error").hidden = true;
    byId("link-dialog", HTMLDialogElement).showModal();
  });
  byId("link-ok").addEventListener("click", async (e) => {
    e.preventDefault();
    const title = byId("link-title", HTMLInputElement);
    const url = byId("link-url", HTMLInputElement);
    const href = safeUrl(url.value.trim());
    if (!title.value.trim() || !href) return formError("link-error", "请填写标题和 http(s) 链接");
    await sendLink(title.value.trim(), href);
    byId("link-dialog", HTMLDialogElement).close();
    title.value = url.value = "";
  });
  byId("btn-accept").addEventListener("click", () => act("accept"));
  byId("btn-takeover").addEventListener("click", () => act("takeover", undefined, "确定接管这个会话吗？原工程师将不再负责。"));
  byId("btn-return").addEventListener("click", () => act("return", undefined, "确定把会话转回机器人吗？"));
  byId("btn-close").addEventListener("click", () => act("close", undefined, "确定结束这个会话吗？结束后客户会收到评价邀请，您将不能再回复。"));
  document.addEventListener("keydown", shortcut);
  byId("btn-transfer").addEventListener("click", openTransfer);
  byId("transfer-ok").addEventListener("click", async (e) => {
    e.preventDefault();
    const queue = byId("transfer-queue", HTMLSelectElement).value || null;
    const agent = byId("transfer-agent", HTMLSelectElement).value || null;
    if (!queue === !agent) return formError("transfer-error", "请选择一个队列或一位工程师");
    const note = byId("transfer-note", HTMLTextAreaElement);
    await act("transfer", { queue, agent, note: note.value.trim() });
    byId("transfer-dialog", HTMLDialogElement).close();
    note.value = "";
  });
}
