// @ts-check
/**
 * Canned replies (快捷回复) in the console: typing "/" at the start of the reply box lists the
 * replies of the conversation's queue (and of every queue); Enter or a click puts the chosen
 * one in, placeholders filled. Supervisors keep them under 监控.
 */
import { byId } from "../lib/dom.js";
import { html, render } from "../lib/html.js";
import { api, flash, isSupervisor, state } from "./state.js";

/** @typedef {{id: number, queue: string | null, title: string, text: string, by?: string}} Canned */

/** @type {Canned[]} */
let replies = [];
/** @type {Canned[]} what the picker shows now */
let shown = [];
let active = 0;
/** @type {Canned | null} the reply a supervisor is editing */
let editing = null;

export async function loadCanned() {
  try {
    replies = await api.call("GET", "/api/canned");
  } catch {
    replies = [];
  }
  renderManager();
}

/**
 * The placeholders filled from the open conversation: {称呼} how the customer is addressed (left
 * out when unknown), {工程师} the engineer, {订单号} the latest order number the customer wrote
 * (kept visible when there is none, for the engineer to fill in).
 * @param {string} text
 */
export function fill(text) {
  const d = state.detail;
  const profile = d?.context.customer || {};
  const said = (d?.context.transcript || []).filter((m) => m.direction === "in").map((m) => m.text || "");
  const orders = said.join(" ").match(/(?:订单号?[:：\s]*)?([A-Z]{0,4}\d{8,20})/g) || [];
  const order = orders.length ? orders[orders.length - 1].replace(/^订单号?[:：\s]*/, "") : null;
  return text
    .replaceAll("{称呼}", profile.honorific || profile.name || "")
    .replaceAll("{工程师}", state.me?.name || "")
    .replaceAll("{订单号}", order || "{订单号}");
}

/** @param {HTMLTextAreaElement} box */
function update(box) {
  const m = /^\/(\S*)$/.exec(box.value);
  const queue = state.detail?.queue;
  shown = m
    ? replies.filter((r) => (!r.queue || r.queue === queue) && (r.title.includes(m[1]) || r.text.includes(m[1]))).slice(0, 8)
    : [];
  active = Math.min(active, Math.max(shown.length - 1, 0));
  const picker = byId("canned-picker");
  picker.hidden = !shown.length;
  box.setAttribute("aria-expanded", String(!!shown.length));
  render(shown.map((r, i) => html`<li role="option" id="canned-${r.id}" aria-selected=${String(i === active)}
      class=${i === active ? "is-active" : ""} @mousedown=${(/** @type {Event} */ e) => { e.preventDefault(); pick(box, r); }}>
      <b>/${r.title}</b><span>${fill(r.text)}</span></li>`), picker);
  if (shown.length) box.setAttribute("aria-activedescendant", `canned-${shown[active].id}`);
  else box.removeAttribute("aria-activedescendant");
}

/**
 * @param {HTMLTextAreaElement} box
 * @param {Canned} r
 */
function pick(box, r) {
  box.value = fill(r.text);
  shown = [];
  byId("canned-picker").hidden = true;
  box.setAttribute("aria-expanded", "false");
  box.focus();
  if (box.value.includes("{订单号}")) flash("请补充订单号");
}

/** @param {HTMLTextAreaElement} box the reply box */
export function initCanned(box) {
  box.setAttribute("aria-controls", "canned-picker");
  box.setAttribute("aria-autocomplete", "list");
  box.addEventListener("input", () => update(box));
  // Before the composer's Enter-to-send: while the list is open, keys move and pick in it.
  box.addEventListener(
    "keydown",
    (e) => {
      if (!shown.length) return;
      const take = () => {
        e.preventDefault();
        e.stopImmediatePropagation();
      };
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        take();
        active = (active + (e.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
        update(box);
      } else if ((e.key === "Enter" || e.key === "Tab") && !e.isComposing) {
        take();
        pick(box, shown[active]);
      } else if (e.key === "Escape") {
        take();
        shown = [];
        byId("canned-picker").hidden = true;
      }
    },
    { capture: true },
  );
  byId("canned-form").addEventListener("submit", save);
}

// ---------------------------------------------------------------- supervisors keep them

/** @param {SubmitEvent} e */
async function save(e) {
  e.preventDefault();
  const body = {
    queue: byId("canned-queue", HTMLSelectElement).value || null,
    title: byId("canned-title", HTMLInputElement).value.trim(),
    text: byId("canned-text", HTMLTextAreaElement).value.trim(),
  };
  if (!body.title || !body.text) return flash("请填写快捷回复的名称和内容");
  try {
    await api.call(editing ? "PUT" : "POST", editing ? `/api/canned/${editing.id}` : "/api/canned", body);
    editing = null;
    byId("canned-form", HTMLFormElement).reset();
    await loadCanned();
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

/** @param {Canned} r */
async function remove(r) {
  try {
    await api.call("DELETE", `/api/canned/${r.id}`);
    await loadCanned();
  } catch (ex) {
    flash(/** @type {Error} */ (ex).message);
  }
}

/** @param {Canned} r */
function edit(r) {
  editing = r;
  byId("canned-queue", HTMLSelectElement).value = r.queue || "";
  byId("canned-title", HTMLInputElement).value = r.title;
  byId("canned-text", HTMLTextAreaElement).value = r.text;
}

export function renderManager() {
  if (!isSupervisor()) return; // the 监控 tab that holds it is for supervisors only
  const sel = byId("canned-queue", HTMLSelectElement);
  const keep = sel.value;
  render(html`<option value="">全部队列</option>${Object.entries(state.skills).map(([k, n]) => html`<option value=${k}>${n}</option>`)}`, sel);
  sel.value = keep;
  render(
    replies.length
      ? replies.map((r) => html`<li class="canned" data-canned=${r.id}><b>/${r.title}</b>
          <span class="tag">${r.queue ? state.skills[r.queue] || r.queue : "全部队列"}</span>
          <div class="canned__text">${r.text}</div>
          <button type="button" class="link" @click=${() => edit(r)}>编辑</button>
          <button type="button" class="link" @click=${() => remove(r)}>删除</button></li>`)
      : html`<li class="muted">还没有快捷回复</li>`,
    byId("canned-list"),
  );
}
