"""Reading and writing versions, drafts and the audit log (one SQLAlchemy session each call)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage import audit as auditlog
from bot.storage.models import KbAudit, KbDraft, KbVersion, utcnow


def iso(at: datetime | None) -> str | None:
    """A stored time as ISO 8601 in UTC (SQLite gives naive datetimes back)."""
    if at is None:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def latest_number(s: Session) -> int | None:
    """Number of the live (newest) version, None before the first."""
    return s.scalar(select(func.max(KbVersion.number)))


def version(s: Session, number: int) -> KbVersion | None:
    """One version by number."""
    return s.scalar(select(KbVersion).where(KbVersion.number == number))


def latest_files_version(s: Session) -> KbVersion | None:
    """The newest version read from the knowledge files."""
    return s.scalar(
        select(KbVersion).where(KbVersion.kind == "files").order_by(KbVersion.number.desc())
    )


def version_row(v: KbVersion) -> dict[str, Any]:
    """A version without its snapshot, JSON-ready."""
    return {
        "number": v.number,
        "kind": v.kind,
        "author": v.author,
        "approved_by": v.approved_by,
        "draft_id": v.draft_id,
        "note": v.note,
        "created_at": iso(v.created_at),
        "counts": (v.diff or {}).get("counts", {}),
        "rollback_to": (v.diff or {}).get("rollback_to"),
    }


def versions(s: Session, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    """Versions, newest first, without snapshots (they are large)."""
    cols = [c for c in KbVersion.__table__.c if c.name != "snapshot"]
    rows = s.execute(
        select(*cols).order_by(KbVersion.number.desc()).limit(limit).offset(offset)
    ).all()
    return [version_row(KbVersion(**r._mapping)) for r in rows]


def edit_history(s: Session) -> list[tuple[int, datetime, str, dict[str, Any]]]:
    """(number, time, author, diff) of every version, oldest first (for "last edited")."""
    rows = s.execute(
        select(KbVersion.number, KbVersion.created_at, KbVersion.author, KbVersion.diff).order_by(
            KbVersion.number
        )
    ).all()
    return [(r[0], r[1], r[2], r[3] or {}) for r in rows]


def add_version(s: Session, **fields: Any) -> KbVersion:
    """Insert a version (the unique number makes a concurrent publish fail, not fork)."""
    row = KbVersion(**fields)
    s.add(row)
    s.flush()
    return row


def draft(s: Session, draft_id: int, *, lock: bool = False) -> KbDraft | None:
    """One draft (locked for update where the database supports it)."""
    query = select(KbDraft).where(KbDraft.id == draft_id)
    return s.scalar(query.with_for_update() if lock else query)


def drafts(s: Session, status: list[str] | None = None, author: str | None = None) -> list[KbDraft]:
    """Drafts, most recently changed first."""
    query = select(KbDraft).order_by(KbDraft.updated_at.desc(), KbDraft.id.desc())
    if status:
        query = query.where(KbDraft.status.in_(status))
    if author:
        query = query.where(KbDraft.author == author)
    return list(s.scalars(query))


def touch(d: KbDraft) -> None:
    """Mark a draft as changed now."""
    d.updated_at = utcnow()


def audit(
    s: Session,
    actor: dict[str, str],
    action: str,
    target_type: str,
    target_id: object,
    **detail: Any,
) -> None:
    """Append one entry to the audit log (in the caller's transaction)."""
    s.add(auditlog.entry(KbAudit, actor, action, target_type, target_id, detail))


def audit_rows(
    s: Session,
    *,
    actor: str | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """The audit log, newest first, filtered; with the total count."""
    return auditlog.page(
        s, KbAudit, actor=actor, action=action, target_id=target, limit=limit, offset=offset
    )
