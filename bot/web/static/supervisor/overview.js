// @ts-check
/** The overview tab: headline figures, "what changed", charts, engineers, diagnosis funnel. */
import { byId } from "../lib/dom.js";
import { html, nothing, show } from "../lib/html.js";
import { drawAll, drawTree } from "./charts.js";
import { openDrill } from "./drill.js";
import { CHANNELS, METRICS, pct, score, secs } from "./state.js";

/**
 * A headline card; a click lists the conversations it counts.
 * @param {string} name
 * @param {string} value
 * @param {string} sub
 * @param {string} metric
 * @param {boolean} [bad]
 */
function kpi(name, value, sub, metric, bad = false) {
  return html`<button type="button" class=${`kpi${bad ? " kpi--bad" : ""}`} data-metric=${metric}
    @click=${() => openDrill(METRICS[metric], { metric })}>
    <div class="kpi__name">${name}</div><div class="kpi__value">${value}</div><div class="kpi__sub">${sub}</div>
  </button>`;
}

/** @param {any} r a release */
function change(r) {
  const b = r.before || {};
  const a = r.after || {};
  return html`<li>版本 ${r.version}（${r.day}，${r.author}${r.note ? `：${r.note}` : ""}）改动 ${r.question_count} 个标准问${
    r.question_count
      ? html`：直接回答 ${pct(b.coverage)} → ${pct(a.coverage)}，转人工 ${pct(b.transfer_rate)} → ${pct(a.transfer_rate)}
          <span class="muted">（前后各 7 天，${b.turns || 0} / ${a.turns || 0} 次提问）</span>`
      : nothing
  }</li>`;
}

/** @param {any} d the dashboard */
export function renderOverview(d) {
  const s = d.summary;
  const c = s.counts;
  const slBad = s.service_level !== null && s.service_level < s.service_level_target;
  show(
    html`<div class="kpis" id="kpis">
        ${kpi("会话量", String(s.conversations), `其中投诉 ${c.complaints}`, "all")}
        ${kpi("自助解决率", pct(s.self_service_rate), `${c.self_service} 个会话 · ${s.recontact_hours} 小时内未再联系`, "self_service")}
        ${kpi("转人工率", pct(s.transfer_rate), `${c.transferred} 个会话`, "transferred")}
        ${kpi("识别覆盖", pct(s.coverage.answered), `澄清 ${pct(s.coverage.clarified)} · 未匹配 ${pct(s.coverage.none)} · 澄清成功 ${pct(s.coverage.clarify_success)}`, "unmatched")}
        ${kpi("首次解决率", pct(s.fcr), `${c.fcr} 个会话`, "fcr")}
        ${kpi("满意度", s.csat === null ? "—" : `${score(s.csat)} 分`, `${s.ratings} 条评价 · 满意 ${pct(s.satisfied_rate)}`, "rated")}
        ${kpi("平均等待", secs(s.avg_wait_s), `服务水平 ${s.service_level_s} 秒内 ${pct(s.service_level)}（目标 ${pct(s.service_level_target)}）`, "waited", slBad)}
      </div>
      ${s.pending_recontact
        ? html`<p class="muted">注：${s.pending_recontact} 个会话结束不足 ${s.recontact_hours} 小时，自助解决与首次解决仍可能变化。</p>`
        : nothing}
      <div class="changes" id="changes"><b>变化</b>
        ${d.releases.length
          ? html`<ul>${d.releases.map(change)}</ul>`
          : html`<span class="muted">所选时间内没有发布知识库新版本。</span>`}
      </div>
      <div class="grid">
        <div class="panel panel--wide"><h3>趋势</h3><p class="panel__hint">虚线为知识库发布；点击柱或点查看对应会话</p><div class="chart" id="chart-trend"></div></div>
        <div class="panel"><h3>识别覆盖</h3><div class="chart" id="chart-coverage"></div></div>
        <div class="panel"><h3>分级占比</h3><div class="chart" id="chart-tier"></div></div>
        <div class="panel"><h3>队列等待与服务水平</h3><div class="chart" id="chart-queue"></div></div>
        <div class="panel"><h3>渠道</h3><div class="chart" id="chart-channel"></div></div>
        <div class="panel"><h3>满意度 · 按工程师</h3><div class="chart" id="chart-csat-agent"></div></div>
        <div class="panel"><h3>满意度 · 按队列</h3><div class="chart" id="chart-csat-queue"></div></div>
        <div class="panel"><h3>满意度 · 按分级</h3><div class="chart" id="chart-csat-tier"></div></div>
        <div class="panel"><h3>按时段</h3><div class="chart" id="chart-hours"></div></div>
        <div class="panel panel--wide"><h3>工程师</h3>${engineers(d.engineers)}</div>
        <div class="panel panel--wide"><h3>诊断漏斗</h3>${funnel(d.funnel)}<div class="chart chart--tall" id="chart-tree" ?hidden=${!d.funnel.length}></div></div>
        <div class="panel panel--wide"><h3>情绪告警</h3>${emotion(d.emotion_alerts)}</div>
      </div>`,
    byId("pane-overview"),
  );
  drawAll(d);
  if (d.funnel.length) drawTree(d.funnel[0]);
}

/** @param {any[]} rows */
function engineers(rows) {
  if (!rows.length) return html`<p class="muted">所选范围内没有人工接待。</p>`;
  return html`<table class="data" id="engineers">
    <thead><tr><th>工程师</th><th class="num">接待</th><th class="num">平均首响</th><th class="num">平均处理时长</th><th class="num">满意度</th><th class="num">评价数</th></tr></thead>
    <tbody>${rows.map(
      (e) => html`<tr class="is-click" @click=${() => openDrill(`工程师 ${e.agent}`, { agent: e.agent })}>
        <td>${e.agent}</td><td class="num">${e.handled}</td><td class="num">${secs(e.first_response_s)}</td>
        <td class="num">${secs(e.handle_s)}</td><td class="num">${score(e.csat)}</td><td class="num">${e.ratings}</td></tr>`,
    )}</tbody></table>`;
}

/** @param {any[]} trees */
function funnel(trees) {
  if (!trees.length) return html`<p class="muted">所选范围内没有诊断。</p>`;
  return html`<table class="data" id="funnel">
    <thead><tr><th>诊断树</th><th class="num">进入</th><th class="num">解决</th><th class="num">升级人工</th><th class="num">放弃</th></tr></thead>
    <tbody>${trees.map(
      (t) => html`<tr class="is-click" @click=${() => drawTree(t)}>
        <td>${t.tree}</td><td class="num">${t.entered}</td><td class="num">${t.solved || 0}</td>
        <td class="num">${t.escalated || 0}</td><td class="num">${t.abandoned || 0}</td></tr>`,
    )}</tbody></table><p class="panel__hint">点击一棵树查看各节点；点击节点的柱查看对应会话</p>`;
}

/** @param {any[]} alerts */
function emotion(alerts) {
  if (!alerts.length) return html`<p class="muted">暂无情绪告警。</p>`;
  return html`<table class="data"><thead><tr><th>时间</th><th>渠道</th><th>客户原话</th><th class="num">负面程度</th></tr></thead>
    <tbody>${alerts.map(
      (a) => html`<tr><td>${new Date(a.first_at).toLocaleString("zh-CN", { hour12: false })}</td>
        <td>${CHANNELS[a.channel] || a.channel}</td><td>${a.text}</td><td class="num">${(a.detail.negative ?? 0).toFixed(2)}</td></tr>`,
    )}</tbody></table>`;
}
