/* Kefu agent console — 坐席工作台.
 *
 * Plain browser JavaScript, no build step. Login: POST /api/auth/token. Live: one websocket
 *   ws(s)://<host>/ws/agent?token=<bearer>
 * Server -> console: snapshot | handoff | message | note | typing | overview | ticket | rating | pong
 * Console -> server: {"type":"typing","handoff_id","on"} | {"type":"ping"}
 * Actions go through the REST API (bot/api/routes/agent.py): accept, messages, notes, transfer,
 * return, close, takeover; tickets; knowledge search.
 */
(function () {
  "use strict";

  var TOKEN_KEY = "kefu.agent";
  var BACKOFF_MS = [500, 1000, 2000, 4000, 8000];
  var STATUS_NAMES = { queued: "排队中", offered: "待接入", active: "服务中", closed: "已结束", returned: "已转回机器人", ticket: "已转工单", cancelled: "客户取消" };
  var ROLE_NAMES = { agent: "工程师", supervisor: "主管", admin: "管理员" };
  var CHANNELS = { web: "网页", wechat: "微信" };
  var WHY = { off_hours: "非服务时间", no_agent: "无人在线", left_message: "客户留言" };
  var ROLE_WHO = { user: "客户", bot: "机器人小岚", system: "系统" };

  var $ = function (id) { return document.getElementById(id); };
  var auth = loadAuth();
  var ws = null;
  var attempt = 0;
  var pingTimer = null;
  var typingTimer = null;
  var typingSentAt = 0;
  var custTypingTimer = null;

  /** Public, read-only view for tests and the latency benchmark. */
  var state = {
    connected: false,
    me: null,
    handoffs: new Map(), // id -> summary
    selected: null, // handoff id
    ticket: null, // ticket id
    seen: new Set(), // message ids shown in the open transcript
    unread: new Map(), // handoff id -> count
    overview: null,
    skills: {},
    tickets: [],
    shownAt: {}, // handoff id -> Date.now() when it first appeared in a list
    tab: "mine",
  };

  // ---------------------------------------------------------------- helpers

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  function safeUrl(url) {
    try {
      var u = new URL(url, window.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }

  function since(iso) {
    var s = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) return s + " 秒";
    if (s < 3600) return Math.floor(s / 60) + " 分 " + (s % 60) + " 秒";
    return Math.floor(s / 3600) + " 小时 " + Math.floor((s % 3600) / 60) + " 分";
  }

  function clock(iso) {
    var d = new Date(iso);
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return p(d.getHours()) + ":" + p(d.getMinutes());
  }

  function tag(text, cls) { return el("span", "tag" + (cls ? " " + cls : ""), text); }

  function loadAuth() {
    try { return JSON.parse(window.sessionStorage.getItem(TOKEN_KEY) || "null"); } catch (e) { return null; }
  }

  function saveAuth(a) {
    auth = a;
    try {
      if (a) window.sessionStorage.setItem(TOKEN_KEY, JSON.stringify(a));
      else window.sessionStorage.removeItem(TOKEN_KEY);
    } catch (e) { /* private mode: keep it for this page */ }
  }

  function api(method, path, body) {
    var opts = { method: method, headers: { Authorization: "Bearer " + auth.token } };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    return fetch(path, opts).then(function (r) {
      if (r.status === 401) { logout(); throw new Error("登录已过期，请重新登录"); }
      return r.json().then(function (data) {
        if (!r.ok) throw new Error((data && data.error && data.error.message) || ("请求失败 " + r.status));
        return data;
      });
    });
  }

  function flash(text) {
    var hint = $("composer-hint");
    hint.textContent = text;
    setTimeout(function () { if (hint.textContent === text) hint.textContent = ""; }, 4000);
  }

  // ---------------------------------------------------------------- login

  function showLogin() {
    $("app").hidden = true;
    $("login").hidden = false;
    $("login-user").focus();
  }

  $("login-form").addEventListener("submit", function (e) {
    e.preventDefault();
    var err = $("login-error");
    err.hidden = true;
    var form = new URLSearchParams();
    form.set("username", $("login-user").value.trim());
    form.set("password", $("login-pass").value);
    fetch("/api/auth/token", { method: "POST", body: form }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, data: data }; });
    }).then(function (res) {
      if (!res.ok) throw new Error("账号或密码不正确");
      if (!ROLE_NAMES[res.data.role]) throw new Error("该账号没有坐席权限");
      saveAuth({ token: res.data.access_token, role: res.data.role, username: form.get("username") });
      start();
    }).catch(function (ex) { err.textContent = ex.message; err.hidden = false; });
  });

  function logout() {
    saveAuth(null);
    if (ws) { var s = ws; ws = null; s.onclose = null; s.close(); }
    clearInterval(pingTimer);
    window.location.reload();
  }
  $("logout").addEventListener("click", logout);

  // ---------------------------------------------------------------- connection

  function start() {
    $("login").hidden = true;
    $("app").hidden = false;
    $("tab-monitor").hidden = auth.role === "agent";
    connect();
    loadTickets();
  }

  function connect() {
    var proto = window.location.protocol === "https:" ? "wss:" : "ws:";
    var sock = new WebSocket(proto + "//" + window.location.host + "/ws/agent?token=" + encodeURIComponent(auth.token));
    ws = sock;
    setConn("connecting");
    sock.onopen = function () { attempt = 0; setConn("open"); };
    sock.onmessage = function (ev) {
      var msg;
      try { msg = JSON.parse(ev.data); } catch (e) { return; }
      handle(msg);
    };
    sock.onclose = function (ev) {
      if (ws !== sock) return;
      ws = null;
      state.connected = false;
      if (ev.code === 4401) { logout(); return; }
      setConn("closed");
      setTimeout(connect, BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)]);
    };
    clearInterval(pingTimer);
    pingTimer = setInterval(function () { send({ type: "ping" }); }, 15000);
  }

  function send(obj) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(obj));
    return true;
  }

  function setConn(s) {
    $("conn-dot").className = "dot" + (s === "open" ? " is-on" : s === "closed" ? " is-off" : "");
    $("conn-text").textContent = s === "open" ? "已连接" : s === "closed" ? "连接断开，正在重连…" : "正在连接…";
  }

  function handle(msg) {
    switch (msg.type) {
      case "snapshot": return onSnapshot(msg);
      case "handoff": return onHandoff(msg.handoff);
      case "message": return onMessage(msg.handoff_id, msg.message);
      case "note": return onNote(msg.handoff_id, msg.note);
      case "typing": return onTyping(msg);
      case "overview": state.overview = msg.overview; return renderMonitor();
      case "ticket": return loadTickets();
      case "rating": return;
      default: return;
    }
  }

  function onSnapshot(msg) {
    state.connected = true;
    state.me = msg.me;
    state.skills = msg.skills || {};
    state.overview = msg.overview;
    $("me-name").textContent = msg.me.name;
    $("me-role").textContent = ROLE_NAMES[msg.me.role] || msg.me.role;
    $("status").value = msg.me.status;
    state.handoffs = new Map();
    (msg.handoffs || []).forEach(function (h) { state.handoffs.set(h.id, h); });
    renderLists();
    renderMonitor();
    if (state.selected) openHandoff(state.selected); // catch up after a reconnect
  }

  function onHandoff(h) {
    var old = state.handoffs.get(h.id);
    state.handoffs.set(h.id, h);
    renderLists();
    if (h.id === state.selected && (!old || old.status !== h.status || old.agent !== h.agent)) {
      renderHead(h);
      if (old && old.status !== h.status) openHandoff(h.id);
    }
  }

  // ---------------------------------------------------------------- lists

  function isMine(h) { return state.me && h.agent === state.me.username && (h.status === "offered" || h.status === "active"); }
  function isLive(h) { return h.status === "queued" || h.status === "offered" || h.status === "active"; }
  function matchesMe(h) {
    var skills = (state.me && state.me.skills) || [];
    return !h.skills.length || h.skills.some(function (s) { return skills.indexOf(s) >= 0; });
  }

  function renderLists() {
    var all = Array.from(state.handoffs.values()).filter(isLive);
    var mine = all.filter(isMine).sort(function (a, b) { return (a.status === "offered" ? 0 : 1) - (b.status === "offered" ? 0 : 1) || a.id - b.id; });
    var waiting = all.filter(function (h) { return h.status === "queued" || (h.status === "offered" && !isMine(h)); })
      .sort(function (a, b) { return b.priority - a.priority || a.requested_ms - b.requested_ms; });
    if (auth.role !== "agent") {
      waiting = waiting.concat(all.filter(function (h) { return h.status === "active" && !isMine(h); }));
    }
    fillList($("list-mine"), mine, "暂无会话，新的转人工会话会自动分配到这里");
    fillList($("list-queue"), waiting, "当前没有排队的客户");
    $("count-mine").textContent = String(mine.length);
    $("count-queue").textContent = String(all.filter(function (h) { return h.status === "queued"; }).length);
  }

  function fillList(ul, items, emptyText) {
    clear(ul);
    if (!items.length) { ul.appendChild(el("li", "list__empty", emptyText)); return; }
    items.forEach(function (h) {
      var li = el("li", "item");
      li.setAttribute("data-id", String(h.id));
      li.setAttribute("data-status", h.status);
      li.setAttribute("data-sender", h.sender);
      if (h.id === state.selected) li.classList.add("is-selected");
      if (h.status === "offered" && isMine(h)) li.classList.add("is-offered");
      else if (h.status === "queued" && matchesMe(h)) li.classList.add("is-match");
      var top = el("div", "item__top");
      var name = el("span", "item__name", h.customer);
      top.appendChild(name);
      var wait = el("span", "item__wait");
      wait.setAttribute("data-since", h.status === "active" ? (h.accepted_at || h.requested_at) : h.requested_at);
      wait.textContent = (h.status === "active" ? "已服务 " : "等待 ") + since(wait.getAttribute("data-since"));
      top.appendChild(wait);
      li.appendChild(top);
      var tags = el("div", "item__tags");
      tags.appendChild(tag(STATUS_NAMES[h.status] || h.status, h.status === "offered" ? "tag--p3" : ""));
      tags.appendChild(tag(h.queue_name));
      if (h.tier) tags.appendChild(tag("第" + h.tier + "级", "tag--tier"));
      tags.appendChild(tag("优先级 " + h.priority, "tag--p" + h.priority));
      if (h.flag) tags.appendChild(tag(h.flag, "tag--flag"));
      if (h.status === "queued" && h.position) tags.appendChild(tag("第 " + h.position + " 位"));
      if (h.agent && !isMine(h)) tags.appendChild(tag(h.agent_name || h.agent));
      var unread = state.unread.get(h.id);
      if (unread) tags.appendChild(el("span", "item__unread", String(unread)));
      li.appendChild(tags);
      var last = h.last_message ? h.last_message.text : h.reason;
      li.appendChild(el("div", "item__line", (h.last_message ? (ROLE_WHO[h.last_message.role] || "工程师") + "：" : "") + (last || "")));
      li.addEventListener("click", function () { openHandoff(h.id); });
      ul.appendChild(li);
      if (!state.shownAt[h.id]) state.shownAt[h.id] = Date.now();
    });
  }

  setInterval(function () {
    document.querySelectorAll("[data-since]").forEach(function (n) {
      var prefix = n.textContent.indexOf("已服务") === 0 ? "已服务 " : "等待 ";
      n.textContent = prefix + since(n.getAttribute("data-since"));
    });
  }, 1000);

  document.querySelectorAll(".tab").forEach(function (t) {
    t.addEventListener("click", function () { showTab(t.getAttribute("data-tab")); });
  });

  function showTab(name) {
    state.tab = name;
    document.querySelectorAll(".tab").forEach(function (t) { t.classList.toggle("is-on", t.getAttribute("data-tab") === name); });
    document.querySelectorAll("[data-pane]").forEach(function (p) { p.hidden = p.getAttribute("data-pane") !== name; });
    if (name === "tickets") loadTickets();
  }

  // ---------------------------------------------------------------- one conversation

  function openHandoff(id) {
    state.selected = id;
    state.ticket = null;
    state.unread.delete(id);
    renderLists();
    return api("GET", "/api/handoffs/" + id).then(function (d) {
      if (state.selected !== id) return;
      state.handoffs.set(id, stripDetail(d));
      $("empty").hidden = true;
      $("ticket").hidden = true;
      $("conv").hidden = false;
      $("context").hidden = false;
      renderHead(d);
      renderTranscript(d.context.transcript, d.notes);
      renderContext(d);
      renderLists();
    }).catch(function (ex) { flash(ex.message); });
  }

  function stripDetail(d) {
    var copy = Object.assign({}, d);
    delete copy.context; delete copy.notes; delete copy.events; delete copy.rating;
    return copy;
  }

  function renderHead(h) {
    $("conv-customer").textContent = h.customer;
    var meta = clear($("conv-meta"));
    meta.appendChild(tag(CHANNELS[h.channel] || h.channel));
    meta.appendChild(tag(STATUS_NAMES[h.status] || h.status));
    meta.appendChild(tag(h.queue_name));
    if (h.tier) meta.appendChild(tag("第" + h.tier + "级", "tag--tier"));
    meta.appendChild(tag("优先级 " + h.priority, "tag--p" + h.priority));
    if (h.flag) meta.appendChild(tag(h.flag, "tag--flag"));
    if (h.agent) meta.appendChild(tag("负责：" + (h.agent_name || h.agent)));
    $("conv-reason").textContent = [h.reason, h.summary].filter(Boolean).join(" · ");
    var me = state.me ? state.me.username : "";
    var supervisor = auth.role !== "agent";
    var waiting = h.status === "queued" || h.status === "offered";
    var mine = h.agent === me;
    $("btn-accept").hidden = !(waiting && (h.status === "queued" || mine || supervisor));
    $("btn-takeover").hidden = !(supervisor && h.status === "active" && !mine);
    $("btn-transfer").hidden = !((h.status === "active" && (mine || supervisor)) || (waiting && supervisor));
    $("btn-return").hidden = !((h.status === "active" && (mine || supervisor)) || (waiting && supervisor));
    $("btn-close").hidden = !(h.status === "active" && (mine || supervisor));
    var canWrite = h.status === "active" && (mine || supervisor);
    $("btn-send").disabled = false;
    $("reply").placeholder = canWrite ? "输入回复，Enter 发送，Shift+Enter 换行" : "接入后即可回复客户；现在可以写内部备注";
    if (!canWrite) setMode("note");
  }

  function renderTranscript(messages, notes) {
    var ol = clear($("transcript"));
    state.seen = new Set();
    var items = messages.map(function (m) { return { at: m.at, m: m }; });
    (notes || []).forEach(function (n) { items.push({ at: n.at, note: n }); });
    items.sort(function (a, b) { return new Date(a.at) - new Date(b.at); });
    items.forEach(function (it) { if (it.m) appendMessage(it.m); else appendNote(it.note); });
    ol.scrollTop = ol.scrollHeight;
  }

  function appendMessage(m) {
    if (state.seen.has(m.id)) return;
    state.seen.add(m.id);
    var ol = $("transcript");
    var stick = ol.scrollHeight - ol.scrollTop - ol.clientHeight < 80;
    var li = el("li", "line line--" + m.role);
    li.setAttribute("data-id", String(m.id));
    var body = el("div", "line__body");
    var who = m.role === "agent" ? "工程师 " + (m.name || "") : (ROLE_WHO[m.role] || m.role);
    body.appendChild(el("div", "line__who", who + " · " + clock(m.at)));
    if (m.text) body.appendChild(el("div", "line__text", m.text));
    if (m.links && m.links.length) {
      var links = el("div", "line__links");
      m.links.forEach(function (l) {
        var href = safeUrl(l.url);
        if (!href) return;
        var a = el("a", null, "🔗 " + (l.title || href));
        a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer";
        links.appendChild(a);
      });
      body.appendChild(links);
    }
    if (m.buttons && m.buttons.length) {
      body.appendChild(el("div", "line__buttons", "选项：" + m.buttons.map(function (b) { return b.title; }).join(" / ")));
    }
    li.appendChild(body);
    ol.appendChild(li);
    if (stick || m.role === "agent") ol.scrollTop = ol.scrollHeight;
  }

  function appendNote(n) {
    var li = el("li", "line line--note");
    var body = el("div", "line__body");
    body.appendChild(el("div", "line__who", "内部备注 · " + (n.name || n.by) + " · " + clock(n.at)));
    body.appendChild(el("div", "line__text", n.text || n.note || ""));
    li.appendChild(body);
    $("transcript").appendChild(li);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  function onMessage(id, m) {
    var h = state.handoffs.get(id);
    if (h) { h.last_message = { role: m.role, text: m.text, at: m.at }; }
    if (id === state.selected) {
      appendMessage(m);
      if (m.direction === "in") { hideCustTyping(); refreshContext(id); }
    } else if (m.direction === "in" && h && isMine(h)) {
      state.unread.set(id, (state.unread.get(id) || 0) + 1);
    }
    renderLists();
  }

  function onNote(id, note) {
    if (id !== state.selected) return;
    appendNote(note);
    addNoteToPanel(note);
  }

  function onTyping(msg) {
    if (msg.handoff_id !== state.selected || msg.who !== "customer") return;
    $("cust-typing").hidden = false;
    clearTimeout(custTypingTimer);
    custTypingTimer = setTimeout(hideCustTyping, 5000);
  }

  function hideCustTyping() { $("cust-typing").hidden = true; }

  // ---------------------------------------------------------------- context panel

  function renderContext(d) {
    var ctx = d.context;
    renderCustomer(ctx.customer || {}, ctx.tags || []);
    renderTier(d, ctx.tier_history || []);
    renderEmotion(ctx.emotion || {});
    renderSuggestions(ctx.suggestions || []);
    renderMatches(ctx.matches || []);
    renderDiagnosis(ctx.diagnosis || []);
    var notes = clear($("ctx-notes"));
    (d.notes || []).forEach(addNoteToPanel);
    if (!notes.childNodes.length) notes.appendChild(el("p", "muted", "暂无备注"));
  }

  function kv(pairs) {
    var dl = el("dl", "kv");
    pairs.forEach(function (p) {
      if (p[1] == null || p[1] === "") return;
      dl.appendChild(el("dt", null, p[0]));
      dl.appendChild(el("dd", null, String(p[1])));
    });
    return dl;
  }

  function renderCustomer(p, tags, target) {
    var box = clear(target || $("ctx-customer"));
    if (!p.identified) box.appendChild(el("p", "muted", "访客未绑定会员身份"));
    var levels = { normal: "普通会员", silver: "银卡会员", gold: "金卡会员", black: "黑钻会员" };
    var b = p.behaviour || {};
    box.appendChild(kv([
      ["称呼", p.honorific || p.name], ["会员", levels[p.member_level]], ["会员号", p.member_id],
      ["手机", p.phone_masked], ["企业", p.enterprise],
      ["近7天来访", b.contacts_7d != null ? b.contacts_7d + " 次" : null],
      ["历史转人工", b.handoffs != null ? b.handoffs + " 次" : null],
      ["投诉", b.complaints ? b.complaints + " 次" : null],
      ["未结工单", b.unresolved_tickets || null],
    ]));
    var devices = p.devices || [];
    if (devices.length) {
      var ul = el("ul", "mini");
      devices.forEach(function (dv) {
        ul.appendChild(el("li", null, dv.model + (dv.serial ? "（" + dv.serial + "）" : "") + (dv.warranty_until ? " · 保修至 " + dv.warranty_until : "")));
      });
      box.appendChild(ul);
    }
    var t = el("div");
    tags.forEach(function (x) { t.appendChild(tag(x)); });
    box.appendChild(t);
  }

  function renderTier(d, history) {
    var box = clear($("ctx-tier"));
    box.appendChild(kv([["原因", d.reason], ["摘要", d.summary], ["需要技能", (d.skill_names || []).join("、")], ["来源", { tree: "故障排查升级", request_human: "客户要求人工", tier: "分级策略" }[d.source] || d.source]]));
    if (history.length) {
      var ul = el("ul", "mini");
      history.forEach(function (r) { ul.appendChild(el("li", null, "第" + r.tier + "级 · " + r.reason)); });
      box.appendChild(ul);
    }
  }

  function renderEmotion(e) {
    var box = clear($("ctx-emotion"));
    var pts = e.trajectory || [];
    if (!pts.length) { box.appendChild(el("p", "muted", "暂无客户消息")); return; }
    var w = 300, h = 48;
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("class", "spark");
    var step = pts.length > 1 ? w / (pts.length - 1) : 0;
    var d = pts.map(function (p, i) { return (i ? "L" : "M") + (i * step).toFixed(1) + " " + (h - 4 - p.negative * (h - 8)).toFixed(1); }).join(" ");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", d);
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", e.trough ? "#e5484d" : "#3c4fe0");
    path.setAttribute("stroke-width", "2");
    svg.appendChild(path);
    box.appendChild(svg);
    var last = pts[pts.length - 1];
    var line = el("p", "muted", "最新负面情绪 " + last.negative.toFixed(2) + "（0 平静 – 1 愤怒）");
    box.appendChild(line);
    if (e.trough) box.appendChild(tag("情绪低谷：" + e.trough.label, "tag--flag"));
  }

  function renderSuggestions(list) {
    var box = clear($("ctx-suggest"));
    if (!list.length) { box.appendChild(el("p", "muted", "暂无推荐，可在上方搜索知识库")); return; }
    list.forEach(function (s) {
      var card = el("div", "sugg");
      var title = el("div", "sugg__title", s.title);
      title.appendChild(el("span", "sugg__score", "匹配度 " + Number(s.score).toFixed(2)));
      card.appendChild(title);
      card.appendChild(el("div", "sugg__answer", s.answer || ""));
      var bar = el("div", "sugg__bar");
      var ins = el("button", "btn btn--small", "插入");
      ins.type = "button";
      ins.setAttribute("data-insert", s.id);
      ins.addEventListener("click", function () { insertText(s.answer || ""); });
      bar.appendChild(ins);
      (s.links || []).forEach(function (l) {
        var lb = el("button", "btn btn--small", "发送链接：" + l.title);
        lb.type = "button";
        lb.addEventListener("click", function () { sendLink(l.title, l.url); });
        bar.appendChild(lb);
      });
      card.appendChild(bar);
      box.appendChild(card);
    });
  }

  function renderMatches(matches) {
    var box = clear($("ctx-matches"));
    if (!matches.length) return;
    var ul = el("ul", "mini");
    matches.forEach(function (m) {
      var top = (m.candidates || []).slice(0, 3).map(function (c) { return c.title + " " + Number(c.score).toFixed(2); }).join("；");
      var verdict = { answer: "已回答", clarify: "请客户确认", none: "未匹配" }[m.decision] || m.decision || "";
      ul.appendChild(el("li", null, "「" + (m.query || "") + "」→ " + verdict + (top ? "：" + top : "")));
    });
    box.appendChild(ul);
  }

  function renderDiagnosis(sessions) {
    var box = clear($("ctx-diagnosis"));
    sessions.forEach(function (s) {
      var status = { active: "进行中", paused: "暂停", solved: "已解决", escalated: "已升级人工" }[s.status] || s.status;
      box.appendChild(el("div", null, "故障排查：" + s.tree + "（" + status + "）"));
      var ul = el("ul", "mini");
      (s.path || []).forEach(function (r) {
        if (r.kind === "enter") return;
        var detail = r.answer || r.summary || r.text || "";
        ul.appendChild(el("li", null, r.node + " · " + r.kind + (detail ? "：" + detail : "")));
      });
      box.appendChild(ul);
    });
  }

  function addNoteToPanel(n) {
    var box = $("ctx-notes");
    var empty = box.querySelector(".muted");
    if (empty) empty.remove();
    var div = el("div", "note");
    div.appendChild(el("div", "note__who", (n.name || n.by) + " · " + clock(n.at)));
    div.appendChild(el("div", null, n.text || n.note || ""));
    box.appendChild(div);
  }

  function refreshSuggestions(id) {
    api("GET", "/api/handoffs/" + id + "/suggestions").then(function (list) {
      if (state.selected === id) renderSuggestions(list);
    }).catch(function () { /* keep the old ones */ });
  }

  /** On each customer message: new suggestions, emotion, tier history (the transcript stays). */
  function refreshContext(id) {
    api("GET", "/api/handoffs/" + id).then(function (d) {
      if (state.selected !== id) return;
      renderContext(d);
      d.context.transcript.forEach(appendMessage);
    }).catch(function () { /* keep what is shown */ });
  }

  $("kb-search").addEventListener("submit", function (e) {
    e.preventDefault();
    var q = $("kb-q").value.trim();
    if (!q) { if (state.selected) refreshSuggestions(state.selected); return; }
    var path = "/api/agent/search?q=" + encodeURIComponent(q) + (state.selected ? "&handoff_id=" + state.selected : "");
    api("GET", path).then(renderSuggestions).catch(function (ex) { flash(ex.message); });
  });

  function insertText(text) {
    var box = $("reply");
    setMode("reply");
    box.value = box.value ? box.value.replace(/\s*$/, "\n") + text : text;
    box.focus();
  }

  // ---------------------------------------------------------------- composing

  function mode() { return document.querySelector('input[name="mode"]:checked').value; }
  function setMode(m) {
    document.querySelector('input[name="mode"][value="' + m + '"]').checked = true;
    $("composer").classList.toggle("is-note", m === "note");
  }
  document.querySelectorAll('input[name="mode"]').forEach(function (r) {
    r.addEventListener("change", function () { setMode(mode()); });
  });

  function submit() {
    var id = state.selected;
    var text = $("reply").value.trim();
    if (!id || !text) return;
    var path = "/api/handoffs/" + id + (mode() === "note" ? "/notes" : "/messages");
    $("btn-send").disabled = true;
    api("POST", path, { text: text }).then(function (d) {
      // Clear only what was sent: a suggestion inserted meanwhile must not be lost.
      if ($("reply").value.trim() === text) $("reply").value = "";
      stopTyping();
      if (state.selected === id) d.context.transcript.forEach(appendMessage);
    }).catch(function (ex) { flash(ex.message); }).then(function () { $("btn-send").disabled = false; });
  }

  $("btn-send").addEventListener("click", submit);
  $("reply").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) { e.preventDefault(); submit(); }
  });
  $("reply").addEventListener("input", function () {
    if (mode() !== "reply" || !state.selected) return;
    if (Date.now() - typingSentAt > 2000) {
      send({ type: "typing", handoff_id: state.selected, on: true });
      typingSentAt = Date.now();
    }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(stopTyping, 4000);
  });

  function stopTyping() {
    clearTimeout(typingTimer);
    if (typingSentAt && state.selected) send({ type: "typing", handoff_id: state.selected, on: false });
    typingSentAt = 0;
  }

  function sendLink(title, url) {
    var id = state.selected;
    return api("POST", "/api/handoffs/" + id + "/messages", { text: "", link: { title: title, url: url } })
      .then(function (d) { if (state.selected === id) d.context.transcript.forEach(appendMessage); })
      .catch(function (ex) { flash(ex.message); });
  }

  $("btn-link").addEventListener("click", function () {
    $("link-error").hidden = true;
    $("link-dialog").showModal();
  });
  $("link-ok").addEventListener("click", function (e) {
    e.preventDefault();
    var title = $("link-title").value.trim();
    var url = safeUrl($("link-url").value.trim());
    if (!title || !url) { $("link-error").textContent = "请填写标题和 http(s) 链接"; $("link-error").hidden = false; return; }
    sendLink(title, url).then(function () { $("link-dialog").close(); $("link-title").value = ""; $("link-url").value = ""; });
  });

  // ---------------------------------------------------------------- actions

  function act(action, body, confirmText) {
    var id = state.selected;
    if (!id || (confirmText && !window.confirm(confirmText))) return Promise.resolve();
    return api("POST", "/api/handoffs/" + id + "/" + action, body).then(function (d) {
      state.handoffs.set(id, stripDetail(d));
      renderLists();
      if (state.selected === id) {
        renderHead(d);
        d.context.transcript.forEach(appendMessage);
        if (action === "accept" || action === "takeover") { setMode("reply"); $("reply").focus(); }
      }
    }).catch(function (ex) { flash(ex.message); });
  }

  $("btn-accept").addEventListener("click", function () { act("accept"); });
  $("btn-takeover").addEventListener("click", function () { act("takeover", undefined, "确定接管这个会话吗？原工程师将不再负责。"); });
  $("btn-return").addEventListener("click", function () { act("return", undefined, "确定把会话转回机器人吗？"); });
  $("btn-close").addEventListener("click", function () { act("close"); });

  $("btn-transfer").addEventListener("click", function () {
    var q = clear($("transfer-queue"));
    q.appendChild(new Option("（不转队列）", ""));
    Object.keys(state.skills).forEach(function (k) { q.appendChild(new Option(state.skills[k], k)); });
    var a = clear($("transfer-agent"));
    a.appendChild(new Option("（不指定）", ""));
    ((state.overview && state.overview.agents) || []).forEach(function (x) {
      if (state.me && x.username === state.me.username) return;
      a.appendChild(new Option(x.name + (x.online ? "（在线 " + x.load + "/" + x.capacity + "）" : "（离线）"), x.username));
    });
    $("transfer-error").hidden = true;
    $("transfer-dialog").showModal();
  });
  $("transfer-ok").addEventListener("click", function (e) {
    e.preventDefault();
    var queue = $("transfer-queue").value || null;
    var agent = $("transfer-agent").value || null;
    if (!queue === !agent) { $("transfer-error").textContent = "请选择一个队列或一位工程师"; $("transfer-error").hidden = false; return; }
    act("transfer", { queue: queue, agent: agent, note: $("transfer-note").value.trim() }).then(function () {
      $("transfer-dialog").close();
      $("transfer-note").value = "";
    });
  });

  $("status").addEventListener("change", function () {
    api("PUT", "/api/agent/status", { status: $("status").value }).catch(function (ex) { flash(ex.message); });
  });

  // ---------------------------------------------------------------- tickets

  function loadTickets() {
    if (!auth) return;
    api("GET", "/api/tickets").then(function (list) {
      state.tickets = list;
      var open = list.filter(function (t) { return t.status !== "closed"; });
      $("count-tickets").textContent = String(open.length);
      var ul = clear($("list-tickets"));
      if (!list.length) { ul.appendChild(el("li", "list__empty", "暂无工单")); return; }
      list.slice(0, 200).forEach(function (t) {
        var li = el("li", "item" + (t.id === state.ticket ? " is-selected" : ""));
        li.setAttribute("data-ticket", String(t.id));
        var top = el("div", "item__top");
        top.appendChild(el("span", "item__name", t.number));
        top.appendChild(el("span", "item__wait", { open: "待处理", assigned: "处理中", closed: "已答复" }[t.status] || t.status));
        li.appendChild(top);
        var tags = el("div", "item__tags");
        if (t.why) tags.appendChild(tag(WHY[t.why] || t.why));
        if (t.assignee) tags.appendChild(tag("负责：" + t.assignee));
        if (t.due_at && t.status !== "closed") tags.appendChild(tag("承诺 " + new Date(t.due_at).toLocaleString("zh-CN", { hour12: false }), "tag--p3"));
        li.appendChild(tags);
        li.appendChild(el("div", "item__line", t.summary));
        li.addEventListener("click", function () { openTicket(t.id); });
        ul.appendChild(li);
      });
    }).catch(function () { /* shown on the next try */ });
  }

  function openTicket(id) {
    state.ticket = id;
    state.selected = null;
    api("GET", "/api/tickets/" + id).then(function (t) {
      $("empty").hidden = true;
      $("conv").hidden = true;
      $("context").hidden = true;
      var box = clear($("ticket"));
      box.hidden = false;
      box.appendChild(el("h2", null, "工单 " + t.number));
      var meta = el("div");
      meta.appendChild(tag(CHANNELS[t.channel] || t.channel));
      if (t.why) meta.appendChild(tag(WHY[t.why] || t.why));
      meta.appendChild(tag({ open: "待处理", assigned: "处理中", closed: "已答复" }[t.status] || t.status));
      if (t.assignee) meta.appendChild(tag("负责：" + t.assignee));
      box.appendChild(meta);
      box.appendChild(el("p", null, t.summary));
      var pack = (t.context && t.context.package) || {};
      if (pack.customer) {
        var who = el("div");
        box.appendChild(who);
        renderCustomer(pack.customer, pack.tags || [], who);
      }
      var ol = el("ol", "transcript");
      box.appendChild(ol);
      (pack.transcript || []).forEach(function (m) {
        var li = el("li", "line line--" + m.role);
        var body = el("div", "line__body");
        body.appendChild(el("div", "line__who", (m.role === "agent" ? "工程师" : ROLE_WHO[m.role] || m.role) + " · " + clock(m.at)));
        body.appendChild(el("div", "line__text", m.text || ""));
        li.appendChild(body);
        ol.appendChild(li);
      });
      if (t.status === "closed") {
        box.appendChild(el("p", null, "答复：" + (t.answer || "")));
        return;
      }
      var answer = el("textarea");
      answer.id = "ticket-answer";
      answer.rows = 4;
      answer.placeholder = "写给客户的答复，会通过客户来访的渠道送达";
      box.appendChild(answer);
      var bar = el("div", "ticket__bar");
      var take = el("button", "btn", "认领");
      take.type = "button";
      take.addEventListener("click", function () {
        api("POST", "/api/tickets/" + id + "/assign", {}).then(function () { loadTickets(); openTicket(id); }).catch(function (ex) { window.alert(ex.message); });
      });
      var closeBtn = el("button", "btn btn--primary", "答复并关闭");
      closeBtn.type = "button";
      closeBtn.id = "ticket-close";
      closeBtn.addEventListener("click", function () {
        var text = answer.value.trim();
        if (!text) { answer.focus(); return; }
        api("POST", "/api/tickets/" + id + "/close", { answer: text }).then(function () { loadTickets(); openTicket(id); }).catch(function (ex) { window.alert(ex.message); });
      });
      bar.appendChild(take);
      bar.appendChild(closeBtn);
      box.appendChild(bar);
    }).catch(function (ex) { window.alert(ex.message); });
  }

  // ---------------------------------------------------------------- monitor (supervisors)

  function renderMonitor() {
    var box = $("monitor");
    var o = state.overview;
    if (!o || auth.role === "agent") return;
    clear(box);
    box.appendChild(el("h4", null, "队列"));
    var qt = el("table", "grid");
    qt.appendChild(row(["队列", "排队", "待接入", "服务中", "最长等待"], "th"));
    (o.queues || []).forEach(function (q) { qt.appendChild(row([q.name, q.queued || 0, q.offered || 0, q.active || 0, q.longest_wait_s ? Math.ceil(q.longest_wait_s / 60) + " 分钟" : "-"])); });
    if (!(o.queues || []).length) qt.appendChild(row(["暂无排队", "", "", "", ""]));
    box.appendChild(qt);
    box.appendChild(el("h4", null, "工程师"));
    var at = el("table", "grid");
    at.appendChild(row(["工程师", "状态", "接待", "技能"], "th"));
    (o.agents || []).forEach(function (a) {
      var st = a.online ? ({ online: "在线", busy: "忙碌", away: "离开" }[a.status] || a.status) : "离线";
      at.appendChild(row([a.name, st, a.load + "/" + a.capacity, a.skills.map(function (s) { return state.skills[s] || s; }).join("、")]));
    });
    box.appendChild(at);
    box.appendChild(el("h4", null, "情绪预警"));
    var flagged = o.flagged || [];
    if (!flagged.length) box.appendChild(el("p", "muted", "暂无情绪低谷的会话"));
    flagged.forEach(function (h) {
      var div = el("div", "item");
      div.setAttribute("data-flagged", String(h.id));
      div.appendChild(el("div", "item__name", h.customer));
      var tags = el("div", "item__tags");
      tags.appendChild(tag(h.flag, "tag--flag"));
      tags.appendChild(tag(STATUS_NAMES[h.status] || h.status));
      if (h.agent_name) tags.appendChild(tag(h.agent_name));
      div.appendChild(tags);
      div.addEventListener("click", function () { openHandoff(h.id); });
      box.appendChild(div);
    });
    box.appendChild(el("p", "muted", "满意度：" + (o.ratings.count ? o.ratings.average + " 分（" + o.ratings.count + " 条评价）" : "暂无评价") + " · 未结工单 " + o.tickets_open));
  }

  function row(cells, kind) {
    var tr = el("tr");
    cells.forEach(function (c) { tr.appendChild(el(kind || "td", null, String(c))); });
    return tr;
  }

  window.kefuAgent = { state: state };

  if (auth && auth.token) start();
  else showLogin();
})();
