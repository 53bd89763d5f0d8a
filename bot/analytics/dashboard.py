"""Everything the page's first view shows, in one read (one session, a handful of queries
over the rollups of `bot.analytics.cubes`)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.analytics import cubes
from bot.analytics.charts import Charts
from bot.analytics.filters import Filters
from bot.analytics.releases import releases
from bot.analytics.settings import AnalyticsSettings
from bot.analytics.summary import summary
from bot.quality import board
from bot.quality.rules import RuleBook


def dashboard(
    s: Session, f: Filters, conf: AnalyticsSettings, tz: ZoneInfo, book: RuleBook, today: date
) -> dict[str, Any]:
    """Figures, charts, releases, recent alerts, rule precision, filter options (the hot spots
    are the hot-issues tab's own read)."""
    charts = Charts(s, f, conf, tz)
    return {
        "summary": summary(s, f, conf, tz),
        "trend": charts.trend(),
        "hours": charts.hours(),
        "breakdowns": {
            name: charts.breakdown(name)
            for name in ("channel", "tier", "queue", "product_line", "category")
        },
        "engineers": charts.engineers(),
        "funnel": charts.funnel(),
        "releases": releases(s, f, tz),
        "alerts": board.alerts(s, limit=30),
        "emotion_alerts": board.alerts(s, kind="emotion", limit=20),
        "precision": board.precision(s, book),
        "options": cubes.options(s),
        "today": today.isoformat(),
    }
