"""The access audit log: which staff member read or changed which customer's conversation,
handoff or ticket, and when (`AccessAudit`). Knowledge changes are in the editor's own log."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import func, select

from bot.storage.db import Database
from bot.storage.models import AccessAudit

TARGET_TYPES = ("conversation", "handoff", "ticket")


def record(
    db: Database,
    actor: dict[str, str],
    action: str,
    target_type: str,
    target_id: object,
    **detail: Any,
) -> None:
    """Append one entry (its own transaction)."""
    with db.session() as s:
        s.add(
            AccessAudit(
                actor=actor["username"],
                role=actor["role"],
                action=action,
                target_type=target_type,
                target_id=str(target_id)[:128],
                detail=detail,
            )
        )


def entries(
    db: Database,
    *,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> dict[str, Any]:
    """The log, newest first, filtered (`action` is a prefix, e.g. `ticket.`), with the total."""
    query = select(AccessAudit)
    if actor:
        query = query.where(AccessAudit.actor == actor)
    if action:
        query = query.where(AccessAudit.action.startswith(action))
    if target_type:
        query = query.where(AccessAudit.target_type == target_type)
    if target_id:
        query = query.where(AccessAudit.target_id == target_id)
    with db.session() as s:
        total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = s.scalars(query.order_by(AccessAudit.id.desc()).limit(limit).offset(offset))
        items = [
            {
                "id": r.id,
                "at": (r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC)).isoformat(),
                "actor": r.actor,
                "role": r.role,
                "action": r.action,
                "target_type": r.target_type,
                "target_id": r.target_id,
                "detail": r.detail,
            }
            for r in rows
        ]
    return {"total": total, "items": items}
