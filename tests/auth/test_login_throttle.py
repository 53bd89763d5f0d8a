"""Item 5: guessing passwords is slowed down per account and per address, and an unknown name
costs what a known one does."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.auth import staff
from bot.auth.staff import authenticate, seed_demo_accounts
from bot.auth.throttle import LoginThrottle
from bot.config import AuthSettings, Settings
from bot.storage.db import Database, migrate
from tests.auth.conftest import App


def test_an_account_is_locked_after_failures_with_a_growing_wait() -> None:
    now = [0.0]
    t = LoginThrottle(AuthSettings(login_account_failures=3, login_lockout_s=30), lambda: now[0])
    assert [t.failed("agent1", f"10.0.0.{i}") for i in range(3)] == [0, 0, 30]
    assert t.wait_s("agent1", "10.9.9.9") == 30  # whatever address tries next
    assert t.wait_s("agent2", "10.9.9.9") == 0  # other accounts are not affected
    now[0] = 31
    assert t.wait_s("agent1", "10.0.0.1") == 0
    assert t.failed("agent1", "10.0.0.1") == 60  # the next failure doubles the wait
    now[0] = 100
    t.succeeded("agent1")
    assert t.wait_s("agent1", "10.0.0.1") == 0 and t.failed("agent1", "10.0.0.1") == 0


def test_an_address_trying_many_names_is_locked() -> None:
    now = [0.0]
    t = LoginThrottle(AuthSettings(login_address_failures=4, login_lockout_s=10), lambda: now[0])
    waits = [t.failed(f"user{i}", "10.1.1.1") for i in range(4)]
    assert waits[-1] == 10 and t.wait_s("someone-new", "10.1.1.1") == 10
    assert t.wait_s("someone-new", "10.1.1.2") == 0


def test_failures_older_than_the_window_are_forgotten() -> None:
    now = [0.0]
    t = LoginThrottle(AuthSettings(login_account_failures=2, login_window_s=60), lambda: now[0])
    t.failed("a", "x")
    now[0] = 61
    assert t.failed("a", "x") == 0


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
