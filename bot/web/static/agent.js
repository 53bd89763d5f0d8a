// @ts-check
/**
 * Kefu agent console — 坐席工作台. A native ES module, no build step; lit-html renders data.
 *
 * Login: POST /api/auth/token. Live: one websocket ws(s)://<host>/ws/agent?token=<bearer>
 * Server -> console: see `AgentFrame` in lib/types.js.
 * Console -> server: {"type":"typing","handoff_id","on"} | {"type":"ping"}
 * Actions go through the REST API (bot/api/routes/agent.py): accept, messages, notes, transfer,
 * return, close, takeover; tickets; knowledge search.
 */
import { ApiError, login } from "./lib/api.js";
import { byId } from "./lib/dom.js";
import { nameOf, STAFF_ROLES } from "./lib/labels.js";
import { LiveSocket, wsUrl } from "./lib/socket.js";
import { initConversation, onHandoff, onMessage, onNote, onTyping, openHandoff } from "./agent/conversation.js";
import { alerts, initAlerts } from "./agent/alerts.js";
import { loadCanned, renderManager } from "./agent/canned.js";
import { initLists, onTabShown, renderLists, renderQueueFilter, setHistory } from "./agent/lists.js";
import { initMonitor, renderMonitor } from "./agent/monitor.js";
import { api, flash, state } from "./agent/state.js";
import { loadTickets } from "./agent/tickets.js";

/** @typedef {import("./lib/types.js").AgentFrame} AgentFrame */

const CONSOLE_ROLES = ["agent", "supervisor", "admin"];

const socket = new LiveSocket({
  url: () => wsUrl(`/ws/agent?token=${encodeURIComponent(api.session?.token || "")}`),
  backoffMs: [500, 1000, 2000, 4000, 8000],
  onFrame: handle,
  onOpen: () => setConn("open"),
  onDown: (code) => {
    state.connected = false;
    if (code === 4401) {
      logout();
      return false;
    }
    setConn("closed");
    return true;
  },
});

/** @param {"connecting" | "open" | "closed"} s */
function setConn(s) {
  byId("conn-dot").className = `dot${s === "open" ? " is-on" : s === "closed" ? " is-off" : ""}`;
  byId("conn-text").textContent = s === "open" ? "已连接" : s === "closed" ? "连接断开，正在重连…" : "正在连接…";
}

/**
 * A work order's reminder: at half its time for its owner, overdue for the supervisors too.
 * @param {Extract<AgentFrame, {type: "workorder_reminder"}>} msg
 */
function remindOrder(msg) {
  const w = msg.workorder;
  const supervisor = state.me && state.me.role !== "agent";
  if (w.owner !== state.me?.username && !(supervisor && msg.level >= 100)) return;
  const what = msg.level >= 100 ? "已超时，已升级至主管" : "处理时间已过半";
  const toast = byId("toast");
  toast.textContent = `工单 ${w.number}${what}：${w.summary}`;
  toast.classList.toggle("is-late", msg.level >= 100);
  toast.hidden = false;
  setTimeout(() => (toast.hidden = true), 10000);
  loadTickets();
}

/** @param {AgentFrame} msg */
function handle(msg) {
  switch (msg.type) {
    case "snapshot":
      state.connected = true;
      state.me = msg.me;
      state.skills = msg.skills || {};
      state.overview = msg.overview;
      byId("me-name").textContent = msg.me.name;
      byId("me-role").textContent = nameOf(STAFF_ROLES, msg.me.role);
      byId("status", HTMLSelectElement).value = msg.me.status;
      state.handoffs = new Map((msg.handoffs || []).map((h) => [h.id, h]));
      renderQueueFilter();
      renderLists();
      renderManager();
      renderMonitor();
      if (state.selected) openHandoff(state.selected); // catch up after a reconnect
      return;
    case "handoff":
      return onHandoff(msg.handoff);
    case "message":
      return onMessage(msg.handoff_id, msg.message);
    case "note":
      return onNote(msg.handoff_id, msg.note);
    case "typing":
      return onTyping(msg);
    case "overview":
      state.overview = msg.overview;
      return renderMonitor();
    case "workorder_reminder":
      return remindOrder(msg);
    case "ticket":
      loadTickets();
      return;
    default:
      return;
  }
}

/** Ended conversations for the 历史 tab and the customer's earlier conversations. */
async function loadHistory() {
  try {
    setHistory(await api.call("GET", "/api/handoffs?status=ended&context=false&limit=500"));
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

function logout() {
  api.save(null);
  socket.close();
  location.reload();
}

function start() {
  byId("login").hidden = true;
  byId("app").hidden = false;
  byId("tab-monitor").hidden = api.session?.role === "agent";
  setConn("connecting");
  socket.connect();
  setInterval(() => socket.send({ type: "ping" }), 15000);
  loadTickets();
  loadHistory();
  loadCanned();
}

byId("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const err = byId("login-error");
  err.hidden = true;
  try {
    const session = await login(byId("login-user", HTMLInputElement).value.trim(), byId("login-pass", HTMLInputElement).value);
    if (!CONSOLE_ROLES.includes(session.role)) throw new Error("该账号没有坐席权限");
    api.save(session);
    start();
  } catch (ex) {
    const locked = ex instanceof ApiError && ex.status === 429; // too many failures: wait
    err.textContent = locked || (ex instanceof Error && ex.message.startsWith("该账号")) ? /** @type {Error} */ (ex).message : "账号或密码不正确";
    err.hidden = false;
  }
});
byId("logout").addEventListener("click", logout);
byId("status", HTMLSelectElement).addEventListener("change", async (e) => {
  try {
    await api.call("PUT", "/api/agent/status", { status: /** @type {HTMLSelectElement} */ (e.target).value });
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
});

initLists(openHandoff);
initMonitor(openHandoff);
onTabShown((name) => {
  if (name === "tickets") loadTickets();
  if (name === "history") loadHistory();
});
initAlerts();
initConversation((frame) => socket.send(frame));

/** @type {any} */ (window).kefuAgent = { state, alerts };

if (api.session?.token) start();
else {
  byId("app").hidden = true;
  byId("login").hidden = false;
  byId("login-user").focus();
}
