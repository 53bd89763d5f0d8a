// @ts-check
/** The open conversation's transcript: messages and internal notes in time order. */
import { byId, safeUrl } from "../lib/dom.js";
import { clock } from "../lib/format.js";
import { html, render } from "../lib/html.js";
import { nameOf, SPEAKERS } from "../lib/labels.js";
import { MediaLoader, sizeText } from "../lib/media.js";
import { api, state } from "./state.js";

/** @typedef {import("../lib/types.js").MessageView} MessageView */
/** @typedef {import("../lib/types.js").Note} Note */
/** @typedef {import("../lib/types.js").Attachment} Attachment */

/** Pictures and files of the open conversations, fetched with the engineer's token. */
export const media = new MediaLoader(() => api.session?.token || "");
/** @type {Map<string, Attachment>} media id -> attachment shown in a transcript */
const attachments = new Map();

/**
 * A picture inline (opens full size) or a file to save.
 * @param {Attachment} a
 */
function attachmentView(a) {
  attachments.set(a.id, a);
  if (a.kind === "image") {
    return html`<a class="line__image" target="_blank" rel="noopener" aria-label=${`查看图片 ${a.name}`}>
      <img data-media=${a.id} alt=${a.name || "图片"}></a>`;
  }
  return html`<button type="button" class="line__file" data-download=${a.id}>📄 ${a.name} · ${sizeText(a.size)}</button>`;
}

/** Show the pictures of a transcript just drawn. @param {HTMLElement} root */
export function showPictures(root) {
  media.hydrate(root, (id) => attachments.get(id));
}

/**
 * One transcript line (also used by the ticket view).
 * @param {MessageView} m
 */
export function messageLine(m) {
  const who = m.role === "agent" ? `工程师 ${m.name || ""}` : nameOf(SPEAKERS, m.role);
  return html`<li class="line line--${m.role}" data-id=${m.id}><div class="line__body">
    <div class="line__who">${who} · ${clock(m.at)}</div>
    ${m.text ? html`<div class="line__text">${m.text}</div>` : ""}
    ${m.attachment ? attachmentView(m.attachment) : ""}
    ${m.links?.length
      ? html`<div class="line__links">${m.links.map((l) => {
          const href = safeUrl(l.url);
          return href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">🔗 ${l.title || href}</a>` : "";
        })}</div>`
      : ""}
    ${m.buttons?.length ? html`<div class="line__buttons">选项：${m.buttons.map((b) => b.title).join(" / ")}</div>` : ""}
  </div></li>`;
}

/** @param {Note} n */
const noteLine = (n) => html`<li class="line line--note"><div class="line__body">
  <div class="line__who">内部备注 · ${n.name || n.by} · ${clock(n.at)}</div>
  <div class="line__text">${n.text || n.note || ""}</div></div></li>`;

function draw() {
  render(state.lines.map((x) => (x.m ? messageLine(x.m) : x.note ? noteLine(x.note) : "")), byId("transcript"));
  showPictures(byId("transcript"));
}

/** A click on a file in any transcript saves it. @param {MouseEvent} e */
export function onFileClick(e) {
  const btn = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (e.target).closest("[data-download]"));
  const a = btn && attachments.get(btn.dataset.download || "");
  if (a) media.download(a).catch(() => btn?.classList.add("is-broken"));
}

/**
 * Show a whole transcript (a newly opened conversation).
 * @param {MessageView[]} messages
 * @param {Note[]} notes
 */
export function showTranscript(messages, notes) {
  state.seen = new Set(messages.map((m) => m.id));
  state.lines = [...messages.map((m) => ({ at: m.at, m })), ...notes.map((note) => ({ at: note.at, note }))];
  state.lines.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  draw();
  const ol = byId("transcript");
  ol.scrollTop = ol.scrollHeight;
}

/**
 * Add messages not shown yet; stay at the bottom if the engineer was there (or wrote).
 * @param {MessageView[]} messages
 */
export function addMessages(messages) {
  const fresh = messages.filter((m) => !state.seen.has(m.id));
  if (!fresh.length) return;
  const ol = byId("transcript");
  const stick = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 80 || fresh.some((m) => m.role === "agent");
  for (const m of fresh) {
    state.seen.add(m.id);
    state.lines.push({ at: m.at, m });
  }
  draw();
  if (stick) ol.scrollTop = ol.scrollHeight;
}

/** @param {Note} note */
export function addNoteLine(note) {
  state.lines.push({ at: note.at, note });
  draw();
  const ol = byId("transcript");
  ol.scrollTop = ol.scrollHeight;
}
