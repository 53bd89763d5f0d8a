// @ts-check
/** The console's shared state, API client and small shared views. */
import { StaffApi } from "../lib/api.js";
import { byId } from "../lib/dom.js";
import { html } from "../lib/html.js";

/** @typedef {import("../lib/types.js").HandoffSummary} HandoffSummary */
/** @typedef {import("../lib/types.js").Overview} Overview */
/** @typedef {import("../lib/types.js").Me} Me */
/** @typedef {import("../lib/types.js").Ticket} Ticket */
/** @typedef {import("../lib/types.js").MessageView} MessageView */
/** @typedef {import("../lib/types.js").Note} Note */

/** Public, read-only view for tests and the latency benchmark (window.kefuAgent.state). */
export const state = {
  connected: false,
  /** @type {Me | null} */
  me: null,
  /** @type {Map<number, HandoffSummary>} */
  handoffs: new Map(),
  /** @type {number | null} the open handoff */
  selected: null,
  /** @type {import("../lib/types.js").HandoffDetail | null} the open handoff with its context */
  detail: null,
  /** @type {number | null} the open ticket */
  ticket: null,
  /** @type {{at: string, m?: MessageView, note?: Note}[]} the open transcript, in time order */
  lines: [],
  /** @type {Set<number>} message ids in `lines` */
  seen: new Set(),
  /** @type {Map<number, number>} handoff id -> unread customer messages */
  unread: new Map(),
  /** @type {Overview | null} */
  overview: null,
  /** @type {Record<string, string>} skill id -> name */
  skills: {},
  /** @type {Ticket[]} */
  tickets: [],
  /** @type {Record<number, number>} handoff id -> Date.now() when it first appeared in a list */
  shownAt: {},
  tab: "mine",
};

export const api = new StaffApi("kefu.agent", () => location.reload());

export const isSupervisor = () => api.session?.role !== "agent";

/** A short message under the composer. @param {string} text */
export function flash(text) {
  const hint = byId("composer-hint");
  hint.textContent = text;
  setTimeout(() => {
    if (hint.textContent === text) hint.textContent = "";
  }, 4000);
}

/**
 * A tag pill.
 * @param {string | number | null | undefined} text
 * @param {string} [cls]
 */
export const tag = (text, cls = "") => html`<span class="tag ${cls}">${text}</span>`;

/**
 * A definition list of the pairs that have a value.
 * @param {[string, unknown][]} pairs
 */
export const kv = (pairs) =>
  html`<dl class="kv">${pairs
    .filter(([, v]) => v != null && v !== "")
    .map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}</dl>`;
