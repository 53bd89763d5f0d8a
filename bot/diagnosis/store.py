"""What a diagnosis turn leaves in the database: the session's path and the node counters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.diagnosis.engine import Step
from bot.storage.db import Database
from bot.storage.models import DiagnosisNodeStat, DiagnosisSession

# Record kind -> counter it increments. A resumed tree was not abandoned after all.
_COUNTERS = {
    "enter": ("entered", 1),
    "answer": ("answered", 1),
    "solved": ("solved", 1),
    "escalated": ("escalated", 1),
    "abandoned": ("abandoned", 1),
    "resumed": ("abandoned", -1),
}
_STATUS = {
    "solved": "solved",
    "escalated": "escalated",
    "paused": "paused",
    "ended": "abandoned",  # the customer quit the tree (退出排查)
}


def record_step(
    db: Database, conversation_id: int | None, tree_id: str, step: Step, session_id: int | None
) -> int:
    """Append the step's records to the session (created on first use) and bump the counters.

    Returns:
        The session id, to keep in the dialogue state.
    """
    now = datetime.now(UTC)
    with db.session() as s:
        row = s.get(DiagnosisSession, session_id) if session_id else None
        if row is None:
            row = DiagnosisSession(
                conversation_id=conversation_id,
                tree_id=tree_id,
                node_id=step.records[0].node if step.records else "",
                path=[],
            )
            s.add(row)
        at = now.isoformat(timespec="seconds")
        row.path = [
            *row.path,
            *({"kind": r.kind, "node": r.node, **r.detail, "at": at} for r in step.records),
        ]
        row.status = _STATUS.get(step.outcome, "active")
        if step.state is not None:
            row.node_id = step.state.node
        elif step.records:
            row.node_id = step.records[-1].node
        if step.handoff is not None:
            row.handoff = step.handoff
        if step.state is None:
            row.ended_at = now
        row.updated_at = now
        for record in step.records:
            counter = _COUNTERS.get(record.kind)
            if counter:
                _bump(s, tree_id, record.node, *counter)
        s.flush()
        return row.id


def _bump(s: Session, tree_id: str, node_id: str, column: str, by: int) -> None:
    col = getattr(DiagnosisNodeStat, column)
    where = (DiagnosisNodeStat.tree_id == tree_id, DiagnosisNodeStat.node_id == node_id)
    # An UPDATE with an expression, so concurrent turns never lose a count.
    done = s.execute(update(DiagnosisNodeStat).where(*where).values({column: col + by}))
    if done.rowcount:  # type: ignore[attr-defined]
        return
    try:
        with s.begin_nested():
            counts = dict.fromkeys(("entered", "answered", "solved", "escalated", "abandoned"), 0)
            counts[column] = max(by, 0)
            s.add(DiagnosisNodeStat(tree_id=tree_id, node_id=node_id, **counts))
    except IntegrityError:  # another process created the row first
        s.execute(update(DiagnosisNodeStat).where(*where).values({column: col + by}))


def node_stats(db: Database, tree_id: str | None = None) -> list[dict[str, Any]]:
    """Counters per node, optionally of one tree."""
    with db.session() as s:
        q = select(DiagnosisNodeStat).order_by(DiagnosisNodeStat.tree_id, DiagnosisNodeStat.id)
        if tree_id:
            q = q.where(DiagnosisNodeStat.tree_id == tree_id)
        return [
            {
                "tree": r.tree_id,
                "node": r.node_id,
                "entered": r.entered,
                "answered": r.answered,
                "solved": r.solved,
                "escalated": r.escalated,
                "abandoned": r.abandoned,
            }
            for r in s.scalars(q)
        ]


def sessions_of(db: Database, conversation_id: int) -> list[dict[str, Any]]:
    """The diagnosis sessions of a conversation, oldest first (for staff and handoffs)."""
    with db.session() as s:
        rows = s.scalars(
            select(DiagnosisSession)
            .where(DiagnosisSession.conversation_id == conversation_id)
            .order_by(DiagnosisSession.id)
        )
        return [
            {
                "id": r.id,
                "tree": r.tree_id,
                "status": r.status,
                "node": r.node_id,
                "path": r.path,
                "handoff": r.handoff,
                "started_at": r.started_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
            }
            for r in rows
        ]
