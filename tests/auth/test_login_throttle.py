"""Item 5: guessing passwords is slowed down per account and per address, and an unknown name
costs what a known one does."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.auth import staff
from bot.auth.staff import authenticate, seed_demo_accounts
from bot.auth.throttle import LoginThrottle
from bot.config import AuthSettings, Settings
from bot.storage.db import Database, migrate
from bot.storage.models import LoginThrottleCount
from tests.auth.conftest import App


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def test_an_account_is_locked_after_failures_with_a_growing_wait(db: Database) -> None:
    now = [0.0]
    limits = AuthSettings(login_account_failures=3, login_lockout_s=30)
    t = LoginThrottle(limits, db, lambda: now[0])
    assert [t.failed("agent1", f"10.0.0.{i}") for i in range(3)] == [0, 0, 30]
    assert t.wait_s("agent1", "10.9.9.9") == 30  # whatever address tries next
    assert t.wait_s("agent2", "10.9.9.9") == 0  # other accounts are not affected
    now[0] = 31
    assert t.wait_s("agent1", "10.0.0.1") == 0
    assert t.failed("agent1", "10.0.0.1") == 60  # the next failure doubles the wait
    now[0] = 100
    t.succeeded("agent1")
    assert t.wait_s("agent1", "10.0.0.1") == 0 and t.failed("agent1", "10.0.0.1") == 0


def test_an_address_trying_many_names_is_locked(db: Database) -> None:
    now = [0.0]
    limits = AuthSettings(login_address_failures=4, login_lockout_s=10)
    t = LoginThrottle(limits, db, lambda: now[0])
    waits = [t.failed(f"user{i}", "10.1.1.1") for i in range(4)]
    assert waits[-1] == 10 and t.wait_s("someone-new", "10.1.1.1") == 10
    assert t.wait_s("someone-new", "10.1.1.2") == 0


def test_failures_older_than_the_window_are_forgotten(db: Database) -> None:
    now = [0.0]
    limits = AuthSettings(login_account_failures=2, login_window_s=60)
    t = LoginThrottle(limits, db, lambda: now[0])
    t.failed("a", "x")
    now[0] = 61
    assert t.failed("a", "x") == 0


def test_failures_in_two_processes_add_up_to_one_lockout(db_url: str) -> None:
    """Two app processes (each its own database handle and connections) guessed at in turn and
    at once: the counts are one, so the limit holds across them."""
    limits = AuthSettings(login_account_failures=5, login_address_failures=1000, login_lockout_s=30)
    dbs = [Database(db_url), Database(db_url)]
    try:
        first, second = (LoginThrottle(limits, d) for d in dbs)
        assert [first.failed("agent1", "10.0.0.1"), second.failed("agent1", "10.0.0.2")] == [0, 0]
        assert first.failed("agent1", "10.0.0.3") == 0 and second.failed("agent1", "x") == 0
        assert second.failed("agent1", "10.0.0.5") == 30  # the fifth failure, counted by both
        assert first.wait_s("agent1", "10.0.0.9") > 29  # the other process sees the lockout
        first.succeeded("agent1")
        assert second.wait_s("agent1", "10.0.0.9") == 0

        # 40 failures at once from 8 threads over both handles: every one is counted.
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda i: (first, second)[i % 2].failed("super", f"a{i}"), range(40)))
        with dbs[0].session() as s:
            counted = s.scalar(
                select(LoginThrottleCount.failures).where(LoginThrottleCount.key == "user:super")
            )
        assert counted == 40
    finally:
        for d in dbs:
            d.dispose()


def test_login_answers_429_with_retry_after_and_refuses_even_the_right_password(
    app: App,
) -> None:
    app.add_staff("guessed", "agent", "the-right-password")
    limit = app.settings.auth.login_account_failures
    codes = [app.login("guessed", f"guess-{i}").status_code for i in range(limit)]
    assert codes == [401] * (limit - 1) + [429]
    locked = app.login("guessed", "the-right-password")
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) >= 1
    error = locked.json()["error"]
    assert error["code"] == "login_locked"
    assert "登录失败次数过多" in error["message"] and "秒后再试" in error["message"]
    assert app.login("agent1", "agent1").status_code == 200  # only that account waits
    wrong = app.login("agent1", "not-the-password").json()["error"]
    assert wrong == {"code": "login_failed", "message": "账号或密码不正确"}
    assert app.login("agent1", "agent1").status_code == 200


def test_one_address_guessing_many_accounts_is_locked_out(app: App) -> None:
    other = TestClient(app.client.app, client=("198.51.100.7", 40000))
    limit = app.settings.auth.login_address_failures
    codes = [app.login(f"nobody-{i}", "x", other).status_code for i in range(limit)]
    assert codes[-1] == 429 and set(codes[:-1]) == {401}
    assert app.login("agent2", "agent2", other).status_code == 429
    assert app.login("agent2", "agent2").status_code == 200  # another address is not


def test_an_unknown_name_verifies_a_password_hash_like_a_known_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    migrate(url)
    db = Database(url)
    settings = Settings(var_dir=tmp_path)
    try:
        seed_demo_accounts(db, settings)
        checked: list[str] = []
        real = staff.verify_password

        def counting(password: str, stored: str) -> bool:
            checked.append(stored)
            return real(password, stored)

        monkeypatch.setattr(staff, "verify_password", counting)
        assert authenticate(db, "no-such-user", "whatever", settings) is None
        assert authenticate(db, "agent1", "wrong", settings) is None
        assert len(checked) == 2 and checked[0].startswith("scrypt$") and checked[1] != checked[0]
    finally:
        db.dispose()
