// @ts-check
/** The editor's shared state, API client, wording helpers and feedback (toast, dialog, errors). */
import { ApiError, StaffApi } from "../lib/api.js";
import { $, byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { CUSTOMER_TAGS } from "../lib/labels.js";
import { ERRORS, FIELDS, PROBLEM_CODES } from "./labels.js";

/** @typedef {import("../lib/html.js").html} Html */
/** @typedef {{code: string, message?: string, item?: string, node?: string, field?: string}} Problem */

const DRAFT_KEY = "kb.draft";

export const state = {
  /** @type {any} categories, products, tags, tiers, trees (GET /api/kb/meta) */
  meta: null,
  /** @type {any[]} my drafts being edited */
  drafts: [],
  /** @type {number | null} the draft edits go to */
  draft: Number(sessionStorage.getItem(DRAFT_KEY)) || null,
  page: 0,
  pageSize: 50,
  /** @type {string | null} the open standard question */
  question: null,
  /** @type {any} the open diagnosis tree, edited in place */
  tree: null,
  /** @type {Record<string, any>} node id -> counters */
  treeStats: {},
  /** @type {Problem[]} */
  treeProblems: [],
  /** @type {any[] | null} sample customers for try-it */
  customers: null,
  /** @type {any[]} clusters of unmatched questions */
  clusters: [],
};

/** @type {() => void} */
let onExpired = () => {};
/** @param {() => void} fn what to do when the login expires */
export const setOnExpired = (fn) => (onExpired = fn);
export const api = new StaffApi("kb.session", () => onExpired());

export const canEdit = () => ["editor", "reviewer", "admin"].includes(api.session?.role || "");
export const canReview = () => ["reviewer", "admin"].includes(api.session?.role || "");

/** @param {string} t a customer tag id */
export const tagName = (t) => CUSTOMER_TAGS[t] || (t.startsWith("owner_") ? `${productName(t.slice(6))}用户` : t);
/** @param {string} id a product line id */
export const productName = (id) => state.meta?.products.find((/** @type {any} */ p) => p.id === id)?.name || id;
/** @param {string} f */
export const fieldName = (f) => FIELDS[f] || f;
/** "variants[0].answer" -> "答案变体[0].answer" @param {string} f */
const fieldPath = (f) => f.replace(/^[a-z_]+/, (m) => fieldName(m));

/** @param {Problem} p */
export function problemText(p) {
  const where = [p.item, p.node ? `节点 ${p.node}` : "", p.field ? fieldPath(p.field) : ""].filter(Boolean).join(" · ");
  const known = PROBLEM_CODES[p.code];
  return `${where}：${known || p.message}${known && p.message && p.code !== "empty" ? `（${p.message}）` : ""}`;
}

/** @param {Problem[] | undefined} list */
export const problemsView = (list) =>
  list?.length ? html`<ul class="problems">${list.map((p) => html`<li>${problemText(p)}</li>`)}</ul>` : nothing;

/** @param {unknown} err */
export const errorText = (err) => (err instanceof ApiError ? ERRORS[err.code] || err.message : String(err));

/** @param {string} msg */
export function toast(msg) {
  const el = byId("toast");
  el.textContent = msg;
  el.classList.remove("hidden");
  clearTimeout(Number(el.dataset.timer));
  el.dataset.timer = String(setTimeout(() => el.classList.add("hidden"), 3500));
}

/**
 * Ask in the page's dialog; resolves true on OK.
 * @param {unknown} body a template
 * @param {string} [okText]
 * @returns {Promise<boolean>}
 */
export function dialog(body, okText = "确定") {
  const dlg = byId("dialog", HTMLDialogElement);
  show(body, byId("dialog-body"));
  byId("dialog-ok").textContent = okText;
  dlg.showModal();
  return new Promise((resolve) => dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok"), { once: true }));
}

/**
 * Run an action; show its error in `target` (with the server's problems), or as a toast.
 * @template T
 * @param {() => Promise<T>} fn
 * @param {HTMLElement | null} [target]
 * @returns {Promise<T | undefined>}
 */
export async function handle(fn, target) {
  try {
    return await fn();
  } catch (err) {
    const msg = errorText(err);
    if (target) show(html`<div class="problems">${msg}</div>${problemsView(/** @type {any} */ (err).body?.problems)}`, target);
    else toast(msg);
    return undefined;
  }
}

/**
 * @param {string} path
 * @param {string} name
 */
export async function download(path, name) {
  const blob = await api.call("GET", path);
  const a = Object.assign(document.createElement("a"), { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

/** @param {number | null} id */
export function setDraft(id) {
  state.draft = id || null;
  if (id) sessionStorage.setItem(DRAFT_KEY, String(id));
  else sessionStorage.removeItem(DRAFT_KEY);
  const sel = /** @type {HTMLSelectElement | null} */ ($("#draft-select"));
  if (sel) sel.value = id ? String(id) : "";
}

export async function refreshDrafts() {
  if (!canEdit()) return;
  state.drafts = await api.call("GET", "/api/kb/drafts?mine=true&status=editing");
  if (state.draft && !state.drafts.some((d) => d.id === state.draft)) setDraft(null);
  const sel = byId("draft-select", HTMLSelectElement);
  show(
    html`<option value="">（无，编辑时自动新建）</option>${state.drafts.map(
      (d) => html`<option value=${d.id}>#${d.id} ${d.title}（${d.items.length} 项改动）</option>`,
    )}`,
    sel,
  );
  sel.value = state.draft ? String(state.draft) : "";
}

export async function ensureDraft() {
  if (state.draft) return state.draft;
  const d = await api.call("POST", "/api/kb/drafts", {
    title: `${api.session?.username} 的修改 ${new Date().toLocaleDateString("zh-CN")}`,
  });
  setDraft(d.id);
  await refreshDrafts();
  return /** @type {number} */ (d.id);
}

export const draftParam = () => (state.draft ? `draft_id=${state.draft}` : "");

/** @type {number | undefined} */
let calibrationTimer;

export async function refreshLive() {
  const live = await api.call("GET", "/api/kb/live");
  byId("live-badge").textContent = `线上版本 v${live.version} · ${live.questions} 个标准问 · ${live.trees} 棵诊断树`;
  const c = live.calibration || { state: "none" };
  const badge = byId("calibration-badge");
  const pct = (/** @type {number | undefined} */ x) => (x === undefined ? "-" : `${Math.round(x * 1000) / 10}%`);
  const e = c.estimates || {};
  badge.textContent = c.state === "running" ? "匹配校准：正在按本版知识校准，暂用上一次的校准"
    : c.source === "default" ? "匹配校准：使用默认校准"
    : c.state === "fitted" ? `匹配校准：已按本版知识校准（${dateTime(c.ran_at)}，用时 ${c.seconds} 秒）`
    : "匹配校准：沿用上一次的校准";
  badge.title = c.estimates && Object.keys(e).length
    ? `按知识库自身估计：直接答对 ${pct(e.auto_correct)}，答错 ${pct(e.auto_wrong)}，库里没有的问题被误答 ${pct(e.unanswered_accept)}，闲聊和其他行业的问题被误答 ${pct(e.general_accept)}`
    : "还没有按本知识库估计的准确率";
  clearTimeout(calibrationTimer);
  if (c.state === "running") calibrationTimer = window.setTimeout(() => handle(refreshLive), 15_000);
}

/** @type {(name: string) => void} */
let tabShower = () => {};
/** @param {(name: string) => void} fn */
export const setTabShower = (fn) => (tabShower = fn);
/** @param {string} name */
export const showTab = (name) => tabShower(name);
