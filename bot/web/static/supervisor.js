// @ts-check
/**
 * Kefu supervisors' dashboard — 主管看板. A native ES module, no build step; lit-html renders
 * data, Apache ECharts draws the charts (both vendored).
 *
 * Reads: GET /api/analytics/dashboard (first view), /api/analytics/contacts (drill-down),
 * /api/analytics/export.{csv,xlsx}, /api/analytics/hotspots, /api/alerts, /api/workorders,
 * /api/quality/rules. Writes: alert reviews, work-order state changes, the rules file.
 */
import { login } from "./lib/api.js";
import { $$, byId } from "./lib/dom.js";
import { resizeAll } from "./supervisor/charts.js";
import { renderOverview } from "./supervisor/overview.js";
import { flash, loadAlerts, loadHot, loadRules } from "./supervisor/quality.js";
import { CHANNELS, api, isoDay, query, state } from "./supervisor/state.js";

const ROLES = ["supervisor", "admin"];
const SELECTS = /** @type {const} */ (["channel", "product_line", "category", "tier", "queue"]);

function start() {
  byId("login").hidden = true;
  byId("app").hidden = false;
  byId("me-name").textContent = api.session?.username || "";
  setRange(7);
  load();
}

/** The last `days` days, today included. @param {number} days */
function setRange(days) {
  const to = new Date();
  const from = new Date(to);
  from.setDate(to.getDate() - (days - 1));
  byId("f-from", HTMLInputElement).value = isoDay(from);
  byId("f-to", HTMLInputElement).value = isoDay(to);
}

function readFilters() {
  state.filters = { from: byId("f-from", HTMLInputElement).value, to: byId("f-to", HTMLInputElement).value };
  for (const name of SELECTS) {
    const value = byId(`f-${name}`, HTMLSelectElement).value;
    if (value) state.filters[name] = value;
  }
}

/**
 * Refill a filter's choices, keeping what is chosen.
 * @param {string} name
 * @param {string[]} values
 * @param {Record<string, string>} [names] value -> what people call it
 */
function fillSelect(name, values, names = {}) {
  const select = byId(`f-${name}`, HTMLSelectElement);
  const chosen = select.value;
  select.replaceChildren(new Option("全部", ""), ...values.map((v) => new Option(/** @type {any} */ (names)[v] || v, v)));
  select.value = values.includes(chosen) ? chosen : "";
}

async function load() {
  readFilters();
  byId("status").textContent = "正在加载…";
  try {
    if (state.tab === "overview") {
      const d = await api.call("GET", `/api/analytics/dashboard?${query(state.filters)}`);
      state.board = d;
      state.names = d.names;
      fillSelect("channel", d.options.channels, CHANNELS);
      fillSelect("product_line", d.options.product_lines, d.names.product_lines);
      fillSelect("category", d.options.categories);
      fillSelect("queue", d.options.queues, d.names.queues);
      renderOverview(d);
    } else if (state.tab === "hot") await loadHot();
    else if (state.tab === "alerts") await loadAlerts();
    else await loadRules();
    byId("status").textContent = `已更新 ${new Date().toLocaleTimeString("zh-CN", { hour12: false })}`;
  } catch (err) {
    flash(/** @type {Error} */ (err).message);
  }
}

/** @param {string} tab */
function showTab(tab) {
  state.tab = tab;
  for (const b of $$(".tab")) {
    const on = b.dataset.tab === tab;
    b.classList.toggle("is-on", on);
    b.setAttribute("aria-selected", String(on));
  }
  for (const pane of $$("[data-pane]")) pane.hidden = pane.dataset.pane !== tab;
  load().then(resizeAll);
}

byId("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const err = byId("login-error");
  err.hidden = true;
  try {
    const session = await login(byId("login-user", HTMLInputElement).value.trim(), byId("login-pass", HTMLInputElement).value);
    if (!ROLES.includes(session.role)) throw new Error("该账号没有主管权限");
    api.save(session);
    start();
  } catch (ex) {
    err.textContent = /** @type {Error} */ (ex).message;
    err.hidden = false;
  }
});
byId("logout").addEventListener("click", () => {
  api.save(null);
  location.reload();
});
byId("filters").addEventListener("submit", (e) => {
  e.preventDefault();
  load();
});
for (const b of $$(".quick button")) {
  b.addEventListener("click", () => {
    setRange(Number(b.dataset.days));
    load();
  });
}
for (const b of $$(".tab")) b.addEventListener("click", () => showTab(b.dataset.tab || "overview"));
window.addEventListener("resize", resizeAll);
setInterval(() => {
  if (!byId("app").hidden && state.tab === "alerts") loadAlerts().catch(() => {});
}, 30000);

if (api.session && ROLES.includes(api.session.role)) start();
else byId("login").hidden = false;
