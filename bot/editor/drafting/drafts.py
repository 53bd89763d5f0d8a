"""Drafts: create, edit questions and trees, and move through review.

    editing --submit--> submitted --approve--> approved --publish--> published
       ^                   |  ^                   |
       +---reject/withdraw-+  +------reject-------+        (discard: any state but published)

Only the author (or an admin) edits a draft, and only while it is `editing`. A reviewer
approves someone else's draft (an admin may approve their own). Publishing is in
`bot.editor.drafting.publishing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from bot.editor import store
from bot.editor.drafting import changes as ch
from bot.editor.drafting.diff import question_change, question_entry, tree_change
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.errors import conflict, forbidden, invalid, not_found
from bot.editor.state import EditorState
from bot.storage.models import KbDraft, utcnow

Actor = dict[str, str]
REVIEWERS = ("reviewer", "admin")


def draft_dict(d: KbDraft, live: Snapshot, *, full: bool = False) -> dict[str, Any]:
    """A draft for the API; `full` adds each item's diff, staleness and problems.

    An open draft is compared with what is live now; a closed one (published, discarded) with
    what was live when it was edited.
    """
    done = d.status in ("published", "discarded")
    items = []
    for qid, item in d.changes.get("questions", {}).items():
        before = item["base"] if done else question_entry(live, qid)
        change = question_change(qid, before, item["value"])
        kind, body = change if change else ("unchanged", {"id": qid})
        title = (item["value"] or item["base"] or {}).get("data", {}).get("title")
        items.append(
            {"kind": "question", "id": qid, "title": title, "action": kind, **_if(full, body)}
        )
    for tid, item in d.changes.get("trees", {}).items():
        tchange = tree_change(tid, item["base"] if done else live.trees.get(tid), item["value"])
        kind, body = tchange if tchange else ("unchanged", {"id": tid})
        title = (item["value"] or item["base"] or {}).get("title")
        items.append({"kind": "tree", "id": tid, "title": title, "action": kind, **_if(full, body)})
    if "support" in d.changes:
        items.append({"kind": "support", "id": "support", "title": None, "action": "changed"})
    out = {
        "id": d.id,
        "title": d.title,
        "author": d.author,
        "status": d.status,
        "base_version": d.base_version,
        "review_note": d.review_note,
        "reviewed_by": d.reviewed_by,
        "reviewed_at": store.iso(d.reviewed_at),
        "published_version": d.published_version,
        "created_at": store.iso(d.created_at),
        "updated_at": store.iso(d.updated_at),
        "items": items,
    }
    if full:
        out["stale"] = [] if done else ch.stale(d.changes, live)
        out["problems"] = [] if done else [p.to_dict() for p in ch.problems(d.changes, live)]
    return out


def _if(flag: bool, body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "title")} if flag else {}


def create(rt: EditorState, actor: Actor, title: str) -> dict[str, Any]:
    """A new, empty draft of `actor`."""
    with rt.db.session() as s:
        d = KbDraft(
            title=title.strip() or "未命名草稿",
            author=actor["username"],
            status="editing",
            base_version=rt.live_version,
            changes=ch.empty(),
        )
        s.add(d)
        s.flush()
        store.audit(s, actor, "draft.create", "draft", d.id, title=d.title)
        return draft_dict(d, rt.snapshot())


def get(rt: EditorState, draft_id: int) -> dict[str, Any]:
    """One draft with its diff, staleness and problems."""
    with rt.db.session() as s:
        d = store.draft(s, draft_id)
        if d is None:
            raise not_found("draft", draft_id)
        return draft_dict(d, rt.snapshot(), full=True)


def listing(rt: EditorState, status: list[str] | None, author: str | None) -> list[dict]:
    """Drafts, most recently changed first."""
    live = rt.snapshot()
    with rt.db.session() as s:
        return [draft_dict(d, live) for d in store.drafts(s, status, author)]


def view(rt: EditorState, draft_id: int | None) -> Snapshot:
    """The live snapshot, or the live snapshot with a draft's edits."""
    live = rt.snapshot()
    if draft_id is None:
        return live
    with rt.db.session() as s:
        d = store.draft(s, draft_id)
        if d is None:
            raise not_found("draft", draft_id)
        return ch.apply(live, d.changes)


@contextmanager
def editable(
    rt: EditorState, actor: Actor, draft_id: int
) -> Iterator[tuple[Session, KbDraft, Snapshot, dict[str, Any]]]:
    """A draft `actor` may edit now, its live base and a copy of its changes to modify.

    The changes are written back (and audited by the caller) when the block ends cleanly.
    """
    with rt.db.session() as s:
        d = store.draft(s, draft_id, lock=True)
        if d is None:
            raise not_found("draft", draft_id)
        if d.author != actor["username"] and actor["role"] != "admin":
            raise forbidden("not_author", "only the author edits a draft")
        if d.status != "editing":
            raise conflict("not_editing", f"the draft is {d.status}", status=d.status)
        changes = {k: dict(v) for k, v in d.changes.items()}
        yield s, d, rt.snapshot(), changes
        d.changes = changes  # a new object, so SQLAlchemy sees the JSON change
        store.touch(d)


def transition(
    rt: EditorState, actor: Actor, draft_id: int, action: str, note: str | None = None
) -> dict[str, Any]:
    """submit | withdraw | approve | reject | discard."""
    with rt.db.session() as s:
        d = store.draft(s, draft_id, lock=True)
        if d is None:
            raise not_found("draft", draft_id)
        live = rt.snapshot()
        own = d.author == actor["username"]
        admin = actor["role"] == "admin"
        if action == "submit":
            _need(own or admin, d, ("editing",))
            if not ch.count(d.changes):
                raise conflict("empty", "the draft has no changes")
            found = ch.problems(d.changes, live)
            if found:
                raise invalid(found, "fix the problems before review")
            d.status = "submitted"
        elif action == "withdraw":
            _need(own or admin, d, ("submitted", "approved"))
            d.status = "editing"
        elif action in ("approve", "reject"):
            if actor["role"] not in REVIEWERS:
                raise forbidden("not_reviewer", "only a reviewer approves or rejects")
            if action == "approve" and own and not admin:
                raise forbidden("own_draft", "a reviewer cannot approve their own draft")
            _need(True, d, ("submitted",) if action == "approve" else ("submitted", "approved"))
            d.status = "approved" if action == "approve" else "editing"
            d.reviewed_by, d.reviewed_at, d.review_note = actor["username"], utcnow(), note
        elif action == "discard":
            _need(own or admin, d, ("editing", "submitted", "approved"))
            d.status = "discarded"
        else:
            raise not_found("action", action)
        store.touch(d)
        store.audit(s, actor, f"draft.{action}", "draft", d.id, note=note, status=d.status)
        return draft_dict(d, live)


def _need(allowed: bool, d: KbDraft, states: tuple[str, ...]) -> None:
    if not allowed:
        raise forbidden("not_author", "only the author (or an admin) can do this")
    if d.status not in states:
        raise conflict("wrong_status", f"the draft is {d.status}", status=d.status)
