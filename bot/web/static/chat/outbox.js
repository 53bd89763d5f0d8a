// @ts-check
/**
 * The chat page's outbox in localStorage: each message the visitor sent whose turn has not
 * finished, under its own key `kefu.outbox.<visitor id>.<client id>`. A reload, a closed tab
 * or a crashed browser loses nothing: the next page of the same visitor sends them again with
 * the same ids, and the server answers each once (it de-duplicates by id). One key per message,
 * so two tabs of one visitor never overwrite each other's entries.
 */

const PREFIX = "kefu.outbox.";
const MAX_AGE_MS = 24 * 3600 * 1000; // not sent again after a day: the visitor has moved on

/**
 * @typedef {object} OutboxEntry
 * @property {string} id the client id the message was (and is again) sent with
 * @property {string} text
 * @property {string | null} payload a button's payload
 * @property {string} [attachment] the id of an uploaded picture or file (bot/media)
 * @property {boolean} acked the server stored it (its turn may still have been cut short)
 * @property {number} at when it was typed (ms since the epoch)
 */

export class Outbox {
  /** @param {string} visitor the visitor id ("" until the server issued one) */
  constructor(visitor) {
    this.visitor = visitor;
  }

  /** @param {OutboxEntry} entry */
  put(entry) {
    try {
      localStorage.setItem(this.key(entry.id), JSON.stringify(entry));
    } catch {
      /* storage full or disabled: kept for this page only */
    }
  }

  /** @param {string} id the message's turn finished, or the server refused it for good */
  drop(id) {
    try {
      localStorage.removeItem(this.key(id));
    } catch {
      /* nothing kept */
    }
  }

  /**
   * What earlier pages of this visitor left unanswered, oldest first; stale entries go.
   * @returns {OutboxEntry[]}
   */
  load() {
    /** @type {OutboxEntry[]} */
    const found = [];
    for (const key of this.keys()) {
      const entry = parse(localStorage.getItem(key));
      if (entry && Date.now() - entry.at < MAX_AGE_MS) found.push(entry);
      else localStorage.removeItem(key);
    }
    return found.sort((a, b) => a.at - b.at);
  }

  /**
   * The server named this visitor anew (first visit, or a token it no longer accepts): the
   * entries move with the page.
   * @param {string} visitor
   * @param {OutboxEntry[]} entries what this page still holds
   */
  rekey(visitor, entries) {
    if (visitor === this.visitor) return;
    for (const e of entries) this.drop(e.id);
    this.visitor = visitor;
    for (const e of entries) this.put(e);
  }

  /** @param {string} id */
  key(id) {
    return `${PREFIX}${this.visitor}.${id}`;
  }

  /** @returns {string[]} this visitor's keys */
  keys() {
    const head = `${PREFIX}${this.visitor}.`;
    /** @type {string[]} */
    const out = [];
    try {
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (key?.startsWith(head) && !key.slice(head.length).includes(".")) out.push(key);
      }
    } catch {
      /* storage disabled */
    }
    return out;
  }
}

/**
 * @param {string | null} raw
 * @returns {OutboxEntry | null}
 */
function parse(raw) {
  try {
    const e = JSON.parse(raw || "null");
    if (!e || typeof e.id !== "string" || typeof e.text !== "string" || typeof e.at !== "number") return null;
    const attachment = typeof e.attachment === "string" && e.attachment ? { attachment: e.attachment } : {};
    return { id: e.id, text: e.text, payload: typeof e.payload === "string" ? e.payload : null, acked: !!e.acked, at: e.at, ...attachment };
  } catch {
    return null;
  }
}
