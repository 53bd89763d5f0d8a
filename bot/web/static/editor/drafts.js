// @ts-check
/** Drafts and review: the list, one draft with its changes, review steps, conflicts, publishing. */
import { byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { conflictsView, diffItemView } from "./diff.js";
import { DRAFT_STATUS, DRAFT_STATUS_CLASS, ERRORS } from "./labels.js";
import { api, canReview, dialog, handle, problemsView, refreshDrafts, refreshLive, setDraft, state, toast } from "./core.js";

export async function loadDraftList() {
  const f = byId("draft-filter", HTMLSelectElement).value;
  const q = { open: "status=editing&status=submitted&status=approved", review: "status=submitted&status=approved", mine: "mine=true", all: "" }[f];
  const list = await api.call("GET", `/api/kb/drafts?${q}`);
  show(list.length ? list.map((/** @type {any} */ d) => html`<tr class="clickable" data-draft=${d.id}><td>${d.id}</td>
      <td>${d.title}</td><td>${d.author}</td><td><span class="badge ${DRAFT_STATUS_CLASS[d.status]}">${DRAFT_STATUS[d.status]}</span></td>
      <td class="num">${d.items.length}</td><td class="small muted">${dateTime(d.updated_at)}</td></tr>`)
    : html`<tr><td colspan="6" class="muted">没有草稿</td></tr>`, byId("draft-rows"));
}

/** @param {number} id */
export async function openDraft(id) {
  const d = await api.call("GET", `/api/kb/drafts/${id}`);
  const me = api.session?.username;
  const own = d.author === me;
  const admin = api.session?.role === "admin";
  const review = canReview();
  /** @type {[string, string, string][]} id, text, class */
  const buttons = [];
  if ((own || admin) && d.status === "editing") buttons.push(["submit-draft", "提交审核", "primary"], ["use-draft", "设为当前草稿", ""]);
  if ((own || admin) && ["submitted", "approved"].includes(d.status)) buttons.push(["withdraw-draft", "撤回", ""]);
  if (review && d.status === "submitted" && (!own || admin)) buttons.push(["approve-draft", "审核通过", "primary"]);
  if (review && d.status === "approved") buttons.push(["publish-draft", "发布上线", "primary"]);
  if (review && ["submitted", "approved"].includes(d.status) && (!own || admin)) buttons.push(["reject-draft", "退回修改", ""]);
  if ((own || admin) && !["published", "discarded"].includes(d.status)) buttons.push(["discard-draft", "放弃草稿", "danger"]);
  const editable = (own || admin) && d.status === "editing";
  const result = () => byId("draft-result");
  const step = (/** @type {string} */ action, /** @type {object | undefined} */ body = undefined) => async () => {
    await api.call("POST", `/api/kb/drafts/${d.id}/${action}`, body);
    await afterDraftChange(d.id);
  };
  /** @type {Record<string, () => Promise<void>>} */
  const actions = {
    "submit-draft": step("submit"),
    "withdraw-draft": step("withdraw"),
    "approve-draft": step("approve"),
    "reject-draft": async () => {
      const ok = await dialog(html`<p>退回给作者修改，填写审核意见：</p><textarea id="reject-note" aria-label="审核意见"></textarea>`, "退回");
      if (ok) await step("reject", { note: byId("reject-note", HTMLTextAreaElement).value })();
    },
    "discard-draft": async () => {
      if (await dialog(html`<p>放弃这个草稿？里面的改动不会发布。</p>`, "放弃")) {
        await api.call("DELETE", `/api/kb/drafts/${d.id}`);
        await afterDraftChange(d.id);
      }
    },
    "use-draft": async () => {
      setDraft(d.id);
      await refreshDrafts();
      toast(`当前草稿：#${d.id}`);
    },
    "publish-draft": async () => {
      const ok = await dialog(html`<p>发布后立即对所有客户生效。确定发布草稿 #${d.id}「${d.title}」（${d.items.length} 项改动）吗？</p>`, "发布");
      if (ok) await publishDraft(d.id, false);
    },
    "run-conflicts": () => showConflicts(d.id),
  };
  /** @param {string} kind @param {string} item */
  const revert = (kind, item) => handle(async () => {
    await api.call("DELETE", `/api/kb/drafts/${d.id}/items/${kind}/${encodeURIComponent(item)}`);
    await afterDraftChange(d.id);
  }, result());
  show(html`
    <div class="row"><h2 class="grow">#${d.id} ${d.title}</h2><span class="badge ${DRAFT_STATUS_CLASS[d.status]}">${DRAFT_STATUS[d.status]}</span></div>
    <p class="small muted">作者 ${d.author} · 创建 ${dateTime(d.created_at)} · 基于 v${d.base_version ?? "-"}
      ${d.reviewed_by ? ` · 审核 ${d.reviewed_by} ${dateTime(d.reviewed_at)}` : ""}${d.published_version ? ` · 已发布为 v${d.published_version}` : ""}</p>
    ${d.review_note ? html`<div class="notice">审核意见：${d.review_note}</div>` : nothing}
    ${d.stale.length ? html`<div class="notice">${ERRORS.stale}：${d.stale.map((/** @type {any} */ s) => s.id).join("、")}</div>` : nothing}
    ${problemsView(d.problems)}
    <div class="row">${buttons.map(([bid, text, cls]) => html`<button id=${bid} class=${cls} type="button"
      @click=${() => handle(actions[bid], result())}>${text}</button>`)}</div>
    <div id="draft-result"></div>
    <h3>改动（${d.items.length} 项）</h3>
    ${d.items.length ? d.items.map((/** @type {any} */ it) => diffItemView(it, it.kind, editable
      ? html`<button class="link revert-item" data-kind=${it.kind} data-item=${it.id} type="button" @click=${() => revert(it.kind, it.id)}>撤销这项</button>`
      : nothing)) : html`<p class="muted">还没有改动。</p>`}
    <h3>冲突检查</h3><div id="draft-conflicts">${d.items.length ? html`<button id="run-conflicts" type="button"
      @click=${() => handle(actions["run-conflicts"], result())}>运行冲突检查</button>` : nothing}</div>`, byId("draft-detail"));
  // At review time the check runs by itself; publishing runs it again on the server and shows
  // what it finds, so an approved draft does not compute it twice.
  if (review && d.status === "submitted" && d.items.length) handle(() => showConflicts(d.id), byId("draft-conflicts"));
}

/** @param {number} id */
async function afterDraftChange(id) {
  await Promise.all([refreshDrafts(), loadDraftList(), refreshLive()]);
  await openDraft(id);
}

/** @param {number} id */
async function showConflicts(id) {
  const box = byId("draft-conflicts");
  show(html`<p class="muted">正在检查……</p>`, box);
  show(conflictsView(await api.call("GET", `/api/kb/drafts/${id}/conflicts`)), box);
}

/**
 * @param {number} id
 * @param {boolean} force publish although the conflict check found something
 * @returns {Promise<void>}
 */
async function publishDraft(id, force) {
  try {
    const res = await api.call("POST", `/api/kb/drafts/${id}/publish`, { force });
    toast(`已发布为版本 v${res.version}，已经生效`);
    await afterDraftChange(id);
    show(html`<div class="success" id="publish-ok">已发布为版本 v${res.version}，线上已生效。</div>`, byId("draft-result"));
  } catch (err) {
    if (/** @type {any} */ (err).code !== "conflicts") throw err;
    const ok = await dialog(html`<p>冲突检查发现以下问题，确定仍然发布吗？</p>${conflictsView(/** @type {any} */ (err).body)}`, "仍然发布");
    if (ok) await publishDraft(id, true);
  }
}

export function wireDrafts() {
  byId("draft-filter").addEventListener("change", () => handle(loadDraftList));
  byId("draft-rows").addEventListener("click", (ev) => {
    const tr = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (ev.target).closest("tr[data-draft]"));
    if (tr) handle(() => openDraft(Number(tr.dataset.draft)));
  });
}
