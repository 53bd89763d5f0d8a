"""Edits inside a draft: questions (save, create, disable, delete, add a phrasing) and trees.

A question is saved with the lenient rules (so half-done work is kept) and the full rules'
problems come back with it; submitting for review needs them fixed. A tree is saved only when
it passes every check: no dead ends, no orphans, no loops.
"""

from __future__ import annotations

from typing import Any

from bot.editor import store
from bot.editor.catalog.questions import canonical, check_question, next_id
from bot.editor.catalog.trees import canonical_tree, check_tree
from bot.editor.drafting import changes as ch
from bot.editor.drafting.diff import question_entry
from bot.editor.drafting.drafts import Actor, editable
from bot.editor.errors import Problem, conflict, invalid, not_found
from bot.editor.state import EditorState


def _current(changes: ch.Changes, live: Any, qid: str) -> dict[str, Any] | None:
    item = changes.get("questions", {}).get(qid)
    return item["value"] if item else question_entry(live, qid)


def _lenient(data: dict[str, Any], products: set[str] | None) -> dict[str, Any]:
    question, found = check_question(data, products, strict=False)
    if question is None:
        raise invalid(found)
    return canonical(question)


def save_question(
    rt: EditorState, actor: Actor, draft_id: int, qid: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Replace question `qid` in the draft; returns its full-rule problems."""
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        current = _current(changes, live, qid)
        if current is None:
            raise not_found("question", qid)
        body = {**data, "id": qid, "category": current["data"].get("category", "")}
        entry = {"data": _lenient(body, live.product_ids or None), "disabled": current["disabled"]}
        ch.put_question(changes, live, qid, entry)
        store.audit(s, actor, "question.edit", "question", qid, draft=d.id)
    return {"id": qid, "problems": _problems(entry["data"], live)}


def create_question(
    rt: EditorState, actor: Actor, draft_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """Add a new question to the draft, in an existing category (its id follows the category's
    file, e.g. ``power-023``)."""
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        category = str(data.get("category") or "")
        slug = live.categories().get(category)
        if slug is None:
            raise invalid([Problem("", "category", "unknown_category", "unknown category")])
        qid = next_id(slug, taken_ids(s, live))
        stored = _lenient({**data, "id": qid}, live.product_ids or None)
        ch.put_question(changes, live, qid, {"data": stored, "disabled": False})
        store.audit(s, actor, "question.create", "question", qid, draft=d.id)
    return {"id": qid, "problems": _problems(stored, live)}


def taken_ids(s: Any, live: Any) -> set[str]:
    """Ids a new question may not get: live, in any draft, or ever published (ids are never
    reused, so a deleted question's id stays taken)."""
    ids = set(live.questions)
    ids.update(q for d in store.drafts(s) for q in d.changes.get("questions", {}))
    for _, _, _, diff in store.edit_history(s):
        for part in (diff.get("questions") or {}).values():
            ids.update(i["id"] for i in part)
    return ids


def _problems(data: dict[str, Any], live: Any) -> list[dict[str, Any]]:
    return [p.to_dict() for p in check_question(data, live.product_ids or None)[1]]


def set_disabled(
    rt: EditorState, actor: Actor, draft_id: int, qid: str, disabled: bool
) -> dict[str, Any]:
    """Disable (out of service, kept) or enable a question."""
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        current = _current(changes, live, qid)
        if current is None:
            raise not_found("question", qid)
        ch.put_question(changes, live, qid, {**current, "disabled": disabled})
        action = "question.disable" if disabled else "question.enable"
        store.audit(s, actor, action, "question", qid, draft=d.id)
    return {"id": qid, "disabled": disabled}


def delete_question(
    rt: EditorState, actor: Actor, draft_id: int, qid: str, confirm: str | None
) -> dict[str, Any]:
    """Delete a question; `confirm` must repeat its id (the page asks for it)."""
    if confirm != qid:
        raise conflict("confirm", "repeat the question id to confirm the deletion")
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        current = _current(changes, live, qid)
        if current is None:
            raise not_found("question", qid)
        title = current["data"].get("title")
        ch.put_question(changes, live, qid, None)
        store.audit(s, actor, "question.delete", "question", qid, draft=d.id, title=title)
    return {"id": qid, "deleted": True}


def add_phrasing(
    rt: EditorState, actor: Actor, draft_id: int, qid: str, text: str
) -> dict[str, Any]:
    """Add one similar phrasing to a question (e.g. from what users asked)."""
    text = text.strip()
    if not text:
        raise invalid([Problem(qid, "similar", "empty", "the phrasing is empty")])
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        current = _current(changes, live, qid)
        if current is None:
            raise not_found("question", qid)
        data = current["data"]
        if text in [data.get("title"), *data.get("similar", [])]:
            raise conflict("exists", "the question already has this phrasing")
        entry = {**current, "data": {**data, "similar": [*data.get("similar", []), text]}}
        ch.put_question(changes, live, qid, entry)
        store.audit(s, actor, "question.add_phrasing", "question", qid, draft=d.id, text=text)
    return {"id": qid, "similar": entry["data"]["similar"]}


def save_tree(
    rt: EditorState, actor: Actor, draft_id: int, tid: str, data: dict[str, Any]
) -> dict[str, Any]:
    """Replace (or add) tree `tid` in the draft, if it passes every check."""
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        tree, found = check_tree({**data, "id": tid}, live.product_ids or None, live.skills)
        if tree is None:
            raise invalid(found, "the tree has problems")
        action = "tree.edit" if tid in live.trees else "tree.create"
        ch.put_tree(changes, live, tid, canonical_tree(tree))
        store.audit(s, actor, action, "tree", tid, draft=d.id)
    return {"id": tid, "problems": []}


def delete_tree(
    rt: EditorState, actor: Actor, draft_id: int, tid: str, confirm: str | None
) -> dict[str, Any]:
    """Delete a tree; questions linking it show their answer text instead (listed back)."""
    if confirm != tid:
        raise conflict("confirm", "repeat the tree id to confirm the deletion")
    with editable(rt, actor, draft_id) as (s, d, live, changes):
        if tid not in ch.apply(live, changes).trees:
            raise not_found("tree", tid)
        ch.put_tree(changes, live, tid, None)
        store.audit(s, actor, "tree.delete", "tree", tid, draft=d.id)
        linked = [q for q, v in ch.apply(live, changes).questions.items() if v.get("tree") == tid]
    return {"id": tid, "deleted": True, "linked_questions": linked}


def revert(rt: EditorState, actor: Actor, draft_id: int, kind: str, item: str) -> dict:
    """Drop one item's edits from the draft."""
    part = {"question": "questions", "tree": "trees"}.get(kind)
    with editable(rt, actor, draft_id) as (s, d, _live, changes):
        if part is None and kind == "support":
            found = changes.pop("support", None) is not None
        else:
            found = part is not None and changes.get(part, {}).pop(item, None) is not None
        if not found:
            raise not_found(kind, item)
        store.audit(s, actor, "draft.revert", kind, item, draft=d.id)
    return {"kind": kind, "id": item, "reverted": True}
