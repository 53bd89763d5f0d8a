"""Read-only views for the page: the live state, one question, the trees, feedback, meta."""

from __future__ import annotations

from typing import Any

from bot.diagnosis.schema import Tree
from bot.diagnosis.stats import shape
from bot.diagnosis.store import node_stats
from bot.editor import store
from bot.editor.catalog.listing import Query, facets, rows
from bot.editor.catalog.questions import full
from bot.editor.catalog.trees import check_tree
from bot.editor.drafting.drafts import view
from bot.editor.errors import not_found
from bot.editor.state import EditorState
from bot.knowledge.schema import KNOWN_TAGS

OPEN = ["editing", "submitted", "approved"]


def live(rt: EditorState) -> dict[str, Any]:
    """Which version is live and what it holds."""
    snap = rt.snapshot()
    return {
        "version": rt.live_version,
        "questions": len(snap.questions),
        "disabled": len(snap.disabled),
        "trees": len(snap.trees),
        "calibration": rt.knowledge.matcher.calibration_status(),
    }


def meta(rt: EditorState) -> dict[str, Any]:
    """What forms offer: categories, product lines, trees, customer tags, channels."""
    snap = rt.snapshot()
    owners = [f"owner_{p}" for p in sorted(snap.product_ids)]
    return {**facets(snap), "tags": sorted(KNOWN_TAGS) + owners, "channels": ["web", "wechat"]}


def pending(rt: EditorState) -> dict[str, int]:
    """Question id -> the open draft that changes it (the most recent one)."""
    out: dict[str, int] = {}
    with rt.db.session() as s:
        for d in reversed(store.drafts(s, OPEN)):
            for qid in d.changes.get("questions", {}):
                out[qid] = d.id
    return out


def questions(rt: EditorState, query: Query, draft_id: int | None) -> dict[str, Any]:
    """The list page."""
    figures = rt.stats.figures(rt.live_version)
    return rows(view(rt, draft_id), figures, query, pending(rt))


def question(rt: EditorState, qid: str, draft_id: int | None) -> dict[str, Any]:
    """One question as the edit form shows it, with its figures."""
    snap = view(rt, draft_id)
    data = snap.questions.get(qid)
    if data is None:
        raise not_found("question", qid)
    return {
        "question": full(data),
        "disabled": qid in snap.disabled,
        "live": qid in rt.snapshot().questions,
        "draft": pending(rt).get(qid),
        **rt.stats.question(qid, rt.live_version),
    }


def trees(rt: EditorState, draft_id: int | None) -> list[dict[str, Any]]:
    """Every tree with its size and the questions that start it."""
    snap = view(rt, draft_id)
    out = []
    for tid, data in snap.trees.items():
        s = shape(Tree.model_validate(data))
        out.append(
            {
                "id": tid,
                "title": data.get("title"),
                "description": data.get("description", ""),
                "nodes": s.nodes,
                "depth": s.depth,
                "paths": s.paths,
                "questions": [q for q, v in snap.questions.items() if v.get("tree") == tid],
            }
        )
    return out


def tree(rt: EditorState, tid: str, draft_id: int | None) -> dict[str, Any]:
    """One tree as JSON, with the per-node counters of the conversations."""
    snap = view(rt, draft_id)
    data = snap.trees.get(tid)
    if data is None:
        raise not_found("tree", tid)
    full_tree = Tree.model_validate(data).model_dump(mode="json", exclude_none=True)
    skills = sorted(snap.skills or [])
    return {"tree": full_tree, "stats": node_stats(rt.db, tid), "skills": skills}


def feedback(rt: EditorState, limit: int = 100) -> list[dict[str, Any]]:
    """Questions with thumbs up/down from the chat page, most thumbs-down first."""
    f = rt.stats.figures(rt.live_version)
    snap = rt.snapshot()
    ids = set(f.up) | set(f.down)
    out: list[dict[str, Any]] = [
        {
            "id": q,
            "title": (snap.questions.get(q) or {}).get("title"),
            "up": f.up.get(q, 0),
            "down": f.down.get(q, 0),
            "hits": f.hits.get(q, 0),
        }
        for q in ids
    ]
    out.sort(key=lambda r: (-r["down"], r["up"], r["id"]))
    return out[:limit]


def validate_tree(rt: EditorState, data: Any) -> dict[str, Any]:
    """Check a tree without saving it."""
    snap = rt.snapshot()
    found = check_tree(data, snap.product_ids or None, snap.skills)[1]
    return {"ok": not found, "problems": [p.to_dict() for p in found]}


def versions(rt: EditorState, limit: int, offset: int) -> dict[str, Any]:
    """Published versions, newest first, and which is live."""
    with rt.db.session() as s:
        return {"live": rt.live_version, "items": store.versions(s, limit, offset)}


def version(rt: EditorState, number: int) -> dict[str, Any]:
    """One version with its stored diff."""
    with rt.db.session() as s:
        row = store.version(s, number)
        if row is None:
            raise not_found("version", number)
        return {**store.version_row(row), "diff": row.diff}


def audit(
    rt: EditorState,
    actor: str | None,
    action: str | None,
    target: str | None,
    limit: int,
    offset: int,
) -> dict[str, Any]:
    """A page of the audit log."""
    with rt.db.session() as s:
        total, items = store.audit_rows(
            s, actor=actor, action=action, target=target, limit=limit, offset=offset
        )
    return {"total": total, "items": items}
