// @ts-check
/** Chinese names for the ids the server sends, shared by the staff pages. */

/** @type {Record<string, string>} */
export const STAFF_ROLES = {
  agent: "工程师", supervisor: "主管", admin: "管理员", editor: "知识编辑", reviewer: "审核员",
};
/** @type {Record<string, string>} */
export const CHANNELS = { web: "网页", wechat: "微信" };
/** @type {Record<string, string>} */
export const HANDOFF_STATUS = {
  queued: "排队中", offered: "待接入", active: "服务中", closed: "已结束",
  returned: "已转回机器人", ticket: "已转工单", cancelled: "客户取消",
};
/** @type {Record<string, string>} */
export const TICKET_STATUS = { open: "待处理", assigned: "处理中", closed: "已答复" };
/** @type {Record<string, string>} */
export const TICKET_WHY = { off_hours: "非服务时间", no_agent: "无人在线", left_message: "客户留言", callback: "预约回电" };
/** @type {Record<string, string>} */
export const AGENT_STATUS = { online: "在线", busy: "忙碌", away: "离开" };
/** @type {Record<string, string>} who wrote a message, as the console names them */
export const SPEAKERS = { user: "客户", bot: "机器人小岚", system: "系统", agent: "工程师" };
/** @type {Record<string, string>} */
export const MEMBER_LEVELS = { normal: "普通会员", silver: "银卡会员", gold: "金卡会员", black: "黑钻会员" };
/** @type {Record<string, string>} */
export const CUSTOMER_TAGS = {
  in_warranty: "在保", out_of_warranty: "过保", member_normal: "普通会员", member_silver: "银卡会员",
  member_gold: "金卡会员", member_black: "黑钻会员", enterprise: "企业客户",
};
/** @type {Record<string, string>} */
export const DIAGNOSIS_STATUS = { active: "进行中", paused: "暂停", solved: "已解决", escalated: "已升级人工" };
/** @type {Record<string, string>} how the bot's match ended, for engineers */
export const MATCH_OUTCOME = { answer: "已回答", clarify: "请客户确认", none: "未匹配" };
/** @type {Record<string, string>} */
export const HANDOFF_SOURCE = { tree: "故障排查升级", request_human: "客户要求人工", tier: "分级策略" };

/**
 * The Chinese name of an id, or the id itself when it has none.
 * @param {Record<string, string>} names
 * @param {string | null | undefined} id
 */
export const nameOf = (names, id) => (id ? names[id] || id : "");
