"""Publishing an approved draft, and rolling back to any version.

Both write a new version (full snapshot + diff) in one transaction, then swap the live index in
this process and tell the other replicas. No Rasa retraining is involved: standard questions
are matched by the app, not by Rasa's NLU.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.exc import IntegrityError

from bot.editor import store
from bot.editor.drafting import changes as ch
from bot.editor.drafting.conflicts import draft_conflicts
from bot.editor.drafting.diff import diff, slim, touched
from bot.editor.drafting.drafts import REVIEWERS, Actor
from bot.editor.drafting.snapshot import Snapshot
from bot.editor.errors import conflict, forbidden, not_found
from bot.editor.state import EditorState


def _catch_up(rt: EditorState) -> None:
    """Serve the newest version first if another replica published it meanwhile."""
    newest = rt.newest_published()
    if newest is not None and newest != rt.live_version:
        rt.go_live(newest)


def publish(rt: EditorState, actor: Actor, draft_id: int, *, force: bool = False) -> dict:
    """Publish an approved draft: a new version, live in this process when this returns.

    Args:
        rt: the editor runtime.
        actor: the publishing reviewer (or admin).
        draft_id: the draft.
        force: publish even though the conflict check lists something.

    Raises:
        EditorError: 403 not a reviewer; 409 not approved, stale items, or conflicts (without
            `force`); 422 the merged knowledge does not validate.
    """
    if actor["role"] not in REVIEWERS:
        raise forbidden("not_reviewer", "only a reviewer publishes, after review")
    started = time.perf_counter()
    with rt.publish_lock, _one_at_a_time():
        _catch_up(rt)
        live = rt.snapshot()
        with rt.db.session() as s:
            d = store.draft(s, draft_id, lock=True)
            if d is None:
                raise not_found("draft", draft_id)
            if d.status != "approved":
                raise conflict("not_approved", "a draft is published after review", status=d.status)
            stale = ch.stale(d.changes, live)
            if stale:
                raise conflict("stale", "items changed since the draft took them", items=stale)
            new = ch.apply(live, d.changes)
            kb, book = new.build()
            changed = diff(live, new)
            if not force:
                key = (d.id, store.iso(d.updated_at), rt.live_version)
                found = draft_conflicts(rt, key, new, touched(changed)[0])
                if found["phrasings"] or found["duplicates"]:
                    raise conflict("conflicts", "the conflict check found something", **found)
            number = (store.latest_number(s) or 0) + 1
            store.add_version(
                s,
                number=number,
                kind="publish",
                author=d.author,
                approved_by=d.reviewed_by,
                draft_id=d.id,
                note=d.title,
                snapshot=new.encode(),
                diff=slim(changed),
            )
            d.status, d.published_version = "published", number
            store.touch(d)
            store.audit(
                s, actor, "draft.publish", "draft", d.id, version=number, counts=changed["counts"]
            )
        rt.serve(number, new, kb, book)
    _notify(rt, number)
    return {"version": number, "diff": changed, "seconds": round(time.perf_counter() - started, 3)}


def rollback(rt: EditorState, actor: Actor, number: int, note: str = "") -> dict[str, Any]:
    """Make version `number`'s content live again, as a new version (history is kept)."""
    if actor["role"] not in REVIEWERS:
        raise forbidden("not_reviewer", "only a reviewer rolls back")
    with rt.publish_lock, _one_at_a_time():
        _catch_up(rt)
        live = rt.snapshot()
        target: Snapshot = rt.snapshot(number)
        kb, book = target.build()
        changed = diff(live, target)
        with rt.db.session() as s:
            new_number = (store.latest_number(s) or 0) + 1
            store.add_version(
                s,
                number=new_number,
                kind="rollback",
                author=actor["username"],
                approved_by=actor["username"],
                note=note,
                snapshot=target.encode(),
                diff={**slim(changed), "rollback_to": number},
            )
            store.audit(s, actor, "version.rollback", "version", new_number, to=number, note=note)
        rt.serve(new_number, target, kb, book)
    _notify(rt, new_number)
    return {"version": new_number, "rolled_back_to": number, "diff": changed}


@contextmanager
def _one_at_a_time() -> Iterator[None]:
    """Two replicas publishing at the same moment: the version number is unique, so the second
    fails whole; it is told to try again (it will then build on the first)."""
    try:
        yield
    except IntegrityError as err:
        raise conflict("busy", "another publish happened at the same moment: try again") from err


def _notify(rt: EditorState, number: int) -> None:
    if rt.sync is not None:
        rt.sync.notify(number)
