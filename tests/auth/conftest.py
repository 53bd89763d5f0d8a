"""The app in-process on a fresh SQLite database, with no configured staff-token secret (the
embedded profile generates one under `var/`), Rasa on a closed port, and a client per demo
account."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.auth.passwords import hash_password
from bot.config import Settings
from bot.runtime.stack import free_port
from bot.services import Services, current
from bot.storage.models import StaffUser

ROOT = Path(__file__).resolve().parents[2]
USERS = ("agent1", "agent2", "super", "editor", "admin")


@dataclass
class App:
    """The running app, its services and a logged-in token per demo account."""

    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    @property
    def svc(self) -> Services:
        return current()

    def headers(self, user: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def call(self, user: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = self.headers(user) if user else {}
        return self.client.request(method, path, headers=headers, **kw)

    def login(
        self, username: str, password: str, client: TestClient | None = None
    ) -> httpx.Response:
        data = {"username": username, "password": password}
        return (client or self.client).post("/api/auth/token", data=data)

    def add_staff(self, username: str, role: str, password: str = "a-long-password") -> str:
        """A new staff account; returns a token of it."""
        with self.svc.db.session() as s:
            s.add(
                StaffUser(
                    username=username,
                    display_name=username,
                    password_hash=hash_password(password),
                    role=role,
                )
            )
        resp = self.login(username, password)
        assert resp.status_code == 200, resp.text
        return str(resp.json()["access_token"])


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    work = tmp_path_factory.mktemp("auth")
    settings = Settings(
        db={"url": f"sqlite:///{work / 'kefu.db'}"},
        var_dir=work / "var",
        rasa={"url": f"http://127.0.0.1:{free_port()}", "timeout_s": 2},
        auth={"user_check_ttl_s": 0},
        editor={"poll_interval_s": 0, "stats_ttl_s": 0},
    )
    with TestClient(create_app(settings)) as client:
        tokens = {}
        for user in USERS:
            resp = client.post("/api/auth/token", data={"username": user, "password": user})
            tokens[user] = resp.json()["access_token"]
        yield App(client, settings, tokens)
