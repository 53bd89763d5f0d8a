"""Fixtures of the profile tests: a migrated database, settings, the sample customers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.config import AuthSettings, Settings
from bot.profile.records import CustomerRecord
from bot.profile.seed import load_sample, seed_customers
from bot.storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "knowledge" / "sample_customers.yml"
TODAY = date(2026, 11, 23)  # the sample file's as_of: dates are used as written
SECRET = "test-customer-token-secret-0123456789abcdef"


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """A migrated, empty database (SQLite and PostgreSQL)."""
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def seeded(db: Database) -> Database:
    """The database with the sample customers, as of `TODAY`."""
    seed_customers(db, SAMPLE, TODAY)
    return db


@pytest.fixture
def settings(db_url: str) -> Settings:
    """Embedded settings on the test database, with a known customer-token secret."""
    return Settings(
        db={"url": db_url},
        auth=AuthSettings(customer_token_secret=SECRET),
        knowledge_dir=ROOT / "knowledge",
    )


@pytest.fixture(scope="session")
def sample() -> dict[str, CustomerRecord]:
    """The sample customers by member id, dates as written."""
    return {r.member_id: r for r in load_sample(SAMPLE)}
