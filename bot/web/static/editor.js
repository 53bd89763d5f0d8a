// @ts-check
/**
 * Knowledge editor page: talks to /api/kb/... with the staff token. A native ES module, no build
 * step; lit-html renders data. Sections live in editor/: questions, trees, drafts and review,
 * versions, and tools (try it, learn from users, import/export, audit).
 */
import { ApiError, login } from "./lib/api.js";
import { $$, byId } from "./lib/dom.js";
import { html, show } from "./lib/html.js";
import { STAFF_ROLES } from "./lib/labels.js";
import { api, canEdit, handle, refreshDrafts, refreshLive, setDraft, setOnExpired, setTabShower, state, toast } from "./editor/core.js";
import { loadDraftList, wireDrafts } from "./editor/drafts.js";
import { loadQuestions, newQuestion, openQuestion, wireQuestions } from "./editor/questions.js";
import { loadLearn, wireLearn } from "./editor/learn.js";
import { loadAudit, loadTry, runTry, wireTools } from "./editor/tools.js";
import { loadTrees, wireTrees } from "./editor/trees.js";
import { loadVersions, wireVersions } from "./editor/versions.js";

const EDITOR_ROLES = ["editor", "reviewer", "admin", "supervisor"];

/** @type {Record<string, () => Promise<void>>} what each tab loads when shown */
const LOADERS = { questions: loadQuestions, trees: loadTrees, drafts: loadDraftList, versions: loadVersions, try: loadTry, learn: loadLearn, audit: loadAudit };

/** @param {string} name */
function showTab(name) {
  for (const b of $$("#tabs button")) {
    b.classList.toggle("active", b.dataset.tab === name);
    b.setAttribute("aria-selected", String(b.dataset.tab === name));
  }
  for (const s of $$(".tab")) s.classList.toggle("hidden", s.id !== `tab-${name}`);
  const load = LOADERS[name];
  if (load) handle(load);
}
setTabShower(showTab);

/** @param {SubmitEvent} ev */
async function onLogin(ev) {
  ev.preventDefault();
  const user = byId("login-user", HTMLInputElement).value;
  let session;
  try {
    session = await login(user, byId("login-pass", HTMLInputElement).value);
  } catch (ex) {
    const locked = ex instanceof ApiError && ex.status === 429; // too many failures: wait
    byId("login-error").textContent = locked ? ex.message : "账号或密码不对";
    return;
  }
  if (!EDITOR_ROLES.includes(session.role)) {
    byId("login-error").textContent = "这个账号没有知识编辑权限";
    return;
  }
  api.save(session);
  setDraft(null);
  await start();
}

function logout() {
  api.save(null);
  setDraft(null);
  byId("app").classList.add("hidden");
  byId("login").classList.remove("hidden");
}
setOnExpired(logout);

function fillFilters() {
  const m = state.meta;
  show(html`<option value="">全部分类</option>${m.categories.map((/** @type {any} */ c) => html`<option>${c.name}</option>`)}`, byId("q-category"));
  show(html`<option value="">全部产品线</option><option value="all">通用（不限产品线）</option>${m.products.map(
    (/** @type {any} */ p) => html`<option value=${p.id}>${p.name}</option>`)}`, byId("q-product"));
  show(html`<option value="">全部级别</option>${m.tiers.map((/** @type {number} */ t) => html`<option value=${t}>第 ${t} 级</option>`)}`, byId("q-tier"));
}

async function start() {
  byId("login").classList.add("hidden");
  byId("app").classList.remove("hidden");
  byId("whoami").textContent = "";
  state.meta = await api.call("GET", "/api/kb/meta");
  fillFilters();
  await Promise.all([refreshLive(), refreshDrafts()]);
  for (const el of $$(".edit-only")) el.classList.toggle("hidden", !canEdit());
  byId("new-draft").classList.toggle("hidden", !canEdit());
  byId("draft-select", HTMLSelectElement).disabled = !canEdit();
  showTab("questions");
  // Set last: the page is ready for work once it shows who is logged in.
  const role = api.session?.role || "";
  byId("whoami").textContent = `${api.session?.username}（${STAFF_ROLES[role] || role}）`;
  return true;
}

function wire() {
  byId("login").addEventListener("submit", (ev) => handle(() => onLogin(/** @type {SubmitEvent} */ (ev))));
  byId("logout").addEventListener("click", logout);
  byId("tabs").addEventListener("click", (ev) => {
    const tab = /** @type {HTMLElement} */ (ev.target).dataset.tab;
    if (tab) showTab(tab);
  });
  byId("new-draft").addEventListener("click", () => handle(async () => {
    const d = await api.call("POST", "/api/kb/drafts", {
      title: `${api.session?.username} 的修改 ${new Date().toLocaleString("zh-CN", { hour12: false })}`,
    });
    setDraft(d.id);
    await refreshDrafts();
    toast(`已新建草稿 #${d.id}`);
  }));
  byId("draft-select").addEventListener("change", (ev) => {
    setDraft(Number(/** @type {HTMLSelectElement} */ (ev.target).value) || null);
    showTab("questions");
  });
  let timer = 0;
  const reload = () => {
    state.page = 0;
    clearTimeout(timer);
    timer = window.setTimeout(() => handle(loadQuestions), 250);
  };
  for (const id of ["q-search", "q-min-hits"]) byId(id).addEventListener("input", reload);
  for (const id of ["q-category", "q-product", "q-tier", "q-status", "q-sort", "q-edited-after"]) byId(id).addEventListener("change", reload);
  byId("q-prev").addEventListener("click", () => {
    state.page -= 1;
    handle(loadQuestions);
  });
  byId("q-next").addEventListener("click", () => {
    state.page += 1;
    handle(loadQuestions);
  });
  byId("q-rows").addEventListener("click", (ev) => {
    const tr = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (ev.target).closest("tr[data-qid]"));
    if (tr) handle(() => openQuestion(tr.dataset.qid || ""));
  });
  byId("q-new").addEventListener("click", () => newQuestion());
  wireQuestions(runTry);
  wireTrees();
  wireDrafts();
  wireVersions();
  wireTools();
  wireLearn();
}

/** @type {any} */ (window).kbEditor = { state };
wire();
if (api.session?.token) handle(start).then((ok) => {
  if (ok === undefined && !state.meta) logout();
});
