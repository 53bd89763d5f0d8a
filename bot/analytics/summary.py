"""The headline figures of a range (`GET /api/analytics/summary`), one aggregate query.

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

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from bot.analytics.filters import Filters, where
from bot.analytics.settings import AnalyticsSettings
from bot.storage.supervision import AnalyticsContact as C


def _n(cond: Any) -> Any:
    return func.coalesce(func.sum(cast(case((cond, 1), else_=0), Integer)), 0)


def aggregates(sl_s: float) -> list[Any]:
    """The aggregate columns every figure is computed from, in `FIELDS` order."""
    return [
        func.count(C.id),
        _n(C.self_service.is_(True)),
        _n(C.transferred.is_(True)),
        _n(C.fcr.is_(True)),
        func.coalesce(func.sum(C.answered), 0),
        func.coalesce(func.sum(C.clarified), 0),
        func.coalesce(func.sum(C.unmatched), 0),
        func.coalesce(func.sum(C.clarify_ok), 0),
        func.count(C.rating),
        func.avg(C.rating),
        _n(C.rating >= 4),
        func.count(C.wait_s),
        func.avg(C.wait_s),
        _n(C.wait_s <= sl_s),
        _n(C.complaint.is_(True)),
        _n(C.answered > 0),
        _n(C.clarified > 0),
        _n(C.unmatched > 0),
    ]


FIELDS = (
    "n", "self", "transferred", "fcr", "answered", "clarified", "none", "clarify_ok",
    "rated", "csat", "satisfied", "waited", "wait", "in_sl", "complaints",
    "with_answer", "with_clarify", "with_none",
)  # fmt: skip


def rate(part: float, whole: float) -> float | None:
    """part / whole rounded to 4 places; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def figures(row: Any) -> dict[str, Any]:
    """The named figures of one aggregate row."""
    v = dict(zip(FIELDS, row, strict=True))
    v.update({k: None for k in ("csat", "wait") if not v[k]} if not v["n"] else {})
    turns = v["answered"] + v["clarified"] + v["none"]
    return {
        "conversations": v["n"],
        "self_service_rate": rate(v["self"], v["n"]),
        "transfer_rate": rate(v["transferred"], v["n"]),
        "coverage": {
            "answered": rate(v["answered"], turns),
            "clarified": rate(v["clarified"], turns),
            "none": rate(v["none"], turns),
            "turns": turns,
            "clarify_success": rate(v["clarify_ok"], v["clarified"]),
        },
        "fcr": rate(v["fcr"], v["n"]),
        "csat": round(float(v["csat"]), 2) if v["csat"] is not None else None,
        "satisfied_rate": rate(v["satisfied"], v["rated"]),
        "ratings": v["rated"],
        "avg_wait_s": round(float(v["wait"]), 1) if v["wait"] is not None else None,
        "service_level": rate(v["in_sl"], v["waited"]),
        "counts": {
            "self_service": v["self"],
            "transferred": v["transferred"],
            "fcr": v["fcr"],
            "waited": v["waited"],
            "in_service_level": v["in_sl"],
            "complaints": v["complaints"],
            "answered": v["with_answer"],  # contacts with at least one such turn
            "clarified": v["with_clarify"],
            "unmatched": v["with_none"],
        },
    }


def summary(s: Session, f: Filters, conf: AnalyticsSettings, tz: ZoneInfo) -> dict[str, Any]:
    """The headline figures of the range, with the definitions' parameters."""
    row = s.execute(select(*aggregates(conf.service_level_s)).where(*where(f, tz))).one()
    out = figures(row)
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
