"""What changed: the knowledge releases of a range and their effect on the questions touched.

For each published version (not the first, which seeds the base), the questions its diff
added, changed or removed; then, on the customer turns about those questions (answered with
one, or with one as the top candidate) in the `days` before and after the release: coverage
(the share answered directly) and transfer (the share of their contacts handed to engineers).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from bot.analytics.filters import Filters
from bot.handoff.store import aware
from bot.storage.models import KbVersion
from bot.storage.supervision import AnalyticsContact as C
from bot.storage.supervision import AnalyticsTurn as T


def touched(diff: dict[str, Any]) -> list[str]:
    """Question ids a version's diff added, changed or removed."""
    q = diff.get("questions") or {}
    return [str(e["id"]) for kind in ("added", "changed", "removed") for e in q.get(kind) or []]


def effect(
    s: Session, ids: list[str], lo: datetime, hi: datetime, channel: str | None
) -> dict[str, Any]:
    """Coverage and transfer on the turns about `ids` in [lo, hi)."""
    conds = [T.question_id.in_(ids), T.at >= lo, T.at < hi]
    if channel:
        conds.append(T.channel == channel)
    row = s.execute(
        select(
            func.count(T.id),
            func.sum(cast(case((T.decision == "answer", 1), else_=0), Integer)),
            func.count(func.distinct(T.contact_id)),
        ).where(*conds)
    ).one()
    transferred = s.scalar(
        select(func.count(func.distinct(C.id)))
        .join(T, T.contact_id == C.id)
        .where(*conds, C.transferred.is_(True))
    )
    turns, answered, contacts = int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)
    return {
        "turns": turns,
        "coverage": round(answered / turns, 4) if turns else None,
        "contacts": contacts,
        "transfer_rate": round(int(transferred or 0) / contacts, 4) if contacts else None,
    }


def releases(s: Session, f: Filters, tz: ZoneInfo, days: int = 7) -> list[dict[str, Any]]:
    """The releases within the range, with before/after figures on the questions touched."""
    lo, hi = f.bounds(tz)
    versions = s.scalars(
        select(KbVersion)
        .where(KbVersion.created_at >= lo, KbVersion.created_at < hi, KbVersion.number > 1)
        .order_by(KbVersion.number)
    )
    out = []
    for v in versions:
        at = aware(v.created_at)
        ids = touched(v.diff or {})
        span = timedelta(days=days)
        out.append(
            {
                "version": v.number,
                "at": at.isoformat(),
                "day": at.astimezone(tz).date().isoformat(),
                "kind": v.kind,
                "author": v.author,
                "note": v.note,
                "questions": ids[:50],
                "question_count": len(ids),
                "before": effect(s, ids, at - span, at, f.channel) if ids else None,
                "after": effect(s, ids, at, at + span, f.channel) if ids else None,
            }
        )
    return out
