// @ts-check
/** The chat page's conversation: messages, choices, link cards, feedback, statuses, scrolling. */
import { el, icon, safeUrl } from "../lib/dom.js";
import { dayTime } from "../lib/format.js";
import { sizeText } from "../lib/media.js";
import { appendRich } from "../lib/rich.js";
import { LINK, STAR, THUMB_DOWN, THUMB_UP } from "./icons.js";

/** @typedef {import("../lib/types.js").ChatMessage} ChatMessage */
/** @typedef {import("../lib/types.js").Button} Button */
/** @typedef {import("../lib/types.js").Link} Link */
/** @typedef {import("../lib/types.js").Attachment} Attachment */
/** @typedef {import("../lib/media.js").MediaLoader} MediaLoader */

const TIME_GAP_MS = 5 * 60 * 1000; // a time divider after 5 minutes of silence

/**
 * @typedef {object} ThreadHooks
 * @property {(title: string, payload: string | null) => void} choose a button was clicked
 * @property {(m: ChatMessage, value: "up" | "down") => void} feedback thumbs on a bot answer
 * @property {MediaLoader} media fetches pictures and files with the visitor's token
 */

export class Thread {
  /**
   * @param {{messages: HTMLElement, thread: HTMLElement, jump: HTMLElement}} els
   * @param {ThreadHooks} hooks
   */
  constructor(els, hooks) {
    this.els = els;
    this.hooks = hooks;
    this.lastTs = 0;
    /** @type {HTMLElement | null} the latest button group, to mark what a history reply chose */
    this.lastChoices = null;
    els.messages.addEventListener("scroll", () => {
      if (this.nearBottom()) els.jump.hidden = true;
    });
    els.jump.addEventListener("click", () => this.scrollToBottom());
  }

  nearBottom() {
    const m = this.els.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }

  scrollToBottom() {
    // At once, not smoothly: a reply in several parts checks nearBottom() between its parts,
    // and a smooth scroll still under way would read as "the reader scrolled up".
    this.els.messages.scrollTo({ top: this.els.messages.scrollHeight, behavior: "instant" });
    this.els.jump.hidden = true;
  }

  /** Buttons of earlier messages no longer apply: the customer moved on, or engineers took over. */
  retireChoices() {
    for (const group of this.els.thread.querySelectorAll(".choices:not(.is-used)")) {
      for (const b of group.querySelectorAll("button")) b.disabled = true;
      group.classList.add("is-used");
    }
  }

  /** @param {boolean} stick */
  afterAppend(stick) {
    if (stick) this.scrollToBottom();
    else this.els.jump.hidden = false;
  }

  hasMessages() {
    return !!this.els.thread.querySelector(".msg");
  }

  /** @param {string | undefined} ts */
  timeDivider(ts) {
    let t = ts ? new Date(ts) : new Date();
    if (Number.isNaN(t.getTime())) t = new Date();
    if (!this.lastTs || t.getTime() - this.lastTs > TIME_GAP_MS) {
      this.els.thread.appendChild(el("li", "time", dayTime(t)));
    }
    this.lastTs = Math.max(this.lastTs, t.getTime());
  }

  /**
   * Where an earlier conversation starts in the history: its date and time.
   * @param {string | undefined} ts
   */
  conversationDivider(ts) {
    let t = ts ? new Date(ts) : new Date();
    if (Number.isNaN(t.getTime())) t = new Date();
    const li = el("li", "time time--conversation", `${dayTime(t)} 的对话`);
    this.els.thread.appendChild(li);
    this.lastTs = t.getTime();
    return li;
  }

  /**
   * Render one message and return its <li>.
   * @param {ChatMessage} m
   * @param {{live?: boolean, clientId?: string, preview?: string}} [opts] preview: a local
   *   URL of a picture still being uploaded
   */
  render(m, opts = {}) {
    const role = m.role;
    if (role === "divider") return this.conversationDivider(m.ts);
    const stick = this.nearBottom() || role === "user";
    this.timeDivider(m.ts);
    const li = el("li", `msg msg--${role === "error" ? "system msg--error" : role}`);
    li.dataset.role = role;

    if (role === "system" || role === "error") {
      const pill = el("div", "pill");
      appendRich(pill, m.text || "");
      li.appendChild(pill);
      if (m.buttons?.length) {
        li.classList.add("msg--stack");
        li.appendChild(this.choices(m.buttons));
      }
      this.els.thread.appendChild(li);
      // Notices with buttons (留言, 取消排队) are for now: never hide them under 有新消息 ↓.
      this.afterAppend(stick || !!m.buttons?.length);
      return li;
    }

    if (role === "bot" || role === "agent") {
      const av = el("div", "msg__avatar");
      av.setAttribute("aria-hidden", "true");
      if (role === "agent") av.textContent = (m.name || "工").trim().charAt(0) || "工";
      else av.appendChild(icon(STAR, 18, "0 0 32 32"));
      li.appendChild(av);
    }
    const body = el("div", "msg__body");
    li.appendChild(body);
    if (role === "agent") {
      const name = el("div", "msg__name");
      name.appendChild(el("b", null, engineerName(m.name)));
      body.appendChild(name);
    }
    if (m.text) {
      const bubble = el("div", "bubble");
      appendRich(bubble, String(m.text));
      body.appendChild(bubble);
    }
    const img = safeUrl(m.image);
    if (img) {
      const pic = el("img", "bubble bubble--image");
      pic.src = img;
      pic.alt = "图片";
      pic.loading = "lazy";
      body.appendChild(pic);
    }
    if (m.attachment) body.appendChild(this.attachment(m.attachment, opts.preview));
    if (m.buttons?.length) body.appendChild(this.choices(m.buttons));
    if (m.links?.length) {
      const links = linkCards(m.links);
      if (links) body.appendChild(links);
    }
    if (role === "user") {
      body.appendChild(el("div", "msg__status"));
      if (opts.clientId) li.dataset.id = opts.clientId;
      if (this.lastChoices && !opts.live) markChosen(this.lastChoices, m.text || "");
      this.lastChoices = null;
      this.retireChoices();
    }
    if (role === "bot" && opts.live && m.text && !m.buttons?.length) {
      body.appendChild(this.feedbackRow(m));
    }
    this.els.thread.appendChild(li);
    this.afterAppend(stick);
    return li;
  }

  /**
   * A picture (a thumbnail that opens full size) or a file card (saved under its name).
   * @param {Attachment} a
   * @param {string} [preview] a local URL to show until the upload is done
   */
  attachment(a, preview) {
    if (a.kind === "image") {
      const link = el("a", "attachment");
      link.target = "_blank";
      link.rel = "noopener";
      link.setAttribute("aria-label", `查看图片 ${a.name}`);
      const img = el("img");
      img.alt = a.name || "图片";
      if (a.width && a.height) {
        img.width = Math.min(240, a.width);
        img.height = Math.round((img.width * a.height) / a.width);
      }
      const stick = this.nearBottom(); // a picture that grows the thread keeps the reader at the end
      img.addEventListener("load", () => stick && this.scrollToBottom(), { once: true });
      link.appendChild(img);
      if (preview) img.src = link.href = preview;
      else this.hooks.media.show(img, a);
      return link;
    }
    const card = el("button", "file-card");
    card.type = "button";
    card.setAttribute("aria-label", `下载文件 ${a.name}`);
    const text = el("span", "file-card__text");
    text.append(el("span", "file-card__name", a.name), el("span", "file-card__size", a.size ? sizeText(a.size) : "上传中…"));
    card.append(el("span", "file-card__icon", "📄"), text);
    card.addEventListener("click", () => {
      if (a.id) this.hooks.media.download(a).catch(() => card.classList.add("is-broken"));
    });
    return card;
  }

  /** @param {Button[]} buttons */
  choices(buttons) {
    const group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "可选项");
    for (const b of buttons) {
      if (!b?.title) continue;
      const btn = el("button", "choice", b.title);
      btn.type = "button";
      btn.dataset.payload = b.payload || "";
      btn.addEventListener("click", () => {
        if (btn.disabled) return;
        markChosen(group, b.title);
        this.hooks.choose(b.title, b.payload || null);
      });
      group.appendChild(btn);
    }
    this.lastChoices = group;
    return group;
  }

  /** @param {ChatMessage} m */
  feedbackRow(m) {
    const row = el("div", "feedback");
    const note = el("span", "feedback__note", "有帮助吗？");
    row.appendChild(note);
    /** @type {HTMLButtonElement[]} */
    const buttons = [];
    for (const [value, path, label] of /** @type {const} */ ([["up", THUMB_UP, "有帮助"], ["down", THUMB_DOWN, "没帮助"]])) {
      const btn = el("button");
      btn.type = "button";
      btn.appendChild(icon(path, 16));
      btn.setAttribute("aria-label", label);
      btn.dataset.value = value;
      btn.addEventListener("click", () => {
        for (const b of buttons) b.disabled = true;
        btn.classList.add("is-chosen");
        note.textContent = value === "up" ? "感谢您的反馈" : "抱歉没能帮到您，可以换个说法，或输入「转人工」联系工程师";
        this.hooks.feedback(m, value);
      });
      buttons.push(btn);
      row.appendChild(btn);
    }
    return row;
  }
}

/**
 * How the customer sees an engineer: 「工程师 1 号」 stays as it is, 「李明」 becomes 「工程师 李明」.
 * @param {string | null | undefined} name
 */
export const engineerName = (name) => (!name ? "人工工程师" : name.includes("工程师") ? name : `工程师 ${name}`);

/**
 * Disable a button group once one of its options was chosen (by click or by a later reply).
 * @param {HTMLElement} group
 * @param {string} title
 */
export function markChosen(group, title) {
  const buttons = [...group.querySelectorAll("button")];
  if (!buttons.some((b) => b.textContent === title)) return;
  for (const b of buttons) {
    b.disabled = true;
    if (b.textContent === title) b.classList.add("is-chosen");
  }
  group.classList.add("is-used");
}

/** @param {Link[]} links */
function linkCards(links) {
  const box = el("div", "links");
  for (const l of links) {
    const href = l && safeUrl(l.url);
    if (!href) continue;
    const a = el("a", "link-card");
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    const ic = el("span", "link-card__icon");
    ic.appendChild(icon(LINK, 18));
    const text = el("span", "link-card__text");
    text.appendChild(el("span", "link-card__title", l.title || href));
    text.appendChild(el("span", "link-card__host", new URL(href).host));
    a.append(ic, text, el("span", "link-card__go", "›"));
    box.appendChild(a);
  }
  return box.childNodes.length ? box : null;
}

/**
 * The delivery mark under a user's message.
 * @param {Element | null | undefined} li
 * @param {"" | "acked" | "queued" | "failed" | "uploading"} kind
 */
export function setUserStatus(li, kind) {
  const st = /** @type {HTMLElement | null} */ (li?.querySelector(".msg__status"));
  if (!st) return;
  st.className = `msg__status${kind ? ` is-${kind}` : ""}`;
  st.textContent = { acked: "✓", queued: "等待网络，连接恢复后自动发送", failed: "未发送", uploading: "上传中…", "": "" }[kind];
  st.title = kind === "acked" ? "已送达" : "";
}
