"""The chat page sends again what the server acknowledged but never answered, after a
reconnect and after a reload or a reopened tab (its outbox is in localStorage), and what was
typed while the app was down; a REST client's retry with its `Idempotency-Key` after the same
crash.

The real app (`bot serve --no-rasa`, a subprocess on a real SQLite database) and the real page
in headless Chromium. Rasa is a stand-in HTTP server, so the test decides when a turn hangs:
the app is killed (SIGKILL) while the turn waits on it, as a crash mid-turn would. The
recovery sweep is pushed far out (`KEFU_RECOVERY__GRACE_S`), so only the page's re-send can
bring the answer.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from bot.config import ROOT
from bot.runtime.stack import free_port, wait_http
from tests.standin_rasa import StandInRasa

ANSWER = "您好，请先长按电源键 10 秒再开机试试。"


class App:
    """`bot serve --no-rasa` on a fixed port, killed and started again by the test."""

    def __init__(self, work: Path, rasa_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = work / "app.log"
        self.db = work / "kefu.db"
        self.env = dict(
            os.environ,
            KEFU_PORT=str(self.port),
            KEFU_RASA__URL=rasa_url,
            KEFU_RASA__TIMEOUT_S="60",
            KEFU_DB__URL=f"sqlite:///{self.db}",
            KEFU_VAR_DIR=str(work / "var"),
            KEFU_RECOVERY__GRACE_S="86400",
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--no-rasa"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_http(f"{self.url}/healthz", self.proc, self.log, 300)

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stored(self, role: str, text: str) -> int:
        """How many messages of `role` with `text` the app's database holds."""
        with sqlite3.connect(self.db) as conn:
            query = "SELECT count(*) FROM messages WHERE role = ? AND text = ?"
            return int(conn.execute(query, (role, text)).fetchone()[0])


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[App, StandInRasa]]:
    rasa = StandInRasa(ANSWER)
    rasa.drop_held = True  # its app is killed while it holds
    app = App(tmp_path, rasa.url)
    app.start()
    try:
        yield app, rasa
    finally:
        app.kill()
        rasa.close()


def test_a_message_acknowledged_but_never_answered_is_sent_again_after_a_reconnect(
    browser: Browser, stack: tuple[App, StandInRasa]
) -> None:
    app, rasa = stack
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        page.goto(f"{app.url}/chat")
        page.wait_for_function("window.kefuChat && window.kefuChat.state.histories >= 1")
        rasa.hold.set()
        page.evaluate("window.kefuChat.send('电脑开不了机')")
        status = page.locator(".msg--user .msg__status").last
        expect(status).to_have_text("✓", timeout=60_000)  # stored by the app: acknowledged
        assert rasa.arrived.wait(60)  # the turn waits on Rasa
        app.kill()  # the app dies mid-turn
        rasa.hold.clear()
        app.start()
        page.wait_for_function("window.kefuChat.state.histories >= 2", timeout=120_000)
        answer = page.locator(".msg--bot").filter(has_text=ANSWER)
        expect(answer).to_have_count(1, timeout=60_000)
        assert page.evaluate("window.kefuChat.state.resent") == 1
        page.wait_for_function("window.kefuChat.state.awaiting === 0")
    finally:
        context.close()
    assert errors == []


def open_chat(page: Page, url: str) -> None:
    page.goto(f"{url}/chat")
    page.wait_for_function("window.kefuChat && window.kefuChat.state.histories >= 1")


def reload_fails(page: Page) -> None:
    """Reload while the app is down: the browser shows its error page (the chat page is gone,
    with whatever it held in memory)."""
    with pytest.raises(PlaywrightError):
        page.reload()


def outbox_keys(page: Page) -> list[str]:
    keys = page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('kefu.outbox.'))")
    return list(keys)


def test_a_message_cut_short_by_a_crash_is_answered_once_after_a_reload(
    browser: Browser, stack: tuple[App, StandInRasa]
) -> None:
    app, rasa = stack
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    try:
        open_chat(page, app.url)
        rasa.hold.set()
        page.evaluate("window.kefuChat.send('电脑开不了机')")
        expect(page.locator(".msg--user .msg__status").last).to_have_text("✓")  # acknowledged
        assert rasa.arrived.wait(60)  # the turn waits on Rasa
        assert len(outbox_keys(page)) == 1
        app.kill()  # the app dies mid-turn
        reload_fails(page)  # and the page is reloaded before it is back
        rasa.hold.clear()
        app.start()
        open_chat(page, app.url)
        answer = page.locator(".msg--bot").filter(has_text=ANSWER)
        expect(answer).to_have_count(1, timeout=60_000)
        page.wait_for_function("window.kefuChat.state.awaiting === 0")
        assert page.evaluate("window.kefuChat.state.restored") == 1
        assert page.evaluate("window.kefuChat.state.resent") == 1  # the same id, once
        expect(page.locator(".msg--user").filter(has_text="电脑开不了机")).to_have_count(1)
        assert outbox_keys(page) == []
        page.reload()  # nothing is sent a third time
        page.wait_for_function("window.kefuChat.state.histories >= 1")
        assert page.evaluate("window.kefuChat.state.restored") == 0
    finally:
        context.close()
    assert errors == []
    assert app.stored("user", "电脑开不了机") == 1
    assert app.stored("bot", ANSWER) == 1


def test_a_message_typed_while_the_app_is_down_survives_a_closed_tab_and_is_answered_once(
    browser: Browser, stack: tuple[App, StandInRasa]
) -> None:
    app, _ = stack
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    try:
        open_chat(page, app.url)
        app.kill()  # stopped before the customer sends
        page.wait_for_function("window.kefuChat.state.status === 'closed'")
        page.evaluate("window.kefuChat.send('耳机连不上蓝牙')")
        expect(page.locator(".msg--user .msg__status").last).to_have_text(
            "等待网络，连接恢复后自动发送"
        )
        assert len(outbox_keys(page)) == 1
        page.close()  # the customer closes the tab
        app.start()
        page = context.new_page()  # and opens the chat again
        page.on("pageerror", lambda err: errors.append(str(err)))
        open_chat(page, app.url)
        answer = page.locator(".msg--bot").filter(has_text=ANSWER)
        expect(answer).to_have_count(1, timeout=60_000)
        expect(page.locator(".msg--user").filter(has_text="耳机连不上蓝牙")).to_have_count(1)
        page.wait_for_function("window.kefuChat.state.awaiting === 0")
        assert page.evaluate("window.kefuChat.state.restored") == 1
        assert outbox_keys(page) == []
    finally:
        context.close()
    assert errors == []
    assert app.stored("user", "耳机连不上蓝牙") == 1
    assert app.stored("bot", ANSWER) == 1


def test_a_rest_retry_after_a_crash_mid_turn_is_answered_once_with_its_idempotency_key(
    stack: tuple[App, StandInRasa],
) -> None:
    """The client saw an error (the app died mid-turn); its retry with the same key gets the
    answer, a second retry the same answer, and the message is stored and answered once."""
    app, rasa = stack
    body = {"sender": "rest-crash-1", "message": "电脑开不了机"}
    headers = {"Idempotency-Key": "order-7-retry"}
    rasa.hold.set()
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(
            httpx.post, f"{app.url}/webhooks/rest/webhook", json=body, headers=headers, timeout=90
        )
        assert rasa.arrived.wait(60)  # stored, and the turn waits on Rasa
        app.kill()
        with pytest.raises(httpx.HTTPError):
            first.result()
    rasa.hold.clear()
    app.start()
    retries = [
        httpx.post(f"{app.url}/webhooks/rest/webhook", json=body, headers=headers, timeout=90)
        for _ in range(2)
    ]
    assert [r.status_code for r in retries] == [200, 200]
    assert [m.get("text") for m in retries[0].json()] == [ANSWER]
    assert retries[1].json() == retries[0].json()
    assert app.stored("user", "电脑开不了机") == 1
    assert app.stored("bot", ANSWER) == 1
