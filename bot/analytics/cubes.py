"""Rollups of the contact facts that the dashboard reads: sums per day, per hour of the day
and per diagnosis step, by every filter of the page.

- `analytics_daily`: per day (the centre's clock), channel, product line, category, tier,
  queue and engineer: the headline figures, the trend, the breakdowns, the engineers.
- `analytics_hourly`: per day and hour of the day, by the same filters: the hours chart.
- `analytics_funnel`: contacts per day, filters, tree, node and kind of step: the funnel.

Every figure is a ratio of two sums (`MEASURES`), and a contact belongs to exactly one row of
each table, so adding rows over a range gives what aggregating the facts of that range gives.

Maintenance: the rollup marks the days whose contacts it wrote, removed or changed (`mark`),
in the transaction that changes the facts; at the end of its run `refresh` rebuilds each
marked day's rows from `analytics_contacts` (one INSERT ... SELECT ... GROUP BY per table)
and clears the marks, in one transaction. Readers see the old rows or the new, never half. A
change of time zone or service level (which the rows were summed with) rebuilds every day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, Date, Integer, case, cast, delete, func, literal, null, select
from sqlalchemy.orm import Session

from bot.analytics.filters import day_start, local_part
from bot.analytics.settings import AnalyticsSettings
from bot.handoff.store import aware
from bot.storage.supervision import AnalyticsContact as C
from bot.storage.supervision import (
    AnalyticsDaily,
    AnalyticsFunnel,
    AnalyticsHourly,
    AnalyticsState,
)
from bot.storage.supervision import AnalyticsStep as S

DIRTY = "rollup_days"  # the days waiting for `refresh`
SHAPE = "rollup_shape"  # what the rows were summed with
VALUES = "rollup_values"  # the values of the filters the rows hold (the page's choices)
VERSION = 1  # raised when what a row sums changes: every day is rebuilt
TABLES = (AnalyticsDaily, AnalyticsHourly, AnalyticsFunnel)
US = 1_000_000  # duration sums are kept in microseconds
DIMENSIONS = ("channel", "product_line", "category", "tier", "queue")
OPTIONS = {"channels": "channel", "queues": "queue", "product_lines": "product_line",
           "categories": "category"}  # fmt: skip


def _n(cond: Any) -> Any:
    return func.coalesce(func.sum(cast(case((cond, 1), else_=0), Integer)), 0)


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def _micros(seconds: Any) -> Any:
    """The sum of a duration column in whole microseconds (exact, in any order)."""
    return _sum(cast(func.round(seconds * US), BigInteger))


# Each sum of a rollup row, as an aggregate over `analytics_contacts` (argument: the service
# level in seconds). The order is the order `bot.analytics.summary.figures` reads them in.
MEASURES: dict[str, Callable[[float], Any]] = {
    "contacts": lambda _: func.count(C.id),
    "self_service": lambda _: _n(C.self_service.is_(True)),
    "transferred": lambda _: _n(C.transferred.is_(True)),
    "fcr": lambda _: _n(C.fcr.is_(True)),
    "answered": lambda _: _sum(C.answered),
    "clarified": lambda _: _sum(C.clarified),
    "unmatched": lambda _: _sum(C.unmatched),
    "clarify_ok": lambda _: _sum(C.clarify_ok),
    "rated": lambda _: func.count(C.rating),
    "rating_sum": lambda _: _sum(C.rating),
    "satisfied": lambda _: _n(C.rating >= 4),
    "waited": lambda _: func.count(C.wait_s),
    "wait_sum": lambda _: _micros(C.wait_s),
    "in_service_level": lambda sl: _n(C.wait_s <= sl),
    "complaints": lambda _: _n(C.complaint.is_(True)),
    "with_answer": lambda _: _n(C.answered > 0),
    "with_clarify": lambda _: _n(C.clarified > 0),
    "with_none": lambda _: _n(C.unmatched > 0),
    "response_n": lambda _: func.count(C.first_response_s),
    "response_sum": lambda _: _micros(C.first_response_s),
    "handle_n": lambda _: func.count(C.handle_s),
    "handle_sum": lambda _: _micros(C.handle_s),
}


def sums(table: Any) -> list[Any]:
    """The summed measures of a rollup table's rows, in `MEASURES` order."""
    return [_sum(getattr(table, name)) for name in MEASURES]


def day_of(at: datetime, tz: ZoneInfo) -> date:
    """The centre's calendar day of an instant."""
    return aware(at).astimezone(tz).date()


def mark(s: Session, days: Iterable[date]) -> None:
    """Remember days whose contacts changed (in the caller's transaction)."""
    new = {d.isoformat() for d in days}
    if not new:
        return
    state = s.get(AnalyticsState, DIRTY)
    have = set((state.value or {}).get("days") or []) if state else set()
    if not new <= have:
        s.merge(AnalyticsState(name=DIRTY, value={"days": sorted(have | new)}))


def refresh(s: Session, tz: ZoneInfo, conf: AnalyticsSettings) -> int:
    """Rebuild the marked days (every day when the shape changed); returns how many."""
    shape = {"version": VERSION, "tz": tz.key, "service_level_s": conf.service_level_s}
    dirty = s.get(AnalyticsState, DIRTY)
    marked = ((dirty.value or {}).get("days") or []) if dirty else []
    days = {date.fromisoformat(d) for d in marked}
    built = s.get(AnalyticsState, SHAPE)
    known = s.get(AnalyticsState, VALUES)
    if built is None or built.value != shape:
        known = None
        for table in TABLES:
            s.execute(delete(table))
        first, last = s.execute(select(func.min(C.started_at), func.max(C.started_at))).one()
        if first is not None:
            lo, hi = day_of(first, tz), day_of(last, tz)
            days |= {lo + timedelta(days=i) for i in range((hi - lo).days + 1)}
        s.merge(AnalyticsState(name=SHAPE, value=shape))
    dialect = s.get_bind().dialect.name
    for day in sorted(days):
        _rebuild_day(s, day, tz, conf.service_level_s, dialect)
    if days or known is None:
        _remember_options(s, days if known is not None else None, known)
    if dirty is not None:
        s.delete(dirty)
    return len(days)


def options(s: Session) -> dict[str, list[Any]]:
    """The values the page's filters offer: every one the facts ever held (kept by `refresh`;
    read from the daily rows until it has run)."""
    known = s.get(AnalyticsState, VALUES)
    return dict(known.value) if known is not None else _options(s, None)


def _options(s: Session, days: set[date] | None) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for name, dim in OPTIONS.items():
        column = getattr(AnalyticsDaily, dim)
        q = select(column).distinct()
        if days is not None:
            q = q.where(AnalyticsDaily.day.in_(sorted(days)))
        out[name] = sorted(v for v in s.scalars(q) if v)
    return out


def _remember_options(s: Session, days: set[date] | None, known: AnalyticsState | None) -> None:
    """Add the values of the rebuilt days (all days when `days` is None) to those kept."""
    found = _options(s, days)
    old = (known.value or {}) if known is not None else {}
    merged = {k: sorted(set(old.get(k) or []) | set(v)) for k, v in found.items()}
    if merged != old:
        s.merge(AnalyticsState(name=VALUES, value=merged))


def _rebuild_day(s: Session, day: date, tz: ZoneInfo, sl: float, dialect: str) -> None:
    lo, hi = day_start(day, tz), day_start(day + timedelta(days=1), tz)
    span = (C.started_at >= lo, C.started_at < hi)
    for table in TABLES:
        s.execute(delete(table).where(table.day == day))
    the_day = literal(day, Date)
    dims = [getattr(C, d) for d in DIMENSIONS]
    aggregates = [fn(sl) for fn in MEASURES.values()]
    s.execute(
        AnalyticsDaily.__table__.insert().from_select(  # type: ignore[attr-defined]
            ["day", *DIMENSIONS, "agent", *MEASURES],
            select(the_day, *dims, C.agent, *aggregates).where(*span).group_by(*dims, C.agent),
        )
    )
    hour = local_part(C.started_at, "hour", tz, dialect)
    s.execute(
        AnalyticsHourly.__table__.insert().from_select(  # type: ignore[attr-defined]
            ["day", "hour", *DIMENSIONS, *MEASURES],
            select(the_day, hour, *dims, *aggregates).where(*span).group_by(hour, *dims),
        )
    )
    funnel = ["day", *DIMENSIONS, "tree_id", "node_id", "kind", "contacts"]
    reached = func.count(func.distinct(S.contact_id))
    for node in (S.node_id, None):  # per node, then the whole tree
        keys = [*dims, S.tree_id, S.kind] + ([node] if node is not None else [])
        node_col = node if node is not None else null()
        s.execute(
            AnalyticsFunnel.__table__.insert().from_select(  # type: ignore[attr-defined]
                funnel,
                select(the_day, *dims, S.tree_id, node_col, S.kind, reached)
                .join(C, C.id == S.contact_id)
                .where(*span)
                .group_by(*keys),
            )
        )
