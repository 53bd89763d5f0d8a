"""What the dashboard is asked about: a time range and filters, and the drill-down predicates.

Dates are days of the service centre's clock (`KEFU_HANDOFF__TIMEZONE`); `to` is inclusive.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Integer, and_, cast, exists, func, select
from sqlalchemy.sql.elements import ColumnElement as Col

from bot.storage.supervision import AnalyticsContact as C
from bot.storage.supervision import AnalyticsStep

Metric = Literal[
    "all",
    "self_service",
    "transferred",
    "fcr",
    "answered",
    "clarified",
    "unmatched",
    "rated",
    "waited",
    "in_service_level",
    "complaint",
    "emotion",
]


class Filters(BaseModel):
    """The range and the filters of the page (every figure and list honours them)."""

    start: date = Field(description="First day (the centre's clock).")
    end: date = Field(description="Last day, inclusive.")
    channel: str | None = Field(None, max_length=20)
    product_line: str | None = Field(None, max_length=20)
    category: str | None = Field(None, max_length=64)
    tier: int | None = Field(None, ge=1, le=5)
    queue: str | None = Field(None, max_length=40)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The range as [start, end) instants, in UTC (SQLite compares the stored UTC text)."""
        return day_start(self.start, tz), day_start(self.end + timedelta(days=1), tz)


def day_start(day: date, tz: ZoneInfo) -> datetime:
    """Midnight of `day` on the centre's clock, as a UTC instant."""
    return datetime.combine(day, time(), tz).astimezone(UTC)


class Drill(BaseModel):
    """Which contacts stand behind one point of a chart (the filters come on top)."""

    metric: Metric = "all"
    day: date | None = None  # a day of a time chart
    hour: int | None = Field(None, ge=0, le=23)  # an hour of the day chart
    agent: str | None = Field(None, max_length=64)
    rating: int | None = Field(None, ge=1, le=5)
    tree: str | None = Field(None, max_length=64)
    node: str | None = Field(None, max_length=64)
    step: str | None = Field(None, max_length=12)  # enter | solved | escalated | abandoned
    question: str | None = Field(None, max_length=32)
    by_tier: int | None = Field(None, ge=0, le=5)  # 0 = no tier decided
    by_queue: str | None = Field(None, max_length=40)
    by_channel: str | None = Field(None, max_length=20)


def where(f: Filters, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    """SQL conditions on `analytics_contacts` for the filters."""
    lo, hi = f.bounds(tz)
    out: list[ColumnElement[bool]] = [C.started_at >= lo, C.started_at < hi]
    for column, value in (
        (C.channel, f.channel),
        (C.product_line, f.product_line),
        (C.category, f.category),
        (C.tier, f.tier),
        (C.queue, f.queue),
    ):
        if value is not None:
            out.append(column == value)
    return out


def rollup_where(f: Filters, table: Any) -> list[ColumnElement[bool]]:
    """SQL conditions on a rollup table (`bot.analytics.cubes`) for the filters: its rows of
    the range's days hold exactly the contacts `where` selects."""
    out: list[ColumnElement[bool]] = [table.day >= f.start, table.day <= f.end]
    for name in ("channel", "product_line", "category", "tier", "queue"):
        value = getattr(f, name)
        if value is not None:
            out.append(getattr(table, name) == value)
    return out


def metric_condition(metric: Metric, service_level_s: float, emotion: float) -> Col[bool] | None:
    """The contacts a metric counts (None = all)."""
    return {
        "all": None,
        "self_service": C.self_service.is_(True),
        "transferred": C.transferred.is_(True),
        "fcr": C.fcr.is_(True),
        "answered": C.answered > 0,
        "clarified": C.clarified > 0,
        "unmatched": C.unmatched > 0,
        "rated": C.rating.is_not(None),
        "waited": C.wait_s.is_not(None),
        "in_service_level": C.wait_s <= service_level_s,
        "complaint": C.complaint.is_(True),
        "emotion": C.negative_max >= emotion,
    }[metric]


def drill_where(
    d: Drill, tz: ZoneInfo, dialect: str, service_level_s: float, emotion: float
) -> list[ColumnElement[bool]]:
    """SQL conditions for a drill-down (on top of `where`)."""
    out: list[ColumnElement[bool]] = []
    cond = metric_condition(d.metric, service_level_s, emotion)
    if cond is not None:
        out.append(cond)
    if d.day is not None:
        lo = day_start(d.day, tz)
        out += [C.started_at >= lo, C.started_at < lo + timedelta(days=1)]
    if d.hour is not None:
        out.append(local_part(C.started_at, "hour", tz, dialect) == d.hour)
    for column, value in (
        (C.agent, d.agent),
        (C.rating, d.rating),
        (C.question_id, d.question),
        (C.queue, d.by_queue),
        (C.channel, d.by_channel),
    ):
        if value is not None:
            out.append(column == value)
    if d.by_tier is not None:
        out.append(C.tier.is_(None) if d.by_tier == 0 else C.tier == d.by_tier)
    if d.tree is not None or d.node is not None or d.step is not None:
        conds: list[Any] = [AnalyticsStep.contact_id == C.id]
        if d.tree is not None:
            conds.append(AnalyticsStep.tree_id == d.tree)
        if d.node is not None:
            conds.append(AnalyticsStep.node_id == d.node)
        if d.step is not None:
            conds.append(AnalyticsStep.kind == d.step)
        out.append(exists(select(AnalyticsStep.id).where(and_(*conds))))
    return out


def offset_hours(tz: ZoneInfo, when: datetime) -> float:
    """The centre's UTC offset at `when`, in hours."""
    delta = when.astimezone(tz).utcoffset() or timedelta()
    return delta.total_seconds() / 3600


def local_part(column: Any, part: Literal["hour"], tz: ZoneInfo, dialect: str) -> Any:
    """The hour (0-23) of a timestamp on the centre's clock."""
    if dialect == "postgresql":
        return cast(func.extract(part, func.timezone(tz.key, column)), Integer)
    hours = offset_hours(tz, datetime.now(tz))
    return cast(func.strftime("%H", column, f"{hours:+.2f} hours"), Integer)
