// @ts-check
/**
 * The overview's charts (Apache ECharts, vendored). Every point opens the drill-down of the
 * conversations behind it; the count a point shows is the count the drill-down lists.
 */
import * as echarts from "../vendor/echarts/echarts.esm.min.js";
import { openDrill } from "./drill.js";
import { CHANNELS, METRICS, TIERS, queueName } from "./state.js";

/** @typedef {import("../vendor/echarts/echarts.esm.min.js").EChartsClickParams} ClickParams */
/** @typedef {import("./state.js").DrillValues} DrillValues */

const COLORS = ["#3c4fe0", "#0f9d8a", "#e5484d", "#b4690e", "#6d4ce6", "#1a9d55", "#86909c"];

/**
 * Draw (or redraw) a chart in the element with this id; a click drills down.
 * @param {string} id
 * @param {Record<string, unknown>} option
 * @param {(p: ClickParams) => [string, DrillValues] | null} onPoint what a clicked point shows
 */
function draw(id, option, onPoint) {
  const dom = document.getElementById(id);
  if (!dom) return;
  const chart = echarts.getInstanceByDom(dom) || echarts.init(dom);
  chart.setOption({ color: COLORS, animation: false, ...option }, true);
  chart.off("click");
  chart.on("click", (p) => {
    const target = onPoint(p);
    if (target) openDrill(target[0], target[1]);
  });
}

/** Resize every chart to its box (window resized, tab shown). */
export function resizeAll() {
  for (const dom of document.querySelectorAll(".chart")) {
    echarts.getInstanceByDom(/** @type {HTMLElement} */ (dom))?.resize();
  }
}

const TREND_SERIES = [
  ["自助解决率", "self_service_rate", "self_service"],
  ["转人工率", "transfer_rate", "transferred"],
  ["首次解决率", "fcr", "fcr"],
];

/** @param {any} d the dashboard */
export function drawAll(d) {
  const days = d.trend.map((/** @type {any} */ t) => t.day);
  const marks = d.releases.map((/** @type {any} */ r) => ({ xAxis: r.day, label: { formatter: `版本 ${r.version}` } }));
  draw(
    "chart-trend",
    {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: days },
      yAxis: [
        { type: "value", name: "会话", minInterval: 1 },
        { type: "value", min: 0, max: 1, axisLabel: { formatter: (/** @type {number} */ v) => `${v * 100}%` } },
      ],
      series: [
        {
          name: "会话量",
          type: "bar",
          data: d.trend.map((/** @type {any} */ t) => t.conversations),
          markLine: { symbol: "none", lineStyle: { color: "#6d4ce6", type: "dashed" }, data: marks },
        },
        ...TREND_SERIES.map(([name, key]) => ({
          name,
          type: "line",
          yAxisIndex: 1,
          data: d.trend.map((/** @type {any} */ t) => t[key]),
        })),
      ],
    },
    (p) => {
      if (p.componentType !== "series") return null;
      const found = TREND_SERIES.find(([name]) => name === p.seriesName);
      const metric = found ? found[2] : "all";
      return [`${METRICS[metric]} · ${p.name}`, { metric, day: p.name }];
    },
  );
  const c = d.summary.counts;
  const cov = [
    ["含直接回答", "answered", c.answered],
    ["含澄清追问", "clarified", c.clarified],
    ["含未匹配", "unmatched", c.unmatched],
  ];
  draw(
    "chart-coverage",
    {
      tooltip: {},
      grid: { left: 90, right: 24, top: 10, bottom: 24 },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: cov.map((x) => x[0]) },
      series: [{ type: "bar", data: cov.map((x) => x[2]), label: { show: true, position: "right" } }],
    },
    (p) => [METRICS[String(cov[p.dataIndex][1])], { metric: String(cov[p.dataIndex][1]) }],
  );
  pie("chart-tier", d.breakdowns.tier, (k) => TIERS[k] || k, (k) => ({ by_tier: Number(k) }), "分级");
  pie("chart-channel", d.breakdowns.channel, (k) => CHANNELS[k] || k, (k) => ({ by_channel: k }), "渠道");
  const queues = d.breakdowns.queue;
  draw(
    "chart-queue",
    {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 48, top: 36, bottom: 28 },
      xAxis: { type: "category", data: queues.map((/** @type {any} */ q) => queueName(q.key)) },
      yAxis: [{ type: "value", name: "秒" }, { type: "value", min: 0, max: 1, axisLabel: { formatter: (/** @type {number} */ v) => `${v * 100}%` } }],
      series: [
        {
          name: "平均等待（秒）",
          type: "bar",
          data: queues.map((/** @type {any} */ q) => q.avg_wait_s),
          markLine: { symbol: "none", data: [{ yAxis: d.summary.service_level_s, label: { formatter: "服务水平 {c} 秒" } }] },
        },
        { name: "服务水平内接入", type: "line", yAxisIndex: 1, data: queues.map((/** @type {any} */ q) => q.service_level) },
      ],
    },
    (p) => {
      const key = queues[p.dataIndex]?.key;
      return key ? [`队列 ${queueName(key)} · 人工接入`, { metric: "waited", by_queue: key }] : null;
    },
  );
  csat("chart-csat-agent", d.engineers.map((/** @type {any} */ e) => ({ key: e.agent, csat: e.csat, ratings: e.ratings })), (k) => ({ agent: k }), "工程师");
  csat("chart-csat-queue", queues, (k) => ({ by_queue: k }), "队列", queueName);
  csat("chart-csat-tier", d.breakdowns.tier.filter((/** @type {any} */ t) => t.ratings), (k) => ({ by_tier: Number(k) }), "分级");
  draw(
    "chart-hours",
    {
      tooltip: {},
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: d.hours.map((/** @type {any} */ h) => `${h.hour}时`) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: "会话量", type: "bar", data: d.hours.map((/** @type {any} */ h) => h.conversations) }],
    },
    (p) => [`${d.hours[p.dataIndex].hour} 时的会话`, { hour: d.hours[p.dataIndex].hour }],
  );
}

/**
 * @param {string} id
 * @param {any[]} rows breakdown rows ({key, conversations})
 * @param {(k: string) => string} name
 * @param {(k: string) => DrillValues} drill
 * @param {string} what
 */
function pie(id, rows, name, drill, what) {
  draw(
    id,
    {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      series: [
        {
          type: "pie",
          radius: ["35%", "68%"],
          data: rows.map((r) => ({ name: name(String(r.key)), value: r.conversations, key: String(r.key) })),
        },
      ],
    },
    (p) => {
      const key = /** @type {any} */ (p.data).key;
      return [`${what} ${name(key)}`, drill(key)];
    },
  );
}

/**
 * @param {string} id
 * @param {any[]} rows ({key, csat, ratings})
 * @param {(k: string) => DrillValues} drill
 * @param {string} what
 * @param {(k: string) => string} [name]
 */
function csat(id, rows, drill, what, name = (k) => k) {
  const rated = rows.filter((r) => r.ratings);
  draw(
    id,
    {
      tooltip: { formatter: (/** @type {any} */ p) => `${p.name}：${p.value} 分（${rated[p.dataIndex].ratings} 条评价）` },
      grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: rated.map((r) => name(String(r.key))) },
      yAxis: { type: "value", min: 0, max: 5 },
      series: [{ type: "bar", data: rated.map((r) => r.csat), label: { show: true, position: "top" } }],
    },
    (p) => {
      const key = String(rated[p.dataIndex].key);
      return [`${what} ${name(key)} · 已评价`, { metric: "rated", ...drill(key) }];
    },
  );
}

/**
 * The nodes of one tree: entered, solved, escalated, abandoned.
 * @param {any} tree a funnel item
 */
export function drawTree(tree) {
  const nodes = tree.nodes.slice(0, 20);
  const kinds = [
    ["进入", "enter"],
    ["解决", "solved"],
    ["升级人工", "escalated"],
    ["放弃", "abandoned"],
  ];
  draw(
    "chart-tree",
    {
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 120, right: 24, top: 30, bottom: 24 },
      yAxis: { type: "category", data: nodes.map((/** @type {any} */ n) => n.node), inverse: true },
      xAxis: { type: "value", minInterval: 1 },
      series: kinds.map(([name, kind]) => ({ name, type: "bar", data: nodes.map((/** @type {any} */ n) => n[kind] || 0) })),
    },
    (p) => {
      const node = nodes[p.dataIndex].node;
      const kind = kinds.find(([name]) => name === p.seriesName)?.[1] || "enter";
      return [`${tree.tree} / ${node} · ${p.seriesName}`, { tree: tree.tree, node, step: kind }];
    },
  );
}

