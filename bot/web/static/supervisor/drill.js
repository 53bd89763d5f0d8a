// @ts-check
/** The drill-down drawer: the conversations behind a point, their transcripts, exports. */
import { byId } from "../lib/dom.js";
import { html, nothing, show } from "../lib/html.js";
import { CHANNELS, api, query, secs, state } from "./state.js";

/** @typedef {import("./state.js").DrillValues} DrillValues */

const PAGE = 50;
/** @type {{title: string, drill: DrillValues, offset: number, data: any, contact: any}} */
const view = { title: "", drill: {}, offset: 0, data: null, contact: null };

/**
 * Open the drawer on the conversations of a drill-down.
 * @param {string} title what the point is, e.g. 「转人工 · 2026-11-02」
 * @param {DrillValues} drill
 */
export async function openDrill(title, drill) {
  Object.assign(view, { title, drill, offset: 0, data: null, contact: null });
  byId("drawer").hidden = false;
  await load();
}

async function load() {
  render();
  const q = query(state.filters, view.drill);
  view.data = await api.call("GET", `/api/analytics/contacts?${q}&offset=${view.offset}&limit=${PAGE}`);
  render();
}

/** @param {number} id */
async function openContact(id) {
  view.contact = await api.call("GET", `/api/analytics/contacts/${id}`);
  render();
}

/** @param {"csv" | "xlsx"} fmt */
export async function exportRows(fmt, drill = view.drill) {
  const blob = await api.call("GET", `/api/analytics/export.${fmt}?${query(state.filters, drill)}`);
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `kefu-${state.filters.from}-${state.filters.to}.${fmt}`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 5000);
}

function close() {
  byId("drawer").hidden = true;
}

/** @param {any} c a contact row */
function outcome(c) {
  if (c.self_service) return html`<span class="tag tag--ok">自助解决</span>`;
  if (c.transferred) return html`<span class="tag">转人工${c.agent ? ` · ${c.agent}` : ""}</span>`;
  if (c.unmatched) return html`<span class="tag tag--warn">未匹配</span>`;
  return nothing;
}

function render() {
  const d = view.data;
  const total = d ? d.total : null;
  const c = view.contact;
  show(
    html`<div class="drawer__head">
        <h2 id="drill-title">${view.title}${total === null ? "" : ` · 共 ${total} 个会话`}</h2>
        <button type="button" class="btn btn--small" @click=${() => exportRows("csv")}>导出 CSV</button>
        <button type="button" class="btn btn--small" @click=${() => exportRows("xlsx")}>导出 Excel</button>
        <button type="button" class="btn btn--small" id="drill-close" @click=${close}>关闭</button>
      </div>
      ${c
        ? html`<p><button type="button" class="link" @click=${() => ((view.contact = null), render())}>← 返回列表</button></p>
            <p>${CHANNELS[c.channel] || c.channel} · ${c.sender} · ${new Date(c.started_at).toLocaleString("zh-CN")}
              ${c.tier ? html`· 分级 ${c.tier}` : nothing} ${c.rating ? html`· 评分 ${c.rating}` : nothing}</p>
            <ol class="transcript" id="drill-transcript">
              ${c.messages.map(
                (/** @type {any} */ m) =>
                  html`<li class=${`is-${m.role}`}><b>${ROLE_NAMES[m.role] || m.role}</b>
                    <small>${new Date(m.at).toLocaleTimeString("zh-CN", { hour12: false })}${m.decision ? ` · ${m.decision}` : ""}</small>
                    <div>${m.text || ""}</div></li>`,
              )}
            </ol>`
        : d === null
          ? html`<p class="muted">正在加载…</p>`
          : html`<table class="data" id="drill-table">
                <thead><tr><th>开始时间</th><th>渠道</th><th>首句</th><th>分级</th><th>结果</th><th class="num">等待</th><th class="num">评分</th></tr></thead>
                <tbody>
                  ${d.items.map(
                    (/** @type {any} */ r) =>
                      html`<tr class="is-click" @click=${() => openContact(r.id)}>
                        <td>${new Date(r.started_at).toLocaleString("zh-CN", { hour12: false })}</td>
                        <td>${CHANNELS[r.channel] || r.channel}</td>
                        <td>${r.first_text || "—"}</td>
                        <td>${r.tier ?? "—"}</td>
                        <td>${outcome(r)}</td>
                        <td class="num">${r.wait_s === null ? "—" : secs(r.wait_s)}</td>
                        <td class="num">${r.rating ?? "—"}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
              <p class="muted">第 ${d.offset + 1}–${d.offset + d.items.length} 条，共 ${d.total} 条
                ${d.offset > 0 ? html`<button type="button" class="link" @click=${() => ((view.offset -= PAGE), load())}>上一页</button>` : nothing}
                ${d.offset + PAGE < d.total ? html`<button type="button" class="link" @click=${() => ((view.offset += PAGE), load())}>下一页</button>` : nothing}
              </p>`}`,
    byId("drawer"),
  );
}

const ROLE_NAMES = /** @type {Record<string, string>} */ ({ user: "客户", bot: "机器人", agent: "工程师", system: "系统" });
