"""The headline figures equal the ones worked out by hand on a small fixed history.

Five contacts: a1 answered and gone (self-service); b1 clarified then answered, but the same
customer came back on another channel two days later (b2: no match, engineer, rated 5, waited
30 s); c1 no match and gone; d1 answered, then an engineer (rated 3, waited 90 s).
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.analytics.filters import Filters
from bot.analytics.rollup import Rollup
from bot.analytics.settings import AnalyticsSettings
from bot.analytics.summary import summary
from bot.storage.db import Database
from tests.analytics.conftest import TZ

RANGE = Filters(start=date(2026, 11, 1), end=date(2026, 11, 7))


def test_summary_rates_equal_hand_computed_values(db: Database, history: dict[str, int]) -> None:
    with db.session() as s:
        out = summary(s, RANGE, AnalyticsSettings(), TZ)
    assert out["conversations"] == 5
    assert out["self_service_rate"] == 0.2  # a1
    assert out["transfer_rate"] == 0.4  # b2, d1
    assert out["fcr"] == 0.6  # a1, b2, d1
    assert out["coverage"]["turns"] == 6
    assert out["coverage"]["answered"] == 0.5  # a1, b1, d1
    assert out["coverage"]["clarified"] == pytest.approx(1 / 6, abs=1e-4)
    assert out["coverage"]["none"] == pytest.approx(2 / 6, abs=1e-4)
    assert out["coverage"]["clarify_success"] == 1.0
    assert out["csat"] == 4.0
    assert out["avg_wait_s"] == 60.0
    assert out["service_level"] == 0.5  # 30 s in, 90 s out of 60 s


def test_channel_filter_keeps_only_that_channel(db: Database, history: dict[str, int]) -> None:
    with db.session() as s:
        out = summary(s, RANGE.model_copy(update={"channel": "wechat"}), AnalyticsSettings(), TZ)
    assert out["conversations"] == 1
    assert out["self_service_rate"] == 0.0  # b1 came back
    assert out["coverage"]["clarify_success"] == 1.0


def test_rollup_twice_changes_nothing(db: Database, history: dict[str, int]) -> None:
    Rollup(db, AnalyticsSettings(), dict, TZ).run()
    with db.session() as s:
        assert summary(s, RANGE, AnalyticsSettings(), TZ)["conversations"] == 5
