"""Fixtures of the analytics tests: a migrated database with the small fixed history."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.analytics.rollup import Rollup
from bot.analytics.settings import AnalyticsSettings
from bot.storage.db import Database
from tests.analytics import dataset

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def history(db: Database) -> dict[str, int]:
    """The fixed history, rolled up."""
    ids = dataset.write(db)
    info = {"power-001": ("开机与电源", "book"), "display-001": ("屏幕与显示", None)}
    Rollup(db, AnalyticsSettings(), lambda: info, TZ).run()
    return ids
