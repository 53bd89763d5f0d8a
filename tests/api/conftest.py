"""An app of its own for the API-wide checks, on a fresh database and knowledge copy.

Module-scoped: its lifespan ends before another module's in-process app starts (the app
installs process-wide services), and what the checks change touches no other test.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "kefu-api-tests-secret-0123456789abcdef0123"


@dataclass
class App:
    """The running app, its settings and a staff token allowed everywhere (admin)."""

    client: TestClient
    settings: Settings
    admin_token: str


def app_settings(work: Path | None) -> Settings:
    """Settings of the app under test in `work` (None: only to build the schema)."""
    return Settings(
        db={"url": f"sqlite:///{work / 'kefu.db'}" if work else "sqlite://"},
        knowledge_dir=work / "knowledge" if work else ROOT / "knowledge",
        var_dir=work / "var" if work else ROOT / "var",
        auth={"secret": SECRET},
        editor={"poll_interval_s": 0, "stats_ttl_s": 0},
        # Nothing listens on the discard port: chat turns get the polite "Rasa is down" reply.
        rasa={"url": "http://127.0.0.1:9", "timeout_s": 2},
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    work = tmp_path_factory.mktemp("api")
    shutil.copytree(ROOT / "knowledge", work / "knowledge")
    settings = app_settings(work)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        resp = client.post("/api/auth/token", data={"username": "admin", "password": "admin"})
        yield App(client, settings, resp.json()["access_token"])
