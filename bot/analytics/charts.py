"""The dashboard's charts: figures per day, per hour, per breakdown, and the diagnosis funnel,
summed from the rollups (`bot.analytics.cubes`).

Every point carries the count of contacts behind it (`n`, or the metric's own count), which
is what its drill-down (`bot.analytics.drill`) lists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.analytics.cubes import US, sums
from bot.analytics.filters import Filters, rollup_where
from bot.analytics.settings import AnalyticsSettings
from bot.analytics.summary import EMPTY, figures, mean
from bot.storage.supervision import AnalyticsDaily as D
from bot.storage.supervision import AnalyticsFunnel as F
from bot.storage.supervision import AnalyticsHourly as H

BREAKDOWNS: dict[str, Any] = {
    "channel": D.channel,
    "tier": func.coalesce(D.tier, 0),
    "queue": D.queue,
    "product_line": D.product_line,
    "category": D.category,
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

    def trend(self) -> list[dict[str, Any]]:
        """The figures of each day of the range."""
        rows = self.s.execute(
            select(D.day, *sums(D)).where(*rollup_where(self.f, D)).group_by(D.day)
        ).all()
        found = {r[0].isoformat(): figures(r[1:]) for r in rows}
        empty = figures(EMPTY)
        days = (
            self.f.start + timedelta(days=i) for i in range((self.f.end - self.f.start).days + 1)
        )
        return [{"day": d.isoformat(), **found.get(d.isoformat(), empty)} for d in days]

    def hours(self) -> list[dict[str, Any]]:
        """Contacts and transfers by hour of the day."""
        rows = self.s.execute(
            select(H.hour, *sums(H))
            .where(*rollup_where(self.f, H))
            .group_by(H.hour)
            .order_by(H.hour)
        ).all()
        return [{"hour": int(r[0]), **figures(r[1:])} for r in rows]

    def breakdown(self, name: str) -> list[dict[str, Any]]:
        """The figures per channel, tier (0 = none decided), queue, product line or category."""
        key: Any = BREAKDOWNS[name].label("key")
        q = select(key, *sums(D)).where(*rollup_where(self.f, D))
        if name == "queue":
            q = q.where(D.queue.is_not(None))
        rows = self.s.execute(q.group_by(key).order_by(func.sum(D.contacts).desc())).all()
        return [{"key": r[0], **figures(r[1:])} for r in rows]

    def engineers(self) -> list[dict[str, Any]]:
        """Per engineer: handled, first response, handle time, CSAT."""
        handled = func.sum(D.contacts)
        rows = self.s.execute(
            select(
                D.agent,
                handled,
                func.sum(D.response_sum),
                func.sum(D.response_n),
                func.sum(D.handle_sum),
                func.sum(D.handle_n),
                func.sum(D.rating_sum),
                func.sum(D.rated),
                func.sum(D.satisfied),
            )
            .where(*rollup_where(self.f, D), D.agent.is_not(None))
            .group_by(D.agent)
            .order_by(handled.desc(), D.agent)
        ).all()
        return [
            {
                "agent": r[0],
                "handled": int(r[1]),
                "first_response_s": mean(r[2], r[3], 1, US),
                "handle_s": mean(r[4], r[5], 1, US),
                "csat": mean(r[6], r[7], 2),
                "ratings": int(r[7]),
                "satisfied": int(r[8] or 0),
            }
            for r in rows
        ]

    def funnel(self) -> list[dict[str, Any]]:
        """Per tree and node: entered, answered, solved, escalated, abandoned (contacts)."""
        conds = rollup_where(self.f, F)
        reached = func.sum(F.contacts)
        rows = self.s.execute(
            select(F.tree_id, F.node_id, F.kind, reached)
            .where(*conds, F.node_id.is_not(None))
            .group_by(F.tree_id, F.node_id, F.kind)
        ).all()
        trees: dict[str, dict[str, Any]] = {}
        for tree, node, kind, n in rows:
            t = trees.setdefault(tree, {"tree": tree, "nodes": {}})
            counts = t["nodes"].setdefault(node, {"node": node})
            counts[kind] = counts.get(kind, 0) + int(n)
        per_tree = self.s.execute(
            select(F.tree_id, F.kind, reached)
            .where(*conds, F.node_id.is_(None))
            .group_by(F.tree_id, F.kind)
        ).all()
        for tree, kind, n in per_tree:
            trees[tree][kind] = int(n)
        out = []
        for t in trees.values():
            t["nodes"] = sorted(t["nodes"].values(), key=lambda c: -c.get("enter", 0))
            t["entered"] = t.get("enter", 0)
            out.append(t)
        return sorted(out, key=lambda t: -t["entered"])
