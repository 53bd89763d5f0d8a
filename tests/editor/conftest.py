"""The app in-process on a fresh SQLite database and a copy of the shipped knowledge.

One app per test session (loading the encoder and indexing ~550 questions takes seconds):
tests create their own drafts and touch questions no other test touches, so their order does
not matter. Each staff role gets a logged-in client.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.config import Settings
from tests.polling import poll_until

ROOT = Path(__file__).resolve().parents[2]
SECRET = "kefu-editor-tests-secret-0123456789abcdef"  # >= 32 bytes: no key-length warning


@pytest.fixture(scope="session")
def knowledge_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped knowledge directory (tests never touch the real one)."""
    target = tmp_path_factory.mktemp("kb") / "knowledge"
    shutil.copytree(ROOT / "knowledge", target)
    return target


def settings_for(db_url: str, knowledge: Path, var: Path, **extra: Any) -> Settings:
    """Settings of a test app: its own database, knowledge and var dir, no polling."""
    return Settings(
        db={"url": db_url},
        knowledge_dir=knowledge,
        var_dir=var,
        auth={"secret": SECRET},
        editor={"poll_interval_s": 0, "stats_ttl_s": 0},
        **extra,
    )


@dataclass
class Api:
    """The running app with a client per staff account."""

    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(self, user: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = self.headers(user) if user else {}
        return self.client.request(method, path, headers=headers, **kw)

    def ok(self, user: str, method: str, path: str, **kw: Any) -> Any:
        """Call and expect a 2xx; returns the JSON body."""
        resp = self.call(user, method, path, **kw)
        assert resp.status_code < 300, f"{method} {path} -> {resp.status_code}: {resp.text}"
        return resp.json()

    def draft(self, user: str = "editor", title: str = "测试草稿") -> int:
        return int(self.ok(user, "POST", "/api/kb/drafts", json={"title": title})["id"])

    def question(self, qid: str, draft: int | None = None) -> dict[str, Any]:
        params = {"draft_id": draft} if draft else {}
        return self.ok("editor", "GET", f"/api/kb/questions/{qid}", params=params)["question"]

    def review_and_publish(self, draft: int, *, force: bool = False) -> dict[str, Any]:
        """Submit (editor), approve and publish (reviewer)."""
        self.ok("editor", "POST", f"/api/kb/drafts/{draft}/submit")
        self.ok("reviewer", "POST", f"/api/kb/drafts/{draft}/approve")
        return self.ok("reviewer", "POST", f"/api/kb/drafts/{draft}/publish", json={"force": force})

    def import_job(self, user: str, name: str, data: bytes, **form: str) -> dict[str, Any]:
        """Queue an import (202 + Location), then follow the job until it ends; the ended job."""
        resp = self.call(user, "POST", "/api/kb/import", files={"file": (name, data)}, data=form)
        assert resp.status_code == 202, resp.text
        location = resp.headers["location"]
        assert location == f"/api/kb/import/{resp.json()['id']}"
        return poll_until(
            lambda: self.ok(user, "GET", location),
            lambda job: job["state"] in ("done", "failed"),
        )

    def try_text(self, text: str, **kw: Any) -> dict[str, Any]:
        return self.ok("editor", "POST", "/api/kb/try", json={"text": text, **kw})


USERS = ("editor", "reviewer", "admin", "agent1", "super")


@pytest.fixture(scope="session")
def api(knowledge_copy: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The app (real matcher, real database) with every demo account logged in."""
    work = tmp_path_factory.mktemp("app")
    settings = settings_for(f"sqlite:///{work / 'kefu.db'}", knowledge_copy, work / "var")
    with TestClient(create_app(settings)) as client:
        tokens = {}
        for user in USERS:
            resp = client.post("/api/auth/token", data={"username": user, "password": user})
            tokens[user] = resp.json()["access_token"]
        yield Api(client, settings, tokens)
