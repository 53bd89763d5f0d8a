// @ts-check
/** The supervisors' page state: the API client, the filters, number formats. */
import { StaffApi } from "../lib/api.js";

/**
 * @typedef {{from: string, to: string, channel?: string, product_line?: string,
 *   category?: string, tier?: string, queue?: string}} FilterValues
 * @typedef {{metric?: string, day?: string, hour?: number, agent?: string, rating?: number,
 *   tree?: string, node?: string, step?: string, question?: string, by_tier?: number,
 *   by_queue?: string, by_channel?: string}} DrillValues
 */

export const api = new StaffApi("kefu.supervisor", () => location.reload());

export const state = {
  /** @type {FilterValues} */
  filters: { from: "", to: "" },
  /** @type {any} the last dashboard read */
  board: null,
  /** @type {string} the tab shown */
  tab: "overview",
  /** @type {{queues: Record<string, string>, product_lines: Record<string, string>}} */
  names: { queues: {}, product_lines: {} },
};

/**
 * A query string of the filters (and a drill-down), empty values left out.
 * @param {FilterValues} filters
 * @param {DrillValues} [drill]
 */
export function query(filters, drill = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...drill })) {
    if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  }
  return params.toString();
}

/** A day as YYYY-MM-DD on this computer's clock. @param {Date} d */
export function isoDay(d) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A queue's name. @param {string} id */
export const queueName = (id) => state.names.queues[id] || id;

/** "63.5%" of a 0..1 rate, "—" for none. @param {number | null | undefined} r */
export const pct = (r) => (r === null || r === undefined ? "—" : `${(r * 100).toFixed(1)}%`);

/** "1分05秒" of seconds. @param {number | null | undefined} s */
export function secs(s) {
  if (s === null || s === undefined) return "—";
  const n = Math.round(s);
  return n < 60 ? `${n}秒` : `${Math.floor(n / 60)}分${String(n % 60).padStart(2, "0")}秒`;
}

/** "4.25" of an average score. @param {number | null | undefined} v */
export const score = (v) => (v === null || v === undefined ? "—" : v.toFixed(2));

export const CHANNELS = /** @type {Record<string, string>} */ ({ web: "网页", wechat: "微信" });
export const TIERS = /** @type {Record<string, string>} */ ({
  0: "未分级",
  1: "1 简单咨询",
  2: "2 引导排查",
  3: "3 复杂技术",
  4: "4 高价值",
  5: "5 投诉与风险",
});
export const METRICS = /** @type {Record<string, string>} */ ({
  all: "全部会话",
  self_service: "自助解决",
  transferred: "转人工",
  fcr: "首次解决",
  answered: "直接回答",
  clarified: "澄清",
  unmatched: "未匹配",
  rated: "已评价",
  waited: "人工接入",
  in_service_level: "服务水平内接入",
  complaint: "投诉",
  emotion: "情绪激动",
});
export const SEVERITIES = /** @type {Record<string, string>} */ ({
  critical: "紧急",
  high: "高",
  normal: "普通",
  low: "低",
});
export const STATUSES = /** @type {Record<string, string>} */ ({
  open: "待处理",
  assigned: "已指派",
  processing: "处理中",
  closed: "已关闭",
});
export const SOURCES = /** @type {Record<string, string>} */ ({
  alert: "质检告警",
  spike: "热点突增",
  hotspot: "投诉热点",
  customer_request: "客户留言",
  delivery: "消息未送达",
});
export const CAUSES = /** @type {Record<string, string>} */ ({
  resolved: "已解决",
  false_alarm: "误报",
  duplicate: "重复",
  no_action: "无需处理",
  unreachable: "联系不上客户",
});
