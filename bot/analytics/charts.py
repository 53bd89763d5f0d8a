"""The dashboard's charts: figures per day, per hour, per breakdown, and the diagnosis funnel.

Every point carries the count of contacts behind it (`n`, or the metric's own count), which
is what its drill-down (`bot.analytics.drill`) lists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from bot.analytics.filters import Filters, local_day, local_part, where
from bot.analytics.settings import AnalyticsSettings
from bot.analytics.summary import FIELDS, aggregates, figures
from bot.storage.supervision import AnalyticsContact as C
from bot.storage.supervision import AnalyticsStep as S

BREAKDOWNS: dict[str, Any] = {
    "channel": C.channel,
    "tier": func.coalesce(C.tier, 0),
    "queue": C.queue,
    "product_line": C.product_line,
    "category": C.category,
}


class Charts:
    """Chart data of one range and filter set.

    Args:
        s: an open session.
        f: the range and filters.
        conf: analytics settings.
        tz: the centre's time zone.
    """

    def __init__(self, s: Session, f: Filters, conf: AnalyticsSettings, tz: ZoneInfo) -> None:
        self.s = s
        self.f = f
        self.conf = conf
        self.tz = tz
        self.dialect = s.get_bind().dialect.name
        self.where = where(f, tz)

    def trend(self) -> list[dict[str, Any]]:
        """The figures of each day of the range."""
        day = local_day(C.started_at, self.tz, self.dialect).label("day")
        rows = self.s.execute(
            select(day, *aggregates(self.conf.service_level_s))
            .where(*self.where)
            .group_by(day)
            .order_by(day)
        ).all()
        found = {r[0]: figures(r[1:]) for r in rows}
        empty = figures((0,) * len(FIELDS))
        days = (
            self.f.start + timedelta(days=i) for i in range((self.f.end - self.f.start).days + 1)
        )
        return [{"day": d.isoformat(), **found.get(d.isoformat(), empty)} for d in days]

    def hours(self) -> list[dict[str, Any]]:
        """Contacts and transfers by hour of the day."""
        hour = local_part(C.started_at, "hour", self.tz, self.dialect).label("hour")
        rows = self.s.execute(
            select(hour, *aggregates(self.conf.service_level_s))
            .where(*self.where)
            .group_by(hour)
            .order_by(hour)
        ).all()
        return [{"hour": int(r[0]), **figures(r[1:])} for r in rows]

    def breakdown(self, name: str) -> list[dict[str, Any]]:
        """The figures per channel, tier (0 = none decided), queue, product line or category."""
        key: Any = BREAKDOWNS[name].label("key")
        q = select(key, *aggregates(self.conf.service_level_s)).where(*self.where)
        if name == "queue":
            q = q.where(C.queue.is_not(None))
        rows = self.s.execute(q.group_by(key).order_by(func.count(C.id).desc())).all()
        return [{"key": r[0], **figures(r[1:])} for r in rows]

    def engineers(self) -> list[dict[str, Any]]:
        """Per engineer: handled, first response, handle time, CSAT."""
        rows = self.s.execute(
            select(
                C.agent,
                func.count(C.id),
                func.avg(C.first_response_s),
                func.avg(C.handle_s),
                func.avg(C.rating),
                func.count(C.rating),
                func.sum(case((C.rating >= 4, 1), else_=0)),
            )
            .where(*self.where, C.agent.is_not(None))
            .group_by(C.agent)
            .order_by(func.count(C.id).desc())
        ).all()
        return [
            {
                "agent": r[0],
                "handled": r[1],
                "first_response_s": _round(r[2]),
                "handle_s": _round(r[3]),
                "csat": _round(r[4], 2),
                "ratings": r[5],
                "satisfied": int(r[6] or 0),
            }
            for r in rows
        ]

    def funnel(self) -> list[dict[str, Any]]:
        """Per tree and node: entered, answered, solved, escalated, abandoned (contacts)."""
        rows = self.s.execute(
            select(S.tree_id, S.node_id, S.kind, func.count(func.distinct(S.contact_id)))
            .join(C, C.id == S.contact_id)
            .where(*self.where)
            .group_by(S.tree_id, S.node_id, S.kind)
        ).all()
        trees: dict[str, dict[str, Any]] = {}
        for tree, node, kind, n in rows:
            t = trees.setdefault(tree, {"tree": tree, "nodes": {}})
            counts = t["nodes"].setdefault(node, {"node": node})
            counts[kind] = counts.get(kind, 0) + n
        per_tree = self.s.execute(
            select(S.tree_id, S.kind, func.count(func.distinct(S.contact_id)))
            .join(C, C.id == S.contact_id)
            .where(*self.where)
            .group_by(S.tree_id, S.kind)
        ).all()
        for tree, kind, n in per_tree:
            trees[tree][kind] = n
        out = []
        for t in trees.values():
            t["nodes"] = sorted(t["nodes"].values(), key=lambda c: -c.get("enter", 0))
            t["entered"] = t.get("enter", 0)
            out.append(t)
        return sorted(out, key=lambda t: -t["entered"])


def _round(value: Any, places: int = 1) -> float | None:
    return round(float(value), places) if value is not None else None
