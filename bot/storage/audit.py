"""Audit logs: who read or changed what, and when.

Two tables share one shape (`at`, `actor`, `role`, `action`, `target_type`, `target_id`,
`detail`) and the helpers here: `access_audit` (`AccessAudit`) records staff reads and changes
of customers' conversations, handoffs and tickets; `kb_audit` (`KbAudit`) the editor's
knowledge changes (written through `bot.editor.store`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.db import Database
from bot.storage.models import AccessAudit, KbAudit

TARGET_TYPES = ("conversation", "handoff", "ticket")

AuditTable = type[AccessAudit] | type[KbAudit]


def entry(
    table: AuditTable,
    actor: dict[str, str],
    action: str,
    target_type: str,
    target_id: object,
    detail: dict[str, Any],
) -> AccessAudit | KbAudit:
    """One row of `table` (not yet added to a session); `target_id` cut to the column."""
    length = getattr(table.__table__.c.target_id.type, "length", None) or 128
    return table(
        actor=actor["username"],
        role=actor["role"],
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:length],
        detail=detail,
    )


def page(
    s: Session,
    table: AuditTable,
    *,
    actor: str | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """Rows of `table` newest first, filtered (`action` is a prefix, e.g. `ticket.`), with the
    total that matched."""
    query = select(table)
    if actor:
        query = query.where(table.actor == actor)
    if action:
        query = query.where(table.action.startswith(action))
    if target_type:
        query = query.where(table.target_type == target_type)
    if target_id:
        query = query.where(table.target_id == target_id)
    total = s.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = s.scalars(query.order_by(table.id.desc()).limit(limit).offset(offset))
    return total, [_view(cast(AccessAudit | KbAudit, r)) for r in rows]


def _view(r: AccessAudit | KbAudit) -> dict[str, Any]:
    return {
        "id": r.id,
        "at": _iso(r.at),
        "actor": r.actor,
        "role": r.role,
        "action": r.action,
        "target_type": r.target_type,
        "target_id": r.target_id,
        "detail": r.detail,
    }


def record(
    db: Database,
    actor: dict[str, str],
    action: str,
    target_type: str,
    target_id: object,
    **detail: Any,
) -> None:
    """Append one access entry (its own transaction)."""
    with db.session() as s:
        s.add(entry(AccessAudit, actor, action, target_type, target_id, detail))


def entries(db: Database, **filters: Any) -> dict[str, Any]:
    """The access log, newest first (`page`'s filters), as `{"total", "items"}`."""
    with db.session() as s:
        total, items = page(s, AccessAudit, **filters)
    return {"total": total, "items": items}


def _iso(at: datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
