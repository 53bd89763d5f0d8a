// @ts-check
/** A JSON websocket that reconnects with backoff: the chat page's and the console's live line. */

/**
 * @typedef {object} SocketOptions
 * @property {() => string} url where to connect (read at every attempt)
 * @property {number[]} backoffMs waits between attempts; the last one repeats
 * @property {(frame: any) => void} onFrame every JSON object the server sends
 * @property {() => void} [onOpen]
 * @property {(code: number) => boolean | void} [onDown] after a drop; return false to stay down
 */

export class LiveSocket {
  /** @param {SocketOptions} opts */
  constructor(opts) {
    this.opts = opts;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.paused = false; // the page is going away: do not reconnect
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.ws || this.paused) return;
    let sock;
    try {
      sock = new WebSocket(this.opts.url());
    } catch {
      this.down(null, 1006, 0);
      return;
    }
    this.ws = sock;
    sock.onopen = () => {
      if (this.ws !== sock) return;
      this.attempt = 0;
      this.opts.onOpen?.();
    };
    sock.onmessage = (ev) => {
      if (this.ws !== sock) return;
      let frame;
      try {
        frame = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") this.opts.onFrame(frame);
    };
    sock.onclose = (ev) => this.down(sock, ev.code, 0);
    sock.onerror = () => {}; // a close event follows
  }

  /**
   * @param {WebSocket | null} sock
   * @param {number} code
   * @param {number} holdMs wait at least this long before the next attempt
   */
  down(sock, code, holdMs) {
    if (sock && this.ws !== sock) return;
    this.ws = null;
    if (this.paused) return;
    if (this.opts.onDown?.(code) === false) return;
    const b = this.opts.backoffMs;
    const delay = b[Math.min(this.attempt, b.length - 1)];
    this.attempt += 1;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), Math.max(delay, holdMs));
  }

  /** Reconnect now if waiting out a backoff (the network came back, the tab is visible). */
  reconnectNow() {
    if (!this.ws && this.timer && !this.paused) this.connect();
  }

  /**
   * @param {object} frame
   * @returns {boolean} false when the line is down (the caller keeps the frame)
   */
  send(frame) {
    if (!this.ws || !this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(frame));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Close as if the network dropped (for tests); reconnects after the backoff or holdMs.
   * @param {number} [holdMs]
   */
  drop(holdMs = 0) {
    const sock = this.ws;
    if (!sock) return false;
    sock.onopen = sock.onmessage = sock.onclose = sock.onerror = null;
    try {
      sock.close();
    } catch {
      /* already closing */
    }
    this.down(sock, 1006, holdMs);
    return true;
  }

  /** Stop for good (logout). */
  close() {
    this.paused = true;
    clearTimeout(this.timer);
    const sock = this.ws;
    this.ws = null;
    if (sock) {
      sock.onclose = null;
      sock.close();
    }
  }
}

/**
 * The ws(s):// URL of a path on this page's host.
 * @param {string} path
 */
export const wsUrl = (path) => `${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}${path}`;
