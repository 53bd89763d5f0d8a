"""Shared fixtures: real databases (SQLite file, PostgreSQL), the real Rasa server and app."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("KEFU_TEST_PG_ADMIN", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"
                ),
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


@dataclass
class LiveStack:
    """The real Rasa server and the real app, each on a free loopback port."""

    url: str
    db_url: str
    rasa: object  # bot.runtime.rasa.RasaServer
    app: subprocess.Popen[bytes]
    log_dir: Path

    def stop_rasa(self) -> None:
        """Stop the Rasa server (to test the degraded path)."""
        self.rasa.stop()  # type: ignore[attr-defined]

    def start_rasa(self) -> None:
        """Start the Rasa server again and wait until it answers."""
        self.rasa.start()  # type: ignore[attr-defined]
        self.rasa.wait_ready()  # type: ignore[attr-defined]


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    """Wait until `url` answers 2xx, failing early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 300:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout_s} s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory, rasa_model: Path) -> Iterator[LiveStack]:
    """Start Rasa and the app (`bot serve --no-rasa`) for the whole session."""
    from bot.runtime.rasa import RasaServer

    work = tmp_path_factory.mktemp("stack")
    app_port, rasa_port = free_port(), free_port()
    rasa = RasaServer(
        model=rasa_model,
        port=rasa_port,
        action_url=f"http://127.0.0.1:{app_port}/actions/webhook",
        log_file=work / "rasa.log",
    )
    rasa.start()
    db_url = f"sqlite:///{work / 'kefu.db'}"
    env = dict(
        os.environ,
        KEFU_PORT=str(app_port),
        KEFU_RASA__URL=rasa.url,
        KEFU_DB__URL=db_url,
        KEFU_VAR_DIR=str(work / "var"),
    )
    app_log = work / "app.log"
    with app_log.open("wb") as out:
        app = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--no-rasa"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{app_port}"
    try:
        wait_http(f"{url}/healthz", app, app_log, timeout_s=300)
        rasa.wait_ready()
        yield LiveStack(url=url, db_url=db_url, rasa=rasa, app=app, log_dir=work)
    finally:
        app.terminate()
        try:
            app.wait(timeout=15)
        except subprocess.TimeoutExpired:
            app.kill()
        rasa.stop()


@pytest.fixture
def sender() -> str:
    """A fresh channel-user id, so tests never share a conversation."""
    return f"test-{uuid.uuid4().hex[:12]}"
