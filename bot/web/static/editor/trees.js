// @ts-check
/** Diagnosis trees: the list and the tree editor (texts, options, synonyms, branches). */
import { $ } from "../lib/dom.js";
import { byId } from "../lib/dom.js";
import { html, nothing, show } from "../lib/html.js";
import { NODE_KINDS } from "./labels.js";
import { api, canEdit, dialog, draftParam, ensureDraft, handle, problemsView, refreshDrafts, state, toast } from "./core.js";

const splitList = (/** @type {string} */ s) => String(s || "").split(/[,，、;；\n]+/).map((x) => x.trim()).filter(Boolean);

/** @param {any} n @returns {"question" | "solution" | "escalation"} */
export const nodeKind = (n) =>
  n.ask !== undefined && n.ask !== null ? "question" : n.solution !== undefined && n.solution !== null ? "solution" : "escalation";

export async function loadTrees() {
  const trees = await api.call("GET", `/api/kb/trees?${draftParam()}`);
  show(trees.map((/** @type {any} */ t) => html`<tr class="clickable" data-tid=${t.id}><td>${t.id}</td>
    <td>${t.title}<div class="small muted">${t.description}</div></td><td class="num">${t.nodes}</td>
    <td class="num">${t.paths}</td><td class="small">${t.questions.join(", ")}</td></tr>`), byId("tree-rows"));
}

/** @param {string} tid */
export async function openTree(tid) {
  const res = await api.call("GET", `/api/kb/trees/${tid}?${draftParam()}`);
  state.tree = res.tree;
  state.treeStats = Object.fromEntries(res.stats.map((/** @type {any} */ s) => [s.node, s]));
  state.treeProblems = [];
  renderTree();
}

/** @param {any} tree @returns {Set<string>} node ids reachable from the start */
function reachable(tree) {
  const byNode = Object.fromEntries(tree.nodes.map((/** @type {any} */ n) => [n.id, n]));
  const seen = new Set();
  const todo = [tree.start];
  while (todo.length) {
    const n = byNode[todo.pop()];
    if (!n || seen.has(n.id)) continue;
    seen.add(n.id);
    for (const o of n.options || []) todo.push(o.next);
    if (n.unsolved) todo.push(n.unsolved);
  }
  return seen;
}

function renderTree() {
  const t = state.tree;
  const byNode = Object.fromEntries(t.nodes.map((/** @type {any} */ n) => [n.id, n]));
  const bad = new Set(state.treeProblems.map((p) => p.node).filter(Boolean));
  const seen = new Set();
  /** @param {string} id @returns {unknown} */
  const nodeView = (id) => {
    const n = byNode[id];
    if (!n) return html`<div class="tree-ref problem">⚠ 节点 ${id} 不存在</div>`;
    if (seen.has(id)) return html`<div class="tree-ref">→ 转到节点 <a href="#node-${id}">${id}</a></div>`;
    seen.add(id);
    const kind = nodeKind(n);
    const st = state.treeStats[id];
    let body;
    if (kind === "question") {
      body = html`<textarea data-node=${id} data-key="ask" rows="2" aria-label="节点 ${id} 的提问" .value=${n.ask}></textarea>
        ${n.options.map((/** @type {any} */ o, /** @type {number} */ i) => html`<div class="tree-option"><div class="row">
          <span class="small muted">选项 ${i + 1}</span>
          <input class="label" data-node=${id} data-opt=${i} data-key="label" .value=${o.label} placeholder="按钮文字" aria-label="选项 ${i + 1} 的按钮文字">
          <input class="syn" data-node=${id} data-opt=${i} data-key="synonyms" .value=${(o.synonyms || []).join(", ")}
            placeholder="同义说法，逗号分隔" aria-label="选项 ${i + 1} 的同义说法">
          <button type="button" class="link danger remove-branch" data-node=${id} data-opt=${i}>删除分支</button></div>
          <div class="tree-children">${nodeView(o.next)}</div></div>`)}
        <button type="button" class="add-branch" data-node=${id}>添加分支</button>`;
    } else if (kind === "solution") {
      body = html`<textarea data-node=${id} data-key="solution" rows="3" aria-label="节点 ${id} 的解决方案" .value=${n.solution}></textarea>
        <div class="small muted">没解决时 →</div><div class="tree-children">${nodeView(n.unsolved)}</div>`;
    } else {
      body = html`<textarea data-node=${id} data-key="summary" rows="2" placeholder="给工程师的一句话摘要"
          aria-label="节点 ${id} 的摘要" .value=${n.escalate.summary}></textarea>
        <input data-node=${id} data-key="message" style="width:100%" .value=${n.escalate.message || ""}
          placeholder="对用户说的话（可留空用通用说法）" aria-label="节点 ${id} 对用户说的话">`;
    }
    return html`<div class="tree-node ${kind}${bad.has(id) ? " problem" : ""}" id="node-${id}">
      <div class="node-head"><span class="badge">${NODE_KINDS[kind]}</span><b>${id}</b>${st
        ? html`<span class="muted">进入 ${st.entered} · 解决 ${st.solved} · 转人工 ${st.escalated} · 放弃 ${st.abandoned}</span>` : nothing}</div>
      ${body}</div>`;
  };
  const main = nodeView(t.start);
  const orphans = t.nodes.filter((/** @type {any} */ n) => !seen.has(n.id));
  show(html`
    <div class="row"><h2 class="grow">${t.id}</h2>
      <button id="tree-validate" type="button">校验</button>
      ${canEdit() ? html`<button id="tree-save" class="primary" type="button">保存到草稿</button>` : nothing}</div>
    <div class="row"><div class="field grow"><label for="tree-title">名称</label><input id="tree-title" data-key="title" data-tree="1" style="width:100%" .value=${t.title}></div>
      <div class="field grow"><label for="tree-description">说明</label><input id="tree-description" data-key="description" data-tree="1" style="width:100%" .value=${t.description || ""}></div></div>
    <div id="tree-result"></div>
    ${main}
    ${orphans.length ? html`<h3>孤立节点（从起点走不到，保存前需删除或接回）</h3>${orphans.map((/** @type {any} */ n) => nodeView(n.id))}` : nothing}`,
  byId("tree-editor"));
  show(problemsView(state.treeProblems), byId("tree-result"));
}

/** Typing in the tree editor changes the tree in place. @param {Event} ev */
function onTreeInput(ev) {
  const el = /** @type {HTMLInputElement} */ (ev.target);
  const t = state.tree;
  if (!t || !el.dataset.key) return;
  const key = el.dataset.key;
  if (el.dataset.tree) {
    t[key] = el.value;
    return;
  }
  const n = t.nodes.find((/** @type {any} */ x) => x.id === el.dataset.node);
  if (!n) return;
  if (el.dataset.opt !== undefined) {
    const o = n.options[Number(el.dataset.opt)];
    o[key] = key === "synonyms" ? splitList(el.value) : el.value;
  } else if (key === "summary" || key === "message") {
    n.escalate[key] = el.value || (key === "message" ? undefined : "");
  } else n[key] = el.value;
}

/** @param {string} prefix */
function freshId(prefix) {
  const ids = new Set(state.tree.nodes.map((/** @type {any} */ n) => n.id));
  let i = 1;
  while (ids.has(`${prefix}_${i}`)) i += 1;
  return `${prefix}_${i}`;
}

/** @param {string} nodeId */
async function addBranch(nodeId) {
  const ok = await dialog(html`<p>新分支通向：</p><p class="checks">
    <label><input type="radio" name="kind" value="solution" checked> 解决方案（没解决时转人工）</label>
    <label><input type="radio" name="kind" value="escalation"> 直接转人工</label>
    <label><input type="radio" name="kind" value="question"> 继续追问</label></p>
    <input id="branch-label" style="width:100%" aria-label="选项按钮文字" placeholder="选项按钮文字，例如：灯亮了">`, "添加");
  if (!ok) return;
  const kind = /** @type {HTMLInputElement} */ ($("input[name=kind]:checked")).value;
  const label = /** @type {HTMLInputElement} */ ($("#branch-label")).value.trim() || "新选项";
  const t = state.tree;
  const n = t.nodes.find((/** @type {any} */ x) => x.id === nodeId);
  const esc1 = { id: freshId("esc"), escalate: { summary: `${label}，自助排查未解决` } };
  let target;
  if (kind === "solution") {
    target = { id: freshId("fix"), solution: "请按以下步骤尝试：", unsolved: esc1.id };
    t.nodes.push(target, esc1);
  } else if (kind === "escalation") {
    target = esc1;
    t.nodes.push(esc1);
  } else {
    const a = { id: freshId("esc"), escalate: { summary: `${label}：情况一` } };
    t.nodes.push(a);
    const b = { id: freshId("esc"), escalate: { summary: `${label}：情况二` } };
    t.nodes.push(b);
    target = { id: freshId("ask"), ask: "请问是哪种情况？", options: [
      { label: "情况一", synonyms: [], next: a.id }, { label: "情况二", synonyms: [], next: b.id }] };
    t.nodes.push(target);
  }
  n.options.push({ label, synonyms: [], next: target.id });
  renderTree();
}

/** @param {string} nodeId @param {number} index */
function removeBranch(nodeId, index) {
  const t = state.tree;
  const n = t.nodes.find((/** @type {any} */ x) => x.id === nodeId);
  n.options.splice(index, 1);
  const keep = reachable(t);
  const before = t.nodes.length;
  t.nodes = t.nodes.filter((/** @type {any} */ x) => keep.has(x.id));
  renderTree();
  toast(`已删除分支${before - t.nodes.length ? `，连带删除 ${before - t.nodes.length} 个走不到的节点` : ""}`);
}

async function validateTree() {
  const res = await api.call("POST", "/api/kb/trees/validate", state.tree);
  state.treeProblems = res.problems;
  renderTree();
  if (res.ok) show(html`<div class="success">校验通过：没有死胡同、孤立节点或环路。</div>`, byId("tree-result"));
  return res.ok;
}

async function saveTree() {
  if (!(await validateTree())) return;
  const draft = await ensureDraft();
  await api.call("PUT", `/api/kb/drafts/${draft}/trees/${state.tree.id}`, state.tree);
  await refreshDrafts();
  show(html`<div class="success">已保存到草稿 #${draft}。</div>`, byId("tree-result"));
}

export function wireTrees() {
  byId("tree-rows").addEventListener("click", (ev) => {
    const tr = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (ev.target).closest("tr[data-tid]"));
    if (tr) handle(() => openTree(tr.dataset.tid || ""));
  });
  const box = byId("tree-editor");
  box.addEventListener("input", onTreeInput);
  box.addEventListener("click", (ev) => {
    const b = /** @type {HTMLElement} */ (ev.target);
    if (b.id === "tree-validate") handle(validateTree, byId("tree-result"));
    if (b.id === "tree-save") handle(saveTree, byId("tree-result"));
    if (b.matches(".add-branch")) handle(() => addBranch(b.dataset.node || ""));
    if (b.matches(".remove-branch")) removeBranch(b.dataset.node || "", Number(b.dataset.opt));
  });
}
