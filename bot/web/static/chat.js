// @ts-check
/**
 * Kefu web chat — 星岚智能客服. A native ES module, no dependencies, no build step.
 *
 * One websocket to the gateway: ws(s)://<host>/ws/chat. Nothing about the visitor goes in the
 * URL: the first frame is {"type":"hello","token"} with the visitor token the server issued
 * (kept in localStorage), or null, and then the server issues one ({"type":"session"}).
 * Client -> server: {"type":"message","id","text","payload"?,"attachment"?,"metadata"?} (attachment:
 *   the id POST /api/media/chat gave a picture or file), {"type":"feedback",...},
 *   {"type":"typing"} while an engineer serves, {"type":"rating","handoff","score","comment"?}.
 * Server -> client: see `ChatFrame` in lib/types.js (bot/api/routes/chat.py, bot/handoff).
 */
import { byId, charCount, el, enterSends } from "./lib/dom.js";
import { uuid } from "./lib/format.js";
import { ACCEPT, IMAGE_TYPES, MediaLoader, uploadError } from "./lib/media.js";
import { LiveSocket, wsUrl } from "./lib/socket.js";
import { CALLBACK_OFFER, CallbackForm } from "./chat/callback.js";
import { Outbox } from "./chat/outbox.js";
import { ratingCard } from "./chat/rating.js";
import { engineerName, setUserStatus, Thread } from "./chat/thread.js";

/** @typedef {import("./lib/types.js").ChatFrame} ChatFrame */
/** @typedef {import("./lib/types.js").ChatMessage} ChatMessage */
/** @typedef {import("./chat/outbox.js").OutboxEntry} OutboxEntry */
/**
 * A message on its way: its words or button payload, or a picture or file (`attachment`, the
 * id its upload got).
 * @typedef {{text: string, payload: string | null, attachment?: string, el: HTMLElement | null, at: number}} Sent
 */

const MAX_CHARS = 2000;
const TOKEN_KEY = "kefu.visitor"; // the signed visitor token (bot/auth/visitor.py)
const SENDER_KEY = "kefu.sender"; // the visitor id it names: shown, never trusted
const LOCAL_TYPING_MS = 30000; // stop our own "typing" guess if the server never answers
const BOT_NAME = "小岚";
const CANCEL_QUEUE = "/kefu_cancel_queue"; // bot/handoff/notices.py CANCEL_PAYLOAD

const els = {
  messages: byId("messages"),
  thread: byId("thread"),
  typing: byId("typing"),
  typingLabel: byId("typing-label"),
  banner: byId("banner"),
  statusDot: byId("status-dot"),
  statusText: byId("status-text"),
  form: byId("form", HTMLFormElement),
  input: byId("input", HTMLTextAreaElement),
  send: byId("send", HTMLButtonElement),
  hint: byId("hint"),
  count: byId("count"),
  jump: byId("jump"),
  quick: byId("quick"),
  attach: byId("attach", HTMLButtonElement),
  file: byId("file", HTMLInputElement),
};

/** Public, read-only view of the connection for tests and debugging. */
const visitor = loadVisitor();
const state = {
  sender: visitor.sender, // "" until the server issued this visitor's identity
  status: "connecting", // connecting | open | closed
  connected: false,
  connects: 0, // successful opens so far
  histories: 0, // history frames received (one per connection the server accepted)
  drops: 0, // disconnects so far
  queued: 0, // user messages not yet acknowledged by the server
  awaiting: 0, // acknowledged user messages whose turn has not finished yet
  uploading: 0, // pictures and files being uploaded
  resent: 0, // acknowledged messages sent again after a reconnect (their turn was cut short)
  restored: 0, // messages an earlier page of this visitor left unanswered, taken up again
  mode: "bot", // bot | queue (waiting for an engineer) | agent (an engineer has the conversation)
  agentName: "",
  typing: false, // the typing indicator is showing
  /** @type {{position?: number, eta?: number, status?: string} | null} */
  queue: null,
};

/** @type {Map<string, Sent>} client id -> unacknowledged message, in send order */
const pending = new Map();
/**
 * Acknowledged messages whose turn has not finished (no `done` frame, no reply to them yet).
 * After a reconnect those the server left unanswered (its process stopped mid-turn) are sent
 * again with the same id: the server answers each once (it de-duplicates by id).
 * @type {Map<string, Sent>}
 */
const awaiting = new Map();
/** Both maps, kept in localStorage too: a reload or a closed tab loses nothing (chat/outbox.js). */
const outbox = new Outbox(visitor.sender);
/** What an earlier page of this visitor left unanswered: taken up after the first history. */
let restored = outbox.load();
/** ids sent on the current connection (a flushed message is not sent twice after the history) */
const sentNow = new Set();
/** @type {{role: string, text: string}[]} messages the server also has, in render order */
const known = [];
let bannerTimer = 0;
let typingTimer = 0;
let wasDown = false;
let feedbackSentAt = 0; // a server that does not know "feedback" frames answers invalid_message
let typingSentAt = 0; // our own typing signal to the engineer, at most every 3 s

/**
 * A site that knows its logged-in customer passes a signed token (bot/profile/token.py) as
 * window.KEFU_CUSTOMER_TOKEN or ?customer_token=...; the server verifies it.
 */
let customerToken =
  /** @type {any} */ (window).KEFU_CUSTOMER_TOKEN || new URLSearchParams(location.search).get("customer_token") || null;

/**
 * Inside the widget (widget.js on another site, ?embed=1): the embedding page hands over its
 * customer token by postMessage, so it never travels in a URL.
 */
if (new URLSearchParams(location.search).has("embed") && window.parent !== window) {
  document.documentElement.classList.add("is-embedded");
  window.addEventListener("message", (ev) => {
    if (ev.source !== window.parent || ev.data?.type !== "kefu:init") return;
    if (typeof ev.data.customerToken === "string" && ev.data.customerToken) customerToken = ev.data.customerToken;
  });
  window.parent.postMessage({ type: "kefu:ready" }, "*"); // says nothing but "ask me"
}

const media = new MediaLoader(() => visitor.token);

const thread = new Thread(els, {
  media,
  choose: (title, payload) => (payload === CALLBACK_OFFER ? callbackForm.open() : sendMessage(title, payload)),
  feedback: (m, value) => {
    const frame = { type: "feedback", id: uuid(), ref: m.id || m.reply_to || null, value, text: m.text || "" };
    if (socket.send(frame)) feedbackSentAt = Date.now();
  },
});

/** 预约回电: the 预约回电 button opens a form in the conversation (chat/callback.js). */
const callbackForm = new CallbackForm({
  send: (frame) => socket.send(frame),
  show: (card) => {
    const li = el("li", "msg msg--system msg--stack msg--form");
    li.dataset.role = "form";
    li.appendChild(card);
    els.thread.appendChild(li);
    thread.afterAppend(true);
  },
});

const socket = new LiveSocket({
  url: socketUrl,
  backoffMs: [500, 1000, 2000, 4000, 8000, 10000],
  onFrame: handle,
  onOpen: () => {
    socket.send({ type: "hello", token: visitor.token || null }); // always the first frame
    state.connects += 1;
    setStatus("open");
    if (wasDown) showBanner("已重新连接", true);
    else els.banner.hidden = true;
    wasDown = false;
    flushPending();
  },
  onDown: () => {
    state.drops += 1;
    wasDown = true;
    hideTyping();
    setStatus("closed");
    showBanner("连接已断开，正在重连…", false);
    for (const p of pending.values()) setUserStatus(p.el, "queued");
  },
});

/** The stored visitor identity; a token the server no longer accepts is replaced on connect. */
function loadVisitor() {
  /** @type {{token: string, sender: string}} */
  const v = { token: "", sender: "" };
  try {
    v.token = localStorage.getItem(TOKEN_KEY) || "";
    v.sender = v.token ? localStorage.getItem(SENDER_KEY) || "" : "";
  } catch {
    /* storage disabled: a new visitor per page */
  }
  return v;
}

/**
 * The server issued this visitor's identity: keep it for the next visit.
 * @param {string} token
 * @param {string} sender
 */
function keepVisitor(token, sender) {
  outbox.rekey(sender, [...entries(pending, false), ...entries(awaiting, true), ...restored]);
  visitor.token = token;
  visitor.sender = state.sender = sender;
  try {
    localStorage.setItem(TOKEN_KEY, token);
    localStorage.setItem(SENDER_KEY, sender);
  } catch {
    /* keep it for this page only */
  }
}

function socketUrl() {
  const w = /** @type {any} */ (window);
  if (w.KEFU_WS_URL) return String(w.KEFU_WS_URL); // an embedding site may point elsewhere
  return wsUrl("/ws/chat");
}

// ---------------------------------------------------------------- typing, status, banner

function showTyping() {
  const stick = thread.nearBottom();
  els.typingLabel.textContent = `${state.mode === "agent" && state.agentName ? state.agentName : BOT_NAME}正在输入…`;
  els.typing.hidden = false;
  state.typing = true;
  clearTimeout(typingTimer);
  typingTimer = window.setTimeout(hideTyping, LOCAL_TYPING_MS);
  if (stick) thread.scrollToBottom();
}

function hideTyping() {
  clearTimeout(typingTimer);
  els.typing.hidden = true;
  state.typing = false;
}

/** @param {"connecting" | "open" | "closed"} status */
function setStatus(status) {
  // The bot's shortcut chips are for the bot: hidden while queued for or talking to an engineer.
  els.quick.hidden = state.mode === "agent" || state.mode === "queue";
  state.status = status;
  state.connected = status === "open";
  els.statusDot.className = `dot${status === "open" ? " is-online" : status === "closed" ? " is-offline" : ""}`;
  if (status === "open") {
    els.statusText.textContent =
      state.mode === "agent" && state.agentName ? `${engineerName(state.agentName)}为您服务` : "小岚在线 · 7×24 小时为您服务";
  } else {
    els.statusText.textContent = status === "closed" ? "连接已断开" : "正在连接…";
  }
}

/**
 * @param {string} text
 * @param {boolean} ok a good-news banner hides itself
 */
function showBanner(text, ok) {
  clearTimeout(bannerTimer);
  els.banner.textContent = text;
  els.banner.className = `banner${ok ? " is-ok" : ""}`;
  els.banner.hidden = false;
  if (ok) bannerTimer = window.setTimeout(() => (els.banner.hidden = true), 2500);
}

// ---------------------------------------------------------------- incoming

/** @param {ChatFrame} msg */
function handle(msg) {
  switch (msg.type) {
    case "session":
      return keepVisitor(String(msg.token || ""), String(msg.sender || ""));
    case "history":
      return applyHistory(Array.isArray(msg.messages) ? msg.messages : []);
    case "ack":
      return onAck(msg.id);
    case "done":
      return settle(msg.id);
    case "typing":
      if (msg.who === "agent" && msg.name) state.agentName = msg.name;
      return msg.on ? showTyping() : hideTyping();
    case "bot":
    case "agent":
      settle(msg.reply_to);
      hideTyping();
      state.mode = msg.type;
      state.agentName = msg.type === "agent" ? msg.name || "" : "";
      setStatus(/** @type {any} */ (state.status));
      known.push({ role: msg.type, text: msg.text || "" });
      thread.render({ ...msg, role: msg.type }, { live: true });
      return;
    case "system":
      settle(msg.reply_to);
      // A waiting notice (it offers 取消排队) means the customer is queued for an engineer.
      setMode(msg.mode || !msg.buttons?.some((b) => b.payload === CANCEL_QUEUE) ? msg : { mode: "queue" });
      known.push({ role: "system", text: msg.text || "" });
      thread.render({ role: "system", text: msg.text, buttons: msg.buttons }, { live: true });
      return;
    case "queue":
      return showQueue(msg);
    case "callback_slots":
    case "callback_error":
    case "callback_booked":
      return callbackForm.handle(msg);
    case "rating": {
      setMode(msg);
      known.push({ role: "system", text: msg.text || "" });
      const li = thread.render({ role: "system", text: msg.text }, { live: true });
      li.classList.add("msg--stack");
      li.appendChild(
        ratingCard(Number(msg.handoff), (score, comment) =>
          socket.send({ type: "rating", handoff: Number(msg.handoff), score, ...(comment ? { comment } : {}) }),
        ),
      );
      thread.afterAppend(true);
      return;
    }
    case "rated": {
      const card = els.thread.querySelector(`.rating[data-handoff="${Number(msg.handoff)}"]`);
      if (card) card.replaceWith(el("div", "rating__thanks", msg.text || "感谢您的评价"));
      else thread.render({ role: "system", text: msg.text }, { live: true });
      return;
    }
    case "error":
      if (msg.code === "invalid_message" && Date.now() - feedbackSentAt < 5000) {
        feedbackSentAt = 0;
        return; // the rating is optional; never show the visitor an error for it
      }
      hideTyping();
      if (msg.code === "draining" && msg.id && pending.has(msg.id)) {
        // the server is stopping and did not take it: sent again once reconnected
        setUserStatus(pending.get(msg.id)?.el, "queued");
        return;
      }
      if (msg.id && pending.has(msg.id)) {
        // the server refused this message for good: stop re-sending it
        setUserStatus(pending.get(msg.id)?.el, "failed");
        pending.delete(msg.id);
        outbox.drop(msg.id);
        state.queued = pending.size;
      }
      thread.render({ role: "error", text: msg.text || "抱歉，服务暂时不可用，请稍后再试。" }, { live: true });
      return;
    default:
      return; // unknown types are ignored so the server can add new ones
  }
}

/** @param {{mode?: string, name?: string}} msg */
function setMode(msg) {
  if (!msg.mode) return;
  if (msg.mode !== state.mode) thread.retireChoices(); // e.g. 取消排队 once an engineer joined
  state.mode = msg.mode;
  state.agentName = msg.mode === "agent" ? msg.name || state.agentName : "";
  if (msg.mode !== "queue") els.thread.querySelector(".msg--queue")?.remove();
  setStatus(/** @type {any} */ (state.status));
}

/**
 * The waiting customer's place and estimated wait: one line, kept at the bottom.
 * @param {{text: string, position?: number, eta?: number, status?: string}} msg
 */
function showQueue(msg) {
  els.thread.querySelector(".msg--queue")?.remove();
  const li = el("li", "msg msg--system msg--queue");
  li.dataset.role = "queue";
  li.appendChild(el("div", "pill", msg.text || ""));
  const stick = thread.nearBottom();
  els.thread.appendChild(li);
  state.mode = "queue";
  state.queue = { position: msg.position, eta: msg.eta, status: msg.status };
  els.quick.hidden = true;
  thread.afterAppend(stick);
}

/** @param {string} id */
function onAck(id) {
  const p = pending.get(id);
  if (!p) return;
  pending.delete(id);
  state.queued = pending.size;
  awaiting.set(id, p);
  state.awaiting = awaiting.size;
  outbox.put(entry(id, p, true));
  setUserStatus(p.el, "acked");
  known.push({ role: "user", text: p.text });
}

/** @param {string | undefined | null} id the turn of this message finished */
function settle(id) {
  if (!id || !awaiting.delete(id)) return;
  state.awaiting = awaiting.size;
  outbox.drop(id);
}

/**
 * @param {string} id
 * @param {Sent} p
 * @param {boolean} acked
 * @returns {OutboxEntry}
 */
function entry(id, p, acked) {
  return { id, text: p.text, payload: p.payload, acked, at: p.at, ...(p.attachment ? { attachment: p.attachment } : {}) };
}

/**
 * @param {Map<string, Sent>} map
 * @param {boolean} acked
 */
function entries(map, acked) {
  return [...map].map(([id, p]) => entry(id, p, acked));
}

/**
 * The first history after the page loaded: what an earlier page of this visitor left in the
 * outbox goes again with its id, unless the history says its turn finished. One the server
 * never stored is shown again (after the history) and sent like a new message.
 * @param {ChatMessage[]} list
 * @param {Map<string, HTMLElement>} shown the history's user messages by client id
 */
function takeUpRestored(list, shown) {
  /** @type {Map<string, boolean>} */
  const turns = new Map();
  for (const m of list) if (m?.role === "user" && m.client_id) turns.set(m.client_id, !!m.answered);
  const left = restored;
  restored = [];
  for (const r of left) {
    if (pending.has(r.id) || awaiting.has(r.id)) continue;
    if (turns.get(r.id) === true) {
      outbox.drop(r.id); // answered: the history shows it
      continue;
    }
    /** @type {Sent} */
    const p = { text: r.text, payload: r.payload, attachment: r.attachment, el: shown.get(r.id) || null, at: r.at };
    if (turns.has(r.id)) {
      awaiting.set(r.id, p); // stored, its turn cut short
    } else {
      p.el = thread.render({ role: "user", text: r.text || (r.attachment ? "（图片或文件）" : "") }, { live: true, clientId: r.id });
      pending.set(r.id, p);
      setUserStatus(p.el, "queued");
    }
    state.restored += 1;
    sentNow.add(r.id);
    if (socket.send(messageFrame(r.id, p)) && turns.has(r.id)) state.resent += 1;
    if (!turns.has(r.id)) setUserStatus(p.el, "");
  }
  state.queued = pending.size;
  state.awaiting = awaiting.size;
}

/**
 * After a reconnect: what the history says was answered is settled; the rest of what was
 * acknowledged goes again, with its id (the server answers it, or replays its answer).
 * @param {ChatMessage[]} list
 */
function resendAwaiting(list) {
  for (const m of list) {
    if (m?.role === "user" && m.client_id && m.answered) settle(m.client_id);
  }
  for (const [id, p] of awaiting) {
    if (sentNow.has(id)) continue;
    sentNow.add(id);
    if (socket.send(messageFrame(id, p))) state.resent += 1;
  }
}

/** @param {ChatMessage} m */
function followMode(m) {
  if (m.role === "agent" || m.role === "bot") {
    state.mode = m.role;
    state.agentName = m.role === "agent" ? m.name || "" : "";
  }
}

/** @param {ChatMessage[]} list */
function applyHistory(list) {
  state.histories += 1;
  // Nothing from the server on screen yet (what shows was typed before it answered, e.g.
  // while it was unreachable): the history goes first, those messages after it.
  if (!known.length) {
    /** @type {Map<string, HTMLElement>} */
    const shown = new Map();
    for (const m of list) {
      if (!m?.role) continue;
      const li = thread.render(m);
      if (m.role === "user") setUserStatus(li, "acked");
      if (m.role === "user" && m.client_id) shown.set(m.client_id, li);
      followMode(m);
      known.push({ role: m.role, text: m.text || "" });
    }
    for (const p of pending.values()) if (p.el) els.thread.appendChild(p.el);
    setStatus(/** @type {any} */ (state.status));
    takeUpRestored(list, shown);
    thread.scrollToBottom();
    return;
  }
  // Reconnect with a conversation on screen: add only what arrived while we were away.
  syncHistory(list);
  resendAwaiting(list);
}

/** @param {ChatMessage[]} list */
function syncHistory(list) {
  const anchor = known[known.length - 1];
  if (!anchor) return;
  let at = -1;
  for (let i = list.length - 1; i >= 0; i--) {
    if (list[i]?.role === anchor.role && (list[i].text || "") === anchor.text) {
      at = i;
      break;
    }
  }
  if (at < 0) return;
  for (const m of list.slice(at + 1)) {
    if (!m?.role) continue;
    if (m.role === "user") {
      const match = [...pending].find(([, p]) => p.text === (m.text || ""));
      if (match) {
        onAck(match[0]); // stored before the drop; the re-send is deduplicated
        continue;
      }
    }
    followMode(m);
    known.push({ role: m.role, text: m.text || "" });
    thread.render(m);
  }
  setStatus(/** @type {any} */ (state.status));
}

// ---------------------------------------------------------------- outgoing

/**
 * The socket frame of a message the page sends (again).
 * @param {string} id
 * @param {Sent} p
 */
function messageFrame(id, p) {
  return withMetadata({
    type: "message",
    id,
    text: p.text,
    ...(p.payload ? { payload: p.payload } : {}),
    ...(p.attachment ? { attachment: p.attachment } : {}),
  });
}

/** @param {Record<string, unknown>} frame */
function withMetadata(frame) {
  if (customerToken) frame.metadata = { customer_token: customerToken };
  return frame;
}

function flushPending() {
  sentNow.clear();
  for (const [id, p] of pending) {
    sentNow.add(id);
    if (socket.send(messageFrame(id, p))) setUserStatus(p.el, "");
  }
}

/**
 * @param {string} text
 * @param {string | null} payload
 */
function sendMessage(text, payload) {
  const id = uuid();
  const li = thread.render({ role: "user", text }, { live: true, clientId: id });
  const p = { text, payload, el: li, at: Date.now() };
  pending.set(id, p);
  outbox.put(entry(id, p, false));
  state.queued = pending.size;
  const frame = withMetadata({ type: "message", id, text, ...(payload ? { payload } : {}) });
  if (socket.send(frame)) {
    if (state.mode === "bot") showTyping();
  } else {
    setUserStatus(li, "queued");
  }
}

/**
 * Upload a picture or file the visitor chose, then send it as a message. The preview shows at
 * once; a refused file (type, size) gets the server's reason in the conversation.
 * @param {File} file
 */
async function sendFile(file) {
  if (!visitor.token) {
    thread.render({ role: "error", text: "正在连接客服，请稍候再发送。" }, { live: true });
    return;
  }
  const id = uuid();
  const image = IMAGE_TYPES.includes(file.type);
  const preview = image ? URL.createObjectURL(file) : undefined;
  /** @type {import("./lib/types.js").Attachment} */
  const local = { id: "", kind: image ? "image" : "file", type: file.type, name: file.name, size: 0, url: "" };
  const li = thread.render({ role: "user", text: "", attachment: local }, { live: true, clientId: id, preview });
  setUserStatus(li, "uploading");
  state.uploading += 1;
  try {
    const form = new FormData();
    form.append("file", file, file.name);
    const res = await fetch("/api/media/chat", { method: "POST", body: form, headers: { Authorization: `Bearer ${visitor.token}` } });
    if (!res.ok) {
      setUserStatus(li, "failed");
      thread.render({ role: "error", text: await uploadError(res) }, { live: true });
      return;
    }
    const kept = await res.json();
    li.querySelector(".attachment, .file-card")?.replaceWith(thread.attachment(kept, preview));
    /** @type {Sent} */
    const sent = { text: "", payload: null, attachment: String(kept.id), el: li, at: Date.now() };
    pending.set(id, sent);
    outbox.put(entry(id, sent, false));
    state.queued = pending.size;
    if (socket.send(messageFrame(id, sent))) {
      setUserStatus(li, "");
      if (state.mode === "bot") showTyping();
    } else {
      setUserStatus(li, "queued");
    }
  } catch {
    setUserStatus(li, "failed");
    thread.render({ role: "error", text: "网络不太稳定，文件没有发出去，请稍后再试。" }, { live: true });
  } finally {
    state.uploading -= 1;
  }
}

function signalTyping() {
  if (state.mode !== "agent" || Date.now() - typingSentAt < 3000) return;
  if (socket.send({ type: "typing" })) typingSentAt = Date.now();
}

function updateComposer() {
  const value = els.input.value;
  const n = charCount(value);
  const over = n > MAX_CHARS;
  els.count.textContent = `${n}/${MAX_CHARS}`;
  els.count.classList.toggle("is-over", over);
  els.form.classList.toggle("is-over", over);
  els.input.setAttribute("aria-invalid", over ? "true" : "false");
  els.hint.classList.toggle("is-error", over);
  els.hint.textContent = over ? `消息最多 ${MAX_CHARS} 字，已超出 ${n - MAX_CHARS} 字，请删减后再发送` : "";
  els.send.disabled = over || !value.trim();
  // grow with the text up to the CSS max-height
  els.input.style.height = "auto";
  els.input.style.height = `${Math.min(els.input.scrollHeight, 144)}px`;
}

function submit() {
  const text = els.input.value.trim();
  if (!text || charCount(text) > MAX_CHARS) {
    updateComposer();
    return;
  }
  sendMessage(text, null);
  els.input.value = "";
  updateComposer();
  els.input.focus();
}

// ---------------------------------------------------------------- wiring

els.form.addEventListener("submit", (e) => {
  e.preventDefault();
  submit();
});
els.input.addEventListener("input", () => {
  updateComposer();
  signalTyping();
});
enterSends(els.input, submit);
els.file.accept = ACCEPT;
els.attach.addEventListener("click", () => els.file.click());
els.file.addEventListener("change", () => {
  for (const file of [...(els.file.files || [])]) sendFile(file);
  els.file.value = ""; // the same file can be chosen again
});
els.quick.addEventListener("click", (e) => {
  const chip = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest(".chip"));
  if (chip) sendMessage(chip.dataset.text || "", null);
});
window.addEventListener("online", () => socket.reconnectNow());
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) socket.reconnectNow();
});
window.addEventListener("pagehide", () => (socket.paused = true));
window.addEventListener("pageshow", (e) => {
  if (e.persisted) {
    socket.paused = false;
    if (!socket.ws) socket.connect();
  }
});

/** @type {any} */ (window).kefuChat = {
  state,
  /** Close the socket as if the network dropped; reconnects after the backoff (or holdMs). */
  debugDropConnection: (/** @type {{holdMs?: number}} */ opts) => socket.drop(opts?.holdMs ? Number(opts.holdMs) : 0),
  send: (/** @type {unknown} */ text) => sendMessage(String(text), null),
};

if (window.matchMedia?.("(pointer: coarse)").matches) {
  els.input.placeholder = "请输入您的问题"; // touch keyboards have no Shift+Enter
}
setStatus("connecting");
updateComposer();
socket.connect();
