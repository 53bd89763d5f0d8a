/* Kefu web chat — 星岚智能客服.
 *
 * Plain browser JavaScript, no build step. Talks to the gateway over one websocket:
 *   ws(s)://<host>/ws/chat?sender=<id>[&token=<signed customer token>]
 * Client -> server: {"type":"message","id","text","payload"?} and {"type":"feedback",...}
 * Server -> client: history | ack | typing | bot | agent | system | error  (see bot/api/routes/chat.py)
 *   and, while engineers have the conversation (bot/handoff): queue (place and estimated wait),
 *   rating (asked after an engineer closed), rated. Client -> server also: {"type":"typing"}
 *   while an engineer serves, {"type":"rating","handoff","score","comment"?}.
 */
(function () {
  "use strict";

  var MAX_CHARS = 2000;
  var SENDER_KEY = "kefu.sender";
  var BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 10000];
  var TIME_GAP_MS = 5 * 60 * 1000; // show a time divider after 5 minutes of silence
  var LOCAL_TYPING_MS = 30000; // stop our own "typing" guess if the server never answers
  var BOT_NAME = "小岚";

  var $ = function (id) { return document.getElementById(id); };
  var els = {
    messages: $("messages"),
    thread: $("thread"),
    typing: $("typing"),
    typingLabel: $("typing-label"),
    banner: $("banner"),
    statusDot: $("status-dot"),
    statusText: $("status-text"),
    form: $("form"),
    input: $("input"),
    send: $("send"),
    hint: $("hint"),
    count: $("count"),
    jump: $("jump"),
    quick: $("quick"),
  };

  /** Public, read-only view of the connection for tests and debugging. */
  var state = {
    sender: loadSender(),
    status: "connecting", // connecting | open | closed
    connected: false,
    connects: 0, // successful opens so far
    drops: 0, // disconnects so far
    queued: 0, // user messages not yet acknowledged by the server
    mode: "bot", // bot | queue (waiting for an engineer) | agent (an engineer has the conversation)
    agentName: "",
    typing: false, // the typing indicator is showing
  };

  var ws = null;
  var attempt = 0;
  var reconnectTimer = null;
  var bannerTimer = null;
  var typingTimer = null;
  var wasDown = false;
  var unloading = false;
  var pending = new Map(); // client id -> {text, payload, el} in send order
  var known = []; // [{role, text}] of messages the server also has, in render order
  var lastTs = 0;
  var lastChoices = null; // the latest button group, to mark the option a history reply chose
  var feedbackSentAt = 0; // a server that does not know "feedback" frames answers invalid_message
  var typingSentAt = 0; // our own typing signal to the engineer, at most every 3 s

  // ---------------------------------------------------------------- helpers

  function uuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      try { return window.crypto.randomUUID(); } catch (e) { /* insecure context */ }
    }
    var b = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(b);
    } else {
      for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function loadSender() {
    var id = null;
    try { id = window.localStorage.getItem(SENDER_KEY); } catch (e) { /* storage disabled */ }
    if (!id || !/^web-[0-9a-zA-Z-]{8,64}$/.test(id)) {
      id = "web-" + uuid();
      try { window.localStorage.setItem(SENDER_KEY, id); } catch (e) { /* keep it for this page only */ }
    }
    return id;
  }

  function charCount(s) {
    return Array.from(s).length; // code points, like Python's len()
  }

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      var u = new URL(url, window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function formatTime(d) {
    var now = new Date();
    var hm = pad(d.getHours()) + ":" + pad(d.getMinutes());
    if (d.toDateString() === now.toDateString()) return hm;
    var y = new Date(now); y.setDate(now.getDate() - 1);
    if (d.toDateString() === y.toDateString()) return "昨天 " + hm;
    if (d.getFullYear() === now.getFullYear()) return (d.getMonth() + 1) + "月" + d.getDate() + "日 " + hm;
    return d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 " + hm;
  }

  /** Text with **bold**, [title](url) and bare http(s) links, built as DOM nodes (never innerHTML). */
  var RICH = /\*\*([^*\n]+)\*\*|\[([^\]\n]+)\]\((https?:\/\/[^)\s]+)\)|(https?:\/\/[^\s<>"'，。；！？、）)】]+)/g;
  function appendRich(parent, text) {
    var last = 0;
    var m;
    RICH.lastIndex = 0;
    while ((m = RICH.exec(text)) !== null) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] != null) {
        parent.appendChild(el("strong", null, m[1]));
      } else {
        var href = safeUrl(m[3] || m[4]);
        var label = m[2] || m[4];
        if (href) {
          var a = el("a", null, label);
          a.href = href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          parent.appendChild(a);
        } else {
          parent.appendChild(document.createTextNode(m[0]));
        }
      }
      last = RICH.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // ---------------------------------------------------------------- scrolling

  function nearBottom() {
    var m = els.messages;
    return m.scrollHeight - m.scrollTop - m.clientHeight < 80;
  }

  function scrollToBottom() {
    els.messages.scrollTop = els.messages.scrollHeight;
    els.jump.hidden = true;
  }

  function afterAppend(stick) {
    if (stick) scrollToBottom();
    else els.jump.hidden = false;
  }

  // ---------------------------------------------------------------- rendering

  function timeDivider(ts) {
    var t = ts ? new Date(ts) : new Date();
    if (isNaN(t.getTime())) t = new Date();
    if (!lastTs || t.getTime() - lastTs > TIME_GAP_MS) {
      els.thread.appendChild(el("li", "time", formatTime(t)));
    }
    lastTs = Math.max(lastTs, t.getTime());
  }

  /**
   * Render one message and return its <li>.
   * m: {role, text, buttons?, links?, image?, name?, ts?, id?}; opts: {live, clientId}
   */
  function render(m, opts) {
    opts = opts || {};
    var role = m.role;
    var stick = nearBottom() || role === "user";
    timeDivider(m.ts);

    var li = el("li", "msg msg--" + (role === "error" ? "system msg--error" : role));
    li.setAttribute("data-role", role);

    if (role === "system" || role === "error") {
      var pill = el("div", "pill");
      appendRich(pill, m.text || "");
      li.appendChild(pill);
      if (Array.isArray(m.buttons) && m.buttons.length) {
        li.classList.add("msg--stack");
        li.appendChild(renderChoices(m.buttons));
      }
      els.thread.appendChild(li);
      afterAppend(stick);
      return li;
    }

    if (role === "bot" || role === "agent") {
      var av = el("div", "msg__avatar");
      av.setAttribute("aria-hidden", "true");
      if (role === "agent") {
        av.textContent = (m.name || "工").trim().charAt(0) || "工";
      } else {
        av.innerHTML = '<svg viewBox="0 0 32 32" width="18" height="18"><path d="M16 3l3.4 8.6L28 15l-8.6 3.4L16 27l-3.4-8.6L4 15l8.6-3.4z" fill="currentColor"/></svg>';
      }
      li.appendChild(av);
    }

    var body = el("div", "msg__body");
    li.appendChild(body);

    if (role === "agent") {
      var name = el("div", "msg__name");
      name.appendChild(document.createTextNode("人工工程师 "));
      name.appendChild(el("b", null, m.name || ""));
      body.appendChild(name);
    }

    if (m.text) {
      var bubble = el("div", "bubble");
      appendRich(bubble, String(m.text));
      body.appendChild(bubble);
    }

    var img = safeUrl(m.image);
    if (img) {
      var pic = el("img", "bubble bubble--image");
      pic.src = img;
      pic.alt = "图片";
      pic.loading = "lazy";
      pic.style.maxWidth = "100%";
      pic.style.padding = "4px";
      body.appendChild(pic);
    }

    if (Array.isArray(m.buttons) && m.buttons.length) body.appendChild(renderChoices(m.buttons));
    if (Array.isArray(m.links) && m.links.length) {
      var links = renderLinks(m.links);
      if (links) body.appendChild(links);
    }

    if (role === "user") {
      var st = el("div", "msg__status");
      body.appendChild(st);
      if (opts.clientId) li.setAttribute("data-id", opts.clientId);
      if (lastChoices && !opts.live) markChosen(lastChoices, m.text);
      lastChoices = null;
    }

    if (role === "bot" && opts.live && m.text && !(m.buttons && m.buttons.length)) {
      body.appendChild(renderFeedback(m));
    }

    els.thread.appendChild(li);
    afterAppend(stick);
    return li;
  }

  function renderChoices(buttons) {
    var group = el("div", "choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "可选项");
    buttons.forEach(function (b) {
      if (!b || !b.title) return;
      var btn = el("button", "choice", b.title);
      btn.type = "button";
      btn.setAttribute("data-payload", b.payload || "");
      btn.addEventListener("click", function () {
        if (btn.disabled) return;
        markChosen(group, b.title);
        sendMessage(b.title, b.payload || null);
      });
      group.appendChild(btn);
    });
    lastChoices = group;
    return group;
  }

  function markChosen(group, title) {
    var buttons = group.querySelectorAll("button");
    var hit = false;
    buttons.forEach(function (b) { if (b.textContent === title) hit = true; });
    if (!hit) return;
    buttons.forEach(function (b) {
      b.disabled = true;
      if (b.textContent === title) b.classList.add("is-chosen");
    });
    group.classList.add("is-used");
  }

  function renderLinks(links) {
    var box = el("div", "links");
    links.forEach(function (l) {
      var href = l && safeUrl(l.url);
      if (!href) return;
      var a = el("a", "link-card");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      var icon = el("span", "link-card__icon");
      icon.innerHTML = '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><path d="M10.6 13.4a1 1 0 010-1.4l3.5-3.5a3 3 0 114.2 4.2l-2 2a1 1 0 01-1.4-1.4l2-2a1 1 0 00-1.4-1.4L12 13.4a1 1 0 01-1.4 0zm2.8-2.8a1 1 0 010 1.4l-3.5 3.5a3 3 0 11-4.2-4.2l2-2a1 1 0 011.4 1.4l-2 2a1 1 0 001.4 1.4L12 10.6a1 1 0 011.4 0z" fill="currentColor"/></svg>';
      var text = el("span", "link-card__text");
      text.appendChild(el("span", "link-card__title", l.title || href));
      text.appendChild(el("span", "link-card__host", new URL(href).host));
      a.appendChild(icon);
      a.appendChild(text);
      a.appendChild(el("span", "link-card__go", "›"));
      box.appendChild(a);
    });
    return box.childNodes.length ? box : null;
  }

  var THUMB_UP = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path d="M2 10h4v11H2zM8 21V10l5.3-7.1a1.6 1.6 0 012.9 1.2L15 9h5.2a2 2 0 012 2.4l-1.6 8A2 2 0 0118.6 21z" fill="currentColor"/></svg>';
  var THUMB_DOWN = '<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true"><path d="M22 14h-4V3h4zM16 3v11l-5.3 7.1a1.6 1.6 0 01-2.9-1.2L9 15H3.8a2 2 0 01-2-2.4l1.6-8A2 2 0 015.4 3z" fill="currentColor"/></svg>';

  function renderFeedback(m) {
    var row = el("div", "feedback");
    var note = el("span", "feedback__note", "有帮助吗？");
    var up = el("button");
    var down = el("button");
    up.type = down.type = "button";
    up.innerHTML = THUMB_UP;
    down.innerHTML = THUMB_DOWN;
    up.setAttribute("aria-label", "有帮助");
    down.setAttribute("aria-label", "没帮助");
    up.setAttribute("data-value", "up");
    down.setAttribute("data-value", "down");
    function choose(btn, value) {
      up.disabled = down.disabled = true;
      btn.classList.add("is-chosen");
      note.textContent = value === "up" ? "感谢您的反馈" : "抱歉没能帮到您，可以换个说法，或输入“转人工”联系工程师";
      if (sendJson({ type: "feedback", id: uuid(), ref: m.id || m.reply_to || null, value: value, text: m.text || "" })) {
        feedbackSentAt = Date.now();
      }
    }
    up.addEventListener("click", function () { choose(up, "up"); });
    down.addEventListener("click", function () { choose(down, "down"); });
    row.appendChild(note);
    row.appendChild(up);
    row.appendChild(down);
    return row;
  }

  function setUserStatus(li, kind) {
    var st = li && li.querySelector(".msg__status");
    if (!st) return;
    st.className = "msg__status" + (kind ? " is-" + kind : "");
    if (kind === "acked") { st.textContent = "✓"; st.title = "已送达"; }
    else if (kind === "queued") { st.textContent = "等待网络，连接恢复后自动发送"; st.title = ""; }
    else if (kind === "failed") { st.textContent = "未发送"; st.title = ""; }
    else { st.textContent = ""; st.title = ""; }
  }

  function hasMessages() {
    return !!els.thread.querySelector(".msg");
  }

  // ---------------------------------------------------------------- typing indicator

  function showTyping() {
    var stick = nearBottom();
    els.typingLabel.textContent = (state.mode === "agent" && state.agentName ? state.agentName : BOT_NAME) + "正在输入…";
    els.typing.hidden = false;
    state.typing = true;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, LOCAL_TYPING_MS);
    if (stick) scrollToBottom();
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    els.typing.hidden = true;
    state.typing = false;
  }

  // ---------------------------------------------------------------- status + banner

  function setStatus(status) {
    state.status = status;
    state.connected = status === "open";
    els.statusDot.className = "dot" + (status === "open" ? " is-online" : status === "closed" ? " is-offline" : "");
    if (status === "open") {
      els.statusText.textContent = state.mode === "agent" && state.agentName
        ? "人工工程师 " + state.agentName + " 为您服务"
        : "小岚在线 · 7×24 小时为您服务";
    } else if (status === "closed") {
      els.statusText.textContent = "连接已断开";
    } else {
      els.statusText.textContent = "正在连接…";
    }
  }

  function showBanner(text, ok) {
    clearTimeout(bannerTimer);
    els.banner.textContent = text;
    els.banner.className = "banner" + (ok ? " is-ok" : "");
    els.banner.hidden = false;
    if (ok) bannerTimer = setTimeout(function () { els.banner.hidden = true; }, 2500);
  }

  // ---------------------------------------------------------------- connection

  function socketUrl() {
    if (window.KEFU_WS_URL) return window.KEFU_WS_URL; // an embedding site may point elsewhere
    var proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    var url = proto + "//" + window.location.host + "/ws/chat?sender=" + encodeURIComponent(state.sender);
    if (window.KEFU_TOKEN) url += "&token=" + encodeURIComponent(window.KEFU_TOKEN);
    return url;
  }

  function connect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (ws) return;
    if (state.status !== "closed") setStatus("connecting");
    var sock;
    try {
      sock = new WebSocket(socketUrl());
    } catch (e) {
      onDown(null);
      return;
    }
    ws = sock;
    sock.onopen = function () {
      if (ws !== sock) return;
      attempt = 0;
      state.connects += 1;
      setStatus("open");
      if (wasDown) showBanner("已重新连接", true);
      else els.banner.hidden = true;
      wasDown = false;
      flushPending();
    };
    sock.onmessage = function (ev) {
      if (ws !== sock) return;
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      if (msg && typeof msg === "object") handle(msg);
    };
    sock.onclose = function () { if (ws === sock) onDown(sock); };
    sock.onerror = function () { /* a close event follows */ };
  }

  function onDown(sock, holdMs) {
    if (sock && ws !== sock) return;
    ws = null;
    if (unloading) return;
    state.drops += 1;
    wasDown = true;
    hideTyping();
    setStatus("closed");
    showBanner("连接已断开，正在重连…", false);
    pending.forEach(function (p) { setUserStatus(p.el, "queued"); });
    var delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    attempt += 1;
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, Math.max(delay, holdMs || 0));
  }

  function sendJson(obj) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    try { ws.send(JSON.stringify(obj)); return true; } catch (e) { return false; }
  }

  /**
   * A site that knows its logged-in customer passes a signed token (see bot/profile/token.py)
   * as window.KEFU_CUSTOMER_TOKEN or ?customer_token=...; the server verifies it.
   */
  var customerToken = window.KEFU_CUSTOMER_TOKEN ||
    new URLSearchParams(window.location.search).get("customer_token") || null;

  function withMetadata(frame) {
    if (customerToken) frame.metadata = { customer_token: customerToken };
    return frame;
  }

  function flushPending() {
    pending.forEach(function (p, id) {
      var frame = { type: "message", id: id, text: p.text };
      if (p.payload) frame.payload = p.payload;
      withMetadata(frame);
      if (sendJson(frame)) setUserStatus(p.el, "");
    });
  }

  // ---------------------------------------------------------------- incoming

  function handle(msg) {
    switch (msg.type) {
      case "history": return applyHistory(Array.isArray(msg.messages) ? msg.messages : []);
      case "ack": return onAck(msg.id);
      case "typing":
        if (msg.who === "agent" && msg.name) state.agentName = msg.name;
        return msg.on ? showTyping() : hideTyping();
      case "bot":
      case "agent":
        hideTyping();
        state.mode = msg.type;
        state.agentName = msg.type === "agent" ? (msg.name || "") : "";
        setStatus(state.status);
        known.push({ role: msg.type, text: msg.text || "" });
        render({ role: msg.type, text: msg.text, buttons: msg.buttons, links: msg.links, image: msg.image, name: msg.name, id: msg.id, reply_to: msg.reply_to }, { live: true });
        return;
      case "system":
        setMode(msg);
        known.push({ role: "system", text: msg.text || "" });
        render({ role: "system", text: msg.text, buttons: msg.buttons }, { live: true });
        return;
      case "queue": return showQueue(msg);
      case "rating":
        setMode(msg);
        known.push({ role: "system", text: msg.text || "" });
        renderRating(msg);
        return;
      case "rated": return onRated(msg);
      case "error":
        if (msg.code === "invalid_message" && Date.now() - feedbackSentAt < 5000) {
          feedbackSentAt = 0;
          return; // the rating is optional; never show the visitor an error for it
        }
        hideTyping();
        if (msg.id && pending.has(msg.id)) {
          // the server refused this message for good: stop re-sending it
          setUserStatus(pending.get(msg.id).el, "failed");
          pending.delete(msg.id);
          state.queued = pending.size;
        }
        render({ role: "error", text: msg.text || "抱歉，服务暂时不可用，请稍后再试。" }, { live: true });
        return;
      default:
        return; // unknown types are ignored so the server can add new ones
    }
  }

  // ---------------------------------------------------------------- engineers (bot/handoff)

  function setMode(msg) {
    if (!msg.mode) return;
    state.mode = msg.mode;
    state.agentName = msg.mode === "agent" ? (msg.name || state.agentName) : "";
    if (msg.mode !== "queue") {
      var q = els.thread.querySelector(".msg--queue");
      if (q) q.remove();
    }
    setStatus(state.status);
  }

  /** The waiting customer's place and estimated wait: one line, kept at the bottom. */
  function showQueue(msg) {
    var li = els.thread.querySelector(".msg--queue");
    if (li) li.remove();
    li = el("li", "msg msg--system msg--queue");
    li.setAttribute("data-role", "queue");
    li.appendChild(el("div", "pill", msg.text || ""));
    els.thread.appendChild(li);
    state.mode = "queue";
    state.queue = { position: msg.position, eta: msg.eta, status: msg.status };
    afterAppend(nearBottom());
  }

  /** After an engineer closed: 1-5 stars and an optional comment. */
  function renderRating(msg) {
    var li = render({ role: "system", text: msg.text }, { live: true });
    li.classList.add("msg--stack");
    var card = el("form", "rating");
    card.setAttribute("data-handoff", String(msg.handoff));
    var stars = el("div", "rating__stars");
    stars.setAttribute("role", "radiogroup");
    stars.setAttribute("aria-label", "服务评分");
    var score = 0;
    var comment = el("textarea", "rating__comment");
    comment.rows = 2;
    comment.maxLength = 500;
    comment.placeholder = "还有什么想对我们说的？（选填）";
    var submitBtn = el("button", "rating__submit", "提交评价");
    submitBtn.type = "submit";
    submitBtn.disabled = true;
    for (var n = 1; n <= 5; n++) {
      (function (value) {
        var b = el("button", "rating__star", "★");
        b.type = "button";
        b.setAttribute("data-score", String(value));
        b.setAttribute("aria-label", value + " 分");
        b.addEventListener("click", function () {
          score = value;
          stars.querySelectorAll(".rating__star").forEach(function (x) {
            x.classList.toggle("is-on", Number(x.getAttribute("data-score")) <= value);
          });
          submitBtn.disabled = false;
        });
        stars.appendChild(b);
      })(n);
    }
    card.appendChild(stars);
    card.appendChild(comment);
    card.appendChild(submitBtn);
    card.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!score) return;
      var frame = { type: "rating", handoff: Number(msg.handoff), score: score };
      if (comment.value.trim()) frame.comment = comment.value.trim();
      if (sendJson(frame)) {
        card.querySelectorAll("button, textarea").forEach(function (x) { x.disabled = true; });
        card.classList.add("is-sent");
      }
    });
    li.appendChild(card);
    afterAppend(true);
  }

  function onRated(msg) {
    var card = els.thread.querySelector('.rating[data-handoff="' + msg.handoff + '"]');
    if (card) card.replaceWith(el("div", "rating__thanks", msg.text || "感谢您的评价"));
    else render({ role: "system", text: msg.text }, { live: true });
  }

  function signalTyping() {
    if (state.mode !== "agent" || Date.now() - typingSentAt < 3000) return;
    if (sendJson({ type: "typing" })) typingSentAt = Date.now();
  }

  function onAck(id) {
    var p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    state.queued = pending.size;
    setUserStatus(p.el, "acked");
    known.push({ role: "user", text: p.text });
  }

  function applyHistory(list) {
    if (!hasMessages()) {
      list.forEach(function (m) {
        if (!m || !m.role) return;
        var li = render({ role: m.role, text: m.text, buttons: m.buttons, links: m.links, image: m.image, name: m.name, ts: m.ts }, {});
        if (m.role === "user") setUserStatus(li, "acked");
        if (m.role === "agent") { state.mode = "agent"; state.agentName = m.name || ""; }
        if (m.role === "bot") { state.mode = "bot"; state.agentName = ""; }
        known.push({ role: m.role, text: m.text || "" });
      });
      setStatus(state.status);
      scrollToBottom();
      return;
    }
    // Reconnect with a conversation on screen: add only what arrived while we were away.
    var anchor = known[known.length - 1];
    if (!anchor) return;
    var at = -1;
    for (var i = list.length - 1; i >= 0; i--) {
      if (list[i] && list[i].role === anchor.role && (list[i].text || "") === anchor.text) { at = i; break; }
    }
    if (at < 0) return;
    list.slice(at + 1).forEach(function (m) {
      if (!m || !m.role) return;
      if (m.role === "user") {
        var match = null;
        pending.forEach(function (p, id) { if (!match && p.text === (m.text || "")) match = id; });
        if (match) { onAck(match); return; } // stored before the drop; the re-send is deduped
      }
      if (m.role === "agent" || m.role === "bot") { state.mode = m.role; state.agentName = m.role === "agent" ? (m.name || "") : ""; }
      known.push({ role: m.role, text: m.text || "" });
      render({ role: m.role, text: m.text, buttons: m.buttons, links: m.links, image: m.image, name: m.name, ts: m.ts }, {});
    });
    setStatus(state.status);
  }

  // ---------------------------------------------------------------- outgoing

  function sendMessage(text, payload) {
    var id = uuid();
    var li = render({ role: "user", text: text }, { live: true, clientId: id });
    pending.set(id, { text: text, payload: payload, el: li });
    state.queued = pending.size;
    var frame = { type: "message", id: id, text: text };
    if (payload) frame.payload = payload;
    withMetadata(frame);
    if (sendJson(frame)) {
      if (state.mode === "bot") showTyping();
    } else {
      setUserStatus(li, "queued");
    }
  }

  function updateComposer() {
    var value = els.input.value;
    var n = charCount(value);
    var over = n > MAX_CHARS;
    els.count.textContent = n + "/" + MAX_CHARS;
    els.count.classList.toggle("is-over", over);
    els.form.classList.toggle("is-over", over);
    els.input.setAttribute("aria-invalid", over ? "true" : "false");
    els.hint.classList.toggle("is-error", over);
    els.hint.textContent = over ? "消息最多 " + MAX_CHARS + " 字，已超出 " + (n - MAX_CHARS) + " 字，请删减后再发送" : "";
    els.send.disabled = over || !value.trim();
    // grow with the text up to the CSS max-height
    els.input.style.height = "auto";
    els.input.style.height = Math.min(els.input.scrollHeight, 144) + "px";
  }

  function submit() {
    var text = els.input.value.trim();
    if (!text || charCount(text) > MAX_CHARS) { updateComposer(); return; }
    sendMessage(text, null);
    els.input.value = "";
    updateComposer();
    els.input.focus();
  }

  // ---------------------------------------------------------------- wiring

  els.form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  els.input.addEventListener("input", function () { updateComposer(); signalTyping(); });
  els.input.addEventListener("keydown", function (e) {
    // Enter sends, Shift+Enter is a newline; never send while a Chinese IME is composing
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  els.quick.addEventListener("click", function (e) {
    var chip = e.target.closest(".chip");
    if (chip) sendMessage(chip.getAttribute("data-text"), null);
  });
  els.messages.addEventListener("scroll", function () { if (nearBottom()) els.jump.hidden = true; });
  els.jump.addEventListener("click", scrollToBottom);

  function reconnectNow() {
    if (!ws && reconnectTimer && !unloading) connect();
  }
  window.addEventListener("online", reconnectNow);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) reconnectNow(); });
  window.addEventListener("pagehide", function () { unloading = true; });
  window.addEventListener("pageshow", function (e) { if (e.persisted) { unloading = false; if (!ws) connect(); } });

  window.kefuChat = {
    state: state,
    /** Close the socket as if the network dropped; reconnects after the backoff (or holdMs). */
    debugDropConnection: function (opts) {
      var sock = ws;
      var holdMs = opts && opts.holdMs ? Number(opts.holdMs) : 0;
      if (!sock) return false;
      sock.onopen = sock.onmessage = sock.onclose = sock.onerror = null;
      try { sock.close(); } catch (e) { /* already closing */ }
      onDown(sock, holdMs);
      return true;
    },
    send: function (text) { sendMessage(String(text), null); },
  };

  if (window.matchMedia && window.matchMedia("(pointer: coarse)").matches) {
    els.input.placeholder = "请输入您的问题"; // touch keyboards have no Shift+Enter
  }
  setStatus("connecting");
  updateComposer();
  connect();
})();
