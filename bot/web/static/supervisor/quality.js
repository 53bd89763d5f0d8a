// @ts-check
/** Hot issues, alerts, work orders and the quality rules. */
import { byId } from "../lib/dom.js";
import { html, nothing, show } from "../lib/html.js";
import { CAUSES, CHANNELS, SEVERITIES, SOURCES, STATUSES, api, pct, query, state } from "./state.js";

/** @param {string | null | undefined} iso */
const when = (iso) => (iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : "—");

/** @param {Record<string, number>} split */
const channels = (split) => Object.entries(split || {}).map(([k, v]) => `${CHANNELS[k] || k} ${v}`).join("，");

/** @param {{word: string, count: number}[]} words */
const topWords = (words) => (words || []).map((w) => html`<span class="tag">${w.word} ${w.count}</span>`);

// -- hot issues ---------------------------------------------------------------------------------

export async function loadHot() {
  const [spikes, spots] = await Promise.all([
    api.call("GET", "/api/alerts?kind=spike&limit=50"),
    api.call("GET", `/api/analytics/hotspots?${query(state.filters)}`),
  ]);
  show(
    html`<div class="grid">
      <div class="panel" id="spikes"><h3>突增告警</h3>
        <p class="panel__hint">与前几周同一时段相比：至少 8 次、达到往常 2 倍且统计上显著（泊松检验 p 值低于千分之一）</p>
        ${spikes.length ? spikes.map(spike) : html`<p class="muted">暂无突增。</p>`}</div>
      <div class="panel" id="hotspots"><h3>投诉热点</h3>
        <p class="panel__hint">投诉与五级会话按主题归并，与上一等长时段比较</p>
        ${spots.length ? spots.map(spot) : html`<p class="muted">所选范围内没有投诉。</p>`}</div>
    </div>`,
    byId("pane-hot"),
  );
}

/** @param {any} a a spike alert */
function spike(a) {
  const d = a.detail;
  return html`<div class="alert">
    <div class="alert__head"><b>${a.title}</b><span class="tag tag--danger">${d.count} 次</span>
      <span class="muted">往常 ${d.expected}（前几周 ${d.baseline.join(" / ")}）· ${when(a.first_at)} 起</span></div>
    <div class="alert__text">渠道：${channels(d.channels)}　高频词：${topWords(d.words)}</div>
    <ul class="examples">${d.examples.map((/** @type {any} */ e) => html`<li>${e.text || "—"}</li>`)}</ul>
    <div class="alert__bar">${orderButton(a)}</div></div>`;
}

/** @param {any} h a hot spot */
function spot(h) {
  const arrow = h.trend > 0 ? `↑${h.trend}` : h.trend < 0 ? `↓${-h.trend}` : "持平";
  return html`<div class="alert">
    <div class="alert__head"><b>${h.subject}</b><span class="tag tag--warn">${h.count} 个会话</span>
      <span class="muted">上期 ${h.previous}，${arrow} · ${channels(h.channels)}</span></div>
    <div class="alert__text">${topWords(h.words)}</div>
    <ul class="examples">${h.examples.slice(0, 3).map((/** @type {any} */ e) => html`<li>${e.text || "—"}</li>`)}</ul>
    <div class="alert__bar"><button type="button" class="btn btn--small" @click=${() => newOrder(`投诉热点「${h.subject}」：${h.count} 个会话，请相关团队改进流程`, "hotspot")}>生成工单</button></div></div>`;
}

/** @param {string} summary @param {string} source */
async function newOrder(summary, source) {
  await api.call("POST", "/api/workorders", { summary, source, severity: "normal" });
  flash("已生成工单");
}

/** @param {any} a */
function orderButton(a) {
  if (a.workorder_id) return html`<span class="tag">工单 #${a.workorder_id}</span>`;
  return html`<button type="button" class="btn btn--small" @click=${async () => {
    await api.call("POST", `/api/alerts/${a.id}/workorder`);
    flash("已生成工单");
    await loadAlerts();
  }}>生成工单</button>`;
}

// -- alerts and work orders -----------------------------------------------------------------

export async function loadAlerts() {
  const [alerts, orders, rules] = await Promise.all([
    api.call("GET", "/api/alerts?limit=100"),
    api.call("GET", "/api/workorders?limit=200"),
    api.call("GET", "/api/quality/rules"),
  ]);
  const open = orders.filter((/** @type {any} */ o) => o.status !== "closed");
  byId("count-orders").textContent = open.length ? String(open.length) : "";
  show(
    html`<div class="grid">
      <div class="panel panel--wide" id="orders"><h3>工单</h3>${orderTable(orders)}</div>
      <div class="panel" id="alerts"><h3>告警</h3>${alerts.length ? alerts.map(alertItem) : html`<p class="muted">暂无告警。</p>`}</div>
      <div class="panel" id="precision"><h3>规则准确率</h3>
        <p class="panel__hint">准确率 = 复核属实 ÷（属实 + 误报）</p>${precisionTable(rules.precision)}</div>
    </div>`,
    byId("pane-alerts"),
  );
}

/** @param {any} a */
function alertItem(a) {
  const sev = SEVERITIES[a.severity] || a.severity;
  return html`<div class="alert" data-alert=${a.id}>
    <div class="alert__head"><b>${a.title}</b><span class=${`tag${a.severity === "critical" || a.severity === "high" ? " tag--danger" : ""}`}>${sev}</span>
      <span class="muted">${when(a.last_at)} · ${CHANNELS[a.channel] || a.channel || ""}${a.role === "agent" ? " · 工程师" : ""}</span>
      ${a.review ? html`<span class="tag ${a.review === "confirmed" ? "tag--ok" : "tag--warn"}">${a.review === "confirmed" ? "属实" : "误报"}</span>` : nothing}</div>
    ${a.text ? html`<div class="alert__text">${a.text}</div>` : nothing}
    <div class="alert__bar">
      ${a.review ? nothing : html`<button type="button" class="btn btn--small" @click=${() => review(a.id, "confirmed")}>属实</button>
        <button type="button" class="btn btn--small btn--danger" @click=${() => review(a.id, "false_alarm")}>误报</button>`}
      ${orderButton(a)}
    </div></div>`;
}

/** @param {number} id @param {string} verdict */
async function review(id, verdict) {
  await api.call("POST", `/api/alerts/${id}/review`, { verdict });
  await loadAlerts();
}

/** @param {any[]} rows */
function precisionTable(rows) {
  if (!rows.length) return html`<p class="muted">暂无命中。</p>`;
  return html`<table class="data"><thead><tr><th>规则</th><th class="num">命中</th><th class="num">属实</th><th class="num">误报</th><th class="num">准确率</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${r.name}</td><td class="num">${r.hits}</td><td class="num">${r.confirmed}</td>
      <td class="num">${r.false_alarm}</td><td class="num">${pct(r.precision)}</td></tr>`)}</tbody></table>`;
}

/** @param {any[]} orders */
function orderTable(orders) {
  if (!orders.length) return html`<p class="muted">暂无工单。</p>`;
  return html`<table class="data"><thead><tr><th>编号</th><th>来源</th><th>级别</th><th>内容</th><th>负责人</th><th>截止</th><th>状态</th><th>操作</th></tr></thead>
    <tbody>${orders.map(
      (o) => html`<tr data-order=${o.id}><td>${o.number}</td><td>${SOURCES[o.source] || o.source}</td>
        <td>${SEVERITIES[o.severity] || o.severity}</td><td>${o.summary}</td><td>${o.owner || "—"}</td>
        <td>${when(o.due_at)} ${o.overdue ? html`<span class="tag tag--danger">已超时</span>` : o.reminded >= 50 ? html`<span class="tag tag--warn">过半</span>` : nothing}</td>
        <td>${STATUSES[o.status] || o.status}${o.closing_cause ? `（${CAUSES[o.closing_cause] || o.closing_cause}）` : ""}</td>
        <td>${o.status === "closed"
          ? html`<button type="button" class="btn btn--small" @click=${() => act(o.id, "reopen")}>重新打开</button>`
          : html`<button type="button" class="btn btn--small" @click=${() => assign(o.id)}>指派</button>
            ${o.status !== "processing" ? html`<button type="button" class="btn btn--small" @click=${() => act(o.id, "start")}>开始处理</button>` : nothing}
            <button type="button" class="btn btn--small" @click=${() => noteOn(o.id)}>备注</button>
            <button type="button" class="btn btn--small" @click=${() => closeOrder(o.id)}>关闭</button>`}</td></tr>`,
    )}</tbody></table>`;
}

/** @param {number} id @param {string} action @param {object} [body] */
async function act(id, action, body) {
  try {
    await api.call("POST", `/api/workorders/${id}/${action}`, body || {});
  } catch (err) {
    flash(/** @type {Error} */ (err).message);
  }
  await loadAlerts();
}

/** @param {number} id */
function assign(id) {
  const owner = prompt("指派给（账号，如 agent1；或 queue:队列）");
  if (owner) act(id, "assign", { owner: owner.trim() });
}

/** @param {number} id */
function noteOn(id) {
  const text = prompt("备注");
  if (text) act(id, "note", { text });
}

/** @param {number} id */
function closeOrder(id) {
  const choices = Object.entries(CAUSES).map(([k, v], i) => `${i + 1}. ${v}`).join("\n");
  const pick = prompt(`关闭原因（填序号）：\n${choices}`, "1");
  const cause = Object.keys(CAUSES)[Number(pick) - 1];
  if (cause) act(id, "close", { cause });
}

// -- rules ----------------------------------------------------------------------------------

export async function loadRules() {
  const rules = await api.call("GET", "/api/quality/rules");
  renderRules(rules.text, "", "");
}

/** @param {string} text @param {string} error @param {string} ok */
function renderRules(text, error, ok) {
  show(
    html`<div class="panel rules"><h3 id="rules-title">质检规则</h3>
      <p class="panel__hint" id="rules-hint">knowledge/quality_rules.yml：风险词、安全词、竞品、工程师不文明用语与情绪低谷；保存前会检查格式</p>
      <textarea id="rules-text" spellcheck="false" aria-labelledby="rules-title" aria-describedby="rules-hint"
        .value=${text}></textarea>
      <p><button type="button" class="btn btn--primary" id="rules-save" @click=${saveRules}>保存</button></p>
      ${error ? html`<p class="form-error" id="rules-error" role="alert">${error}</p>` : nothing}
      ${ok ? html`<p class="form-ok" id="rules-ok">${ok}</p>` : nothing}</div>`,
    byId("pane-rules"),
  );
}

async function saveRules() {
  const text = byId("rules-text", HTMLTextAreaElement).value;
  try {
    const saved = await api.call("PUT", "/api/quality/rules", { text });
    renderRules(saved.text, "", `已保存，${saved.rules.length} 条规则生效。`);
  } catch (err) {
    renderRules(text, /** @type {Error} */ (err).message, "");
  }
}

/** A short message in the filter bar. @param {string} text */
export function flash(text) {
  byId("status").textContent = text;
  setTimeout(() => {
    if (byId("status").textContent === text) byId("status").textContent = "";
  }, 4000);
}
