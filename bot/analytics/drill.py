"""The contacts behind a point of a chart: counted, listed a page at a time, exported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.analytics.filters import Drill, Filters, drill_where, where
from bot.analytics.settings import AnalyticsSettings
from bot.handoff.store import aware
from bot.storage.supervision import AnalyticsContact as C

EMOTION_ALERT = 0.8  # a customer message at least this negative marks the contact

COLUMNS: list[tuple[str, str]] = [
    ("id", "编号"),
    ("conversation_id", "会话"),
    ("started_at", "开始时间"),
    ("ended_at", "结束时间"),
    ("channel", "渠道"),
    ("sender", "用户"),
    ("customer_id", "客户"),
    ("first_text", "首句"),
    ("question_id", "标准问"),
    ("category", "分类"),
    ("product_line", "产品线"),
    ("tree_id", "诊断树"),
    ("tier", "分级"),
    ("answered", "直接回答"),
    ("clarified", "澄清"),
    ("unmatched", "未匹配"),
    ("self_service", "自助解决"),
    ("transferred", "转人工"),
    ("fcr", "首次解决"),
    ("queue", "队列"),
    ("agent", "工程师"),
    ("handoff_status", "人工状态"),
    ("wait_s", "等待秒数"),
    ("first_response_s", "首响秒数"),
    ("handle_s", "处理秒数"),
    ("rating", "评分"),
    ("negative_max", "负面情绪峰值"),
    ("recontact_at", "72小时内再次联系"),
    ("complaint", "投诉"),
]


def conditions(
    s: Session, f: Filters, d: Drill, conf: AnalyticsSettings, tz: ZoneInfo
) -> list[Any]:
    """The SQL conditions of the filters and the drill-down."""
    dialect = s.get_bind().dialect.name
    return [*where(f, tz), *drill_where(d, tz, dialect, conf.service_level_s, EMOTION_ALERT)]


def count(s: Session, f: Filters, d: Drill, conf: AnalyticsSettings, tz: ZoneInfo) -> int:
    """How many contacts the drill-down holds."""
    return int(s.scalar(select(func.count(C.id)).where(*conditions(s, f, d, conf, tz))) or 0)


def page(
    s: Session,
    f: Filters,
    d: Drill,
    conf: AnalyticsSettings,
    tz: ZoneInfo,
    *,
    offset: int = 0,
    limit: int = 50,
) -> dict[str, Any]:
    """One page of the drill-down, newest first, with the total."""
    conds = conditions(s, f, d, conf, tz)
    rows = s.scalars(
        select(C)
        .where(*conds)
        .order_by(C.started_at.desc(), C.id.desc())
        .offset(offset)
        .limit(limit)
    )
    total = int(s.scalar(select(func.count(C.id)).where(*conds)) or 0)
    return {"total": total, "offset": offset, "items": [row_of(c) for c in rows]}


def rows(
    s: Session, f: Filters, d: Drill, conf: AnalyticsSettings, tz: ZoneInfo, batch: int = 2000
) -> Iterator[dict[str, Any]]:
    """Every contact of the drill-down, oldest first (for exports), in batches."""
    conds = conditions(s, f, d, conf, tz)
    last = 0
    while True:
        chunk = list(s.scalars(select(C).where(*conds, C.id > last).order_by(C.id).limit(batch)))
        if not chunk:
            return
        yield from (row_of(c) for c in chunk)
        last = chunk[-1].id


def row_of(c: C) -> dict[str, Any]:
    """One contact as a flat row (times as ISO text)."""
    out: dict[str, Any] = {}
    for name, _ in COLUMNS:
        value = getattr(c, name)
        if name.endswith("_at") and value is not None:
            value = aware(value).isoformat(timespec="seconds")
        out[name] = value
    return out
