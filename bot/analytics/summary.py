"""The headline figures of a range (`GET /api/analytics/summary`), summed from the daily
rollup (`bot.analytics.cubes`).

Definitions (a "conversation" is a contact, see `AnalyticsContact`):
- self_service_rate: contacts the bot answered (an answer, or a solved diagnosis tree) with
  no handoff and no new contact of the same customer on any channel within the re-contact
  window (72 h), over all contacts;
- transfer_rate: contacts with a handoff to engineers requested, over all contacts;
- coverage: the bot's turns by decision (answered / clarified / none) over all its turns;
  clarify_success: clarifications followed by an answer in the same contact;
- fcr: contacts resolved there (by the bot, or closed or returned by an engineer) with no
  new contact within the window, over all contacts;
- csat: the average rating (1-5) of engineers' service; satisfied_rate: share of 4 and 5;
- avg_wait_s: average time from handoff request to an engineer accepting, of accepted ones;
  service_level: share of those accepted within `service_level_s`.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.analytics.cubes import MEASURES, US, sums
from bot.analytics.filters import Filters, rollup_where, where
from bot.analytics.settings import AnalyticsSettings
from bot.storage.supervision import AnalyticsContact as C
from bot.storage.supervision import AnalyticsDaily as D

EMPTY = (0,) * len(MEASURES)


def rate(part: float, whole: float) -> float | None:
    """part / whole rounded to 4 places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def mean(total: int, n: int, places: int, scale: int = 1) -> float | None:
    """total / (n * scale) rounded (scale: the unit of an exact sum, e.g. `US`); None when
    there is nothing to divide."""
    return round(int(total) / (int(n) * scale), places) if n else None


def figures(row: Any) -> dict[str, Any]:
    """The named figures of one row of sums (`bot.analytics.cubes.MEASURES` order)."""
    v = dict(zip(MEASURES, row, strict=True))
    turns = v["answered"] + v["clarified"] + v["unmatched"]
    return {
        "conversations": v["contacts"],
        "self_service_rate": rate(v["self_service"], v["contacts"]),
        "transfer_rate": rate(v["transferred"], v["contacts"]),
        "coverage": {
            "answered": rate(v["answered"], turns),
            "clarified": rate(v["clarified"], turns),
            "none": rate(v["unmatched"], turns),
            "turns": turns,
            "clarify_success": rate(v["clarify_ok"], v["clarified"]),
        },
        "fcr": rate(v["fcr"], v["contacts"]),
        "csat": mean(v["rating_sum"], v["rated"], 2),
        "satisfied_rate": rate(v["satisfied"], v["rated"]),
        "ratings": v["rated"],
        "avg_wait_s": mean(v["wait_sum"], v["waited"], 1, US),
        "service_level": rate(v["in_service_level"], v["waited"]),
        "counts": {
            "self_service": v["self_service"],
            "transferred": v["transferred"],
            "fcr": v["fcr"],
            "waited": v["waited"],
            "in_service_level": v["in_service_level"],
            "complaints": v["complaints"],
            "answered": v["with_answer"],  # contacts with at least one such turn
            "clarified": v["with_clarify"],
            "unmatched": v["with_none"],
        },
    }


def summary(s: Session, f: Filters, conf: AnalyticsSettings, tz: ZoneInfo) -> dict[str, Any]:
    """The headline figures of the range (from the daily rollup), with the definitions'
    parameters."""
    out = figures(s.execute(select(*sums(D)).where(*rollup_where(f, D))).one())
    lo, hi = f.bounds(tz)
    window = timedelta(hours=conf.recontact_hours)
    # Contacts whose re-contact window is still open: their outcome may still change.
    pending = s.scalar(
        select(func.count(C.id)).where(*where(f, tz), C.ended_at > datetime.now(UTC) - window)
    )
    out.update(
        {
            "from": f.start.isoformat(),
            "to": f.end.isoformat(),
            "channel": f.channel,
            "recontact_hours": conf.recontact_hours,
            "service_level_s": conf.service_level_s,
            "service_level_target": conf.service_level_target,
            "pending_recontact": pending,
            "range": [lo.isoformat(), hi.isoformat()],
        }
    )
    return out
