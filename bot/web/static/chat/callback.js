// @ts-check
/**
 * 预约回电: the call-back form the 预约回电 button opens (bot/handoff/callback.py).
 * The slots and the booking go over the page's socket (bot/api/routes/chat_callback.py); the
 * server checks the number and answers in Chinese, so the page shows its words, never its own.
 */
import { el } from "../lib/dom.js";
import { uuid } from "../lib/format.js";

export const CALLBACK_OFFER = "/kefu_callback"; // bot/handoff/callback.py OFFER_PAYLOAD

/**
 * @typedef {object} CallbackHooks
 * @property {(frame: object) => boolean} send a frame on the page's socket; false when offline
 * @property {(card: HTMLElement) => void} show put the form into the conversation
 */

export class CallbackForm {
  /** @param {CallbackHooks} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    /** @type {HTMLFormElement | null} */
    this.card = null;
    this.ref = "";
  }

  /** Open the form (one at a time) and ask the server for the slots on offer. */
  open() {
    if (this.card?.isConnected) {
      this.card.querySelector("input")?.focus();
      return;
    }
    this.card = build();
    this.card.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    this.card.querySelector(".callback-form__cancel")?.addEventListener("click", () => this.close());
    this.hooks.show(this.card);
    if (!this.hooks.send({ type: "callback_slots" })) this.error("网络连接已断开，请稍后再试。");
    /** @type {HTMLInputElement | null} */ (this.card.querySelector("input"))?.focus();
  }

  close() {
    this.remove();
    // The offer stays usable: the customer may open the form again.
    for (const b of document.querySelectorAll(`button.choice[data-payload="${CALLBACK_OFFER}"]`)) {
      const btn = /** @type {HTMLButtonElement} */ (b);
      btn.disabled = false;
      btn.classList.remove("is-chosen");
      btn.parentElement?.classList.remove("is-used");
    }
  }

  submit() {
    const form = this.card;
    if (!form) return;
    const field = (/** @type {string} */ name) =>
      /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
    this.ref = uuid();
    const frame = { type: "callback", id: this.ref, phone: field("phone"), slot: field("slot"), note: field("note") };
    this.error("");
    if (!this.hooks.send(frame)) this.error("网络连接已断开，请稍后再试。");
    else /** @type {HTMLButtonElement} */ (form.querySelector(".callback-form__submit")).disabled = true;
  }

  /**
   * The server's frames for the form.
   * @param {import("../lib/types.js").CallbackFrame} msg
   */
  handle(msg) {
    const form = this.card;
    if (!form) return;
    if (msg.type === "callback_slots") {
      const select = /** @type {HTMLSelectElement} */ (form.elements.namedItem("slot"));
      select.replaceChildren(...msg.slots.map((s) => new Option(s.label, s.start)));
      if (!msg.slots.length) this.error("抱歉，近期暂时没有可预约的回电时段。");
      return;
    }
    /** @type {HTMLButtonElement} */ (form.querySelector(".callback-form__submit")).disabled = false;
    if (msg.type === "callback_error") {
      this.error(msg.text || "预约没有成功，请稍后再试。");
      if (msg.code === "bad_slot") this.hooks.send({ type: "callback_slots" });
      return;
    }
    if (msg.type === "callback_booked") this.remove(); // the confirmation is in the conversation now
  }

  /** Take the form (and the line holding it) out of the conversation. */
  remove() {
    (this.card?.closest(".msg--form") || this.card)?.remove();
    this.card = null;
  }

  /** @param {string} text */
  error(text) {
    const box = this.card?.querySelector(".callback-form__error");
    if (!box) return;
    box.textContent = text;
    /** @type {HTMLElement} */ (box).hidden = !text;
  }
}

function build() {
  const form = el("form", "callback-form");
  form.noValidate = true; // the server checks and answers in Chinese
  form.setAttribute("aria-label", "预约回电");
  form.append(el("p", "callback-form__title", "预约回电"));
  const row = (/** @type {string} */ label, /** @type {HTMLElement} */ input) => {
    const wrap = el("label", "callback-form__row");
    wrap.append(el("span", "callback-form__label", label), input);
    return wrap;
  };
  const phone = el("input", "callback-form__input");
  phone.name = "phone";
  phone.type = "tel";
  phone.inputMode = "tel";
  phone.autocomplete = "tel";
  phone.maxLength = 40;
  phone.placeholder = "手机号，或带区号的座机号";
  const slot = el("select", "callback-form__input");
  slot.name = "slot";
  slot.append(new Option("正在加载可选时段…", ""));
  const note = el("textarea", "callback-form__input");
  note.name = "note";
  note.rows = 2;
  note.maxLength = 200;
  note.placeholder = "想咨询的问题，方便我们提前准备（选填）";
  const error = el("p", "callback-form__error");
  error.setAttribute("role", "alert");
  error.hidden = true;
  const bar = el("div", "callback-form__bar");
  const cancel = el("button", "callback-form__cancel", "取消");
  cancel.type = "button";
  const submit = el("button", "callback-form__submit", "提交预约");
  submit.type = "submit";
  bar.append(cancel, submit);
  form.append(row("联系电话", phone), row("回电时段", slot), row("备注（选填）", note), error, bar);
  return form;
}
