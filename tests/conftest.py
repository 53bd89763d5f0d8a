"""Shared fixtures: real databases (SQLite file, PostgreSQL), the real Rasa server and app."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from bot.runtime.stack import LocalStack as LiveStack

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

T = TypeVar("T")
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "KEFU_TEST_PG_ADMIN", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"kefu_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database URL, on SQLite and on PostgreSQL."""
    from bot.storage.db import migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kefu.db'}"
    else:
        url = request.getfixturevalue("pg_database")
        _reset_postgres(url)
    migrate(url)
    return url


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def rasa_model() -> Path:
    """The trained Rasa model (trained here only when its inputs changed)."""
    from bot.runtime.rasa import model_path, train_if_changed

    model_dir = ROOT / "models"
    train_if_changed(model_dir)
    return model_path(model_dir)


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory, rasa_model: Path) -> Iterator[LiveStack]:
    """The real Rasa server and the real app (`bot serve --no-rasa`) for the whole session.

    The returned stack has `url`, `db_url`, and `stop_rasa()` / `start_rasa()` for the
    degraded-path tests.
    """
    stack = LiveStack(rasa_model, tmp_path_factory.mktemp("stack"))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def sender() -> str:
    """A fresh channel-user id, so tests never share a conversation."""
    return f"test-{uuid.uuid4().hex[:12]}"


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion in a thread of its own.

    The page tests keep Playwright's sync API (and so an event loop) alive on the main
    thread for the whole session, where `asyncio.run` refuses to start a second loop.
    """
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
