// @ts-check
/** Published versions: the list, one version's changes, rollback, export of a version. */
import { byId } from "../lib/dom.js";
import { dateTime } from "../lib/format.js";
import { html, nothing, show } from "../lib/html.js";
import { diffItemsView } from "./diff.js";
import { VERSION_KINDS } from "./labels.js";
import { api, canReview, dialog, download, handle, refreshLive, toast } from "./core.js";

export async function loadVersions() {
  const res = await api.call("GET", "/api/kb/versions");
  show(res.items.map((/** @type {any} */ v) => html`<tr class="clickable" data-version=${v.number}>
    <td>v${v.number} ${v.number === res.live ? html`<span class="badge ok">线上</span>` : nothing}</td>
    <td>${VERSION_KINDS[v.kind] || v.kind}${v.rollback_to ? ` → v${v.rollback_to}` : ""}</td><td>${v.author}</td>
    <td>${v.approved_by || ""}</td><td class="small muted">${dateTime(v.created_at)}</td>
    <td class="small">${v.counts.questions || 0} 标准问 · ${v.counts.trees || 0} 树</td></tr>`), byId("version-rows"));
}

/** @param {number} n */
async function openVersion(n) {
  const v = await api.call("GET", `/api/kb/versions/${n}`);
  const live = Number(byId("live-badge").textContent?.match(/v(\d+)/)?.[1]);
  const d = v.diff || {};
  const items = diffItemsView(d);
  const rollback = () => handle(async () => {
    const ok = await dialog(html`<p>把线上知识恢复成 v${n} 的内容？会生成一个新版本，历史都保留。</p>
      <textarea id="rollback-note" aria-label="回滚原因" placeholder="回滚原因"></textarea>`, "回滚");
    if (!ok) return;
    const res = await api.call("POST", `/api/kb/versions/${n}/rollback`, { note: byId("rollback-note", HTMLTextAreaElement).value });
    toast(`已回滚，新版本 v${res.version} 已生效`);
    await Promise.all([refreshLive(), loadVersions()]);
    await openVersion(res.version);
  }, byId("version-result"));
  show(html`<div class="row"><h2 class="grow">版本 v${v.number}</h2>
      ${canReview() && v.number !== live ? html`<button id="rollback" class="danger" type="button" @click=${rollback}>回滚到此版本</button>` : nothing}
      <button id="export-version-zip" type="button" @click=${() => handle(() => download(`/api/kb/export.zip?version=${n}`, `knowledge-v${n}.zip`))}>导出 zip</button>
      <button id="export-version-xlsx" type="button" @click=${() => handle(() => download(`/api/kb/export.xlsx?version=${n}`, `knowledge-v${n}.xlsx`))}>导出 Excel</button></div>
    <p class="small muted">${VERSION_KINDS[v.kind] || v.kind} · 作者 ${v.author}${v.approved_by ? ` · 审核 ${v.approved_by}` : ""} · ${dateTime(v.created_at)}
      ${v.note ? ` · ${v.note}` : ""}${v.rollback_to ? ` · 回滚到 v${v.rollback_to}` : ""}</p>
    ${(d.support || []).length ? html`<div class="notice">还改动了：${d.support.join("、")}</div>` : nothing}
    <div id="version-result"></div>${items.length ? items : html`<p class="muted">没有改动。</p>`}`, byId("version-detail"));
}

export function wireVersions() {
  byId("version-rows").addEventListener("click", (ev) => {
    const tr = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (ev.target).closest("tr[data-version]"));
    if (tr) handle(() => openVersion(Number(tr.dataset.version)));
  });
}
