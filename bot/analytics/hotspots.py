"""Complaint hot spots: complaints and tier-5 contacts grouped by subject, ranked.

The subject of a contact is its answered standard question's category when the bot knew what
it was about, else the most distinctive word of the customer's first words (`words.subject`).
Each hot spot has its count, the count of the period before (the trend), the count per day,
the channels, top words and examples: enough to hand it to the owning team as a process fix.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analytics import words
from bot.analytics.filters import Filters, where
from bot.handoff.store import aware
from bot.storage.supervision import AnalyticsContact as C


def subject_of(category: str | None, text: str | None) -> str:
    """The hot spot a complaint belongs to."""
    if category:
        return category
    return words.subject(text or "") or "其他"


def hotspots(s: Session, f: Filters, tz: ZoneInfo, limit: int = 20) -> list[dict[str, Any]]:
    """Ranked hot spots of the range, with the previous period of the same length."""
    span = (f.end - f.start).days + 1
    before = f.model_copy(
        update={"start": f.start - timedelta(days=span), "end": f.start - timedelta(days=1)}
    )
    cols = (C.id, C.conversation_id, C.category, C.first_text, C.channel, C.started_at)
    now_rows = s.execute(select(*cols).where(*where(f, tz), C.complaint.is_(True))).all()
    old_rows = s.execute(
        select(C.category, C.first_text).where(*where(before, tz), C.complaint.is_(True))
    ).all()
    previous = Counter(subject_of(cat, text) for cat, text in old_rows)
    groups: dict[str, list[Any]] = defaultdict(list)
    for row in now_rows:
        groups[subject_of(row[2], row[3])].append(row)
    out: list[dict[str, Any]] = []
    for name, rows in groups.items():
        days = Counter(aware(r[5]).astimezone(tz).date().isoformat() for r in rows)
        rows.sort(key=lambda r: aware(r[5]), reverse=True)
        out.append(
            {
                "subject": name,
                "count": len(rows),
                "previous": previous.get(name, 0),
                "trend": len(rows) - previous.get(name, 0),
                "per_day": dict(sorted(days.items())),
                "channels": dict(Counter(r[4] for r in rows)),
                "words": words.top_words([r[3] for r in rows if r[3]], 6),
                "examples": [
                    {
                        "contact_id": r[0],
                        "conversation_id": r[1],
                        "text": r[3],
                        "channel": r[4],
                        "at": aware(r[5]).isoformat(),
                    }
                    for r in rows[:5]
                ],
            }
        )
    out.sort(key=lambda h: (-h["count"], -h["trend"]))
    return out[:limit]
