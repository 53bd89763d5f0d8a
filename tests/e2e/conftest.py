"""Browser fixtures for the end-to-end tests of the web chat page.

The browser is Debian's Chromium (`apt-get install chromium`); the tests never download one.
The servers come from the session-scoped `live_stack` fixture in `tests/conftest.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Playwright, WebSocket, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A reply goes through the gateway, Rasa and the action endpoint; the first one warms caches.
REPLY_MS = 30_000


@dataclass
class ChatPage:
    """One browser tab on `/chat` with a fresh visitor (empty localStorage: the server issues a
    new visitor token, kept in localStorage `kefu.visitor`, its id in `kefu.sender`)."""

    page: Page
    sent: list[dict[str, Any]] = field(default_factory=list)  # JSON frames the page sent
    socket_urls: list[str] = field(default_factory=list)  # every websocket the page opened
    page_errors: list[str] = field(default_factory=list)  # uncaught JavaScript errors

    @property
    def input(self) -> Locator:
        return self.page.locator("#input")

    def messages(self, role: str) -> Locator:
        """Rendered messages of one role: user, bot, agent or system."""
        return self.page.locator(f"#thread .msg--{role}")

    def count(self, role: str) -> int:
        return self.messages(role).count()

    def send(self, text: str) -> None:
        """Type `text` and press Enter, like a visitor."""
        self.input.fill(text)
        self.input.press("Enter")

    def sender(self) -> str:
        """The visitor id the server issued to this page (it names no one without the token)."""
        handle = self.page.wait_for_function(
            "() => window.kefuChat && window.kefuChat.state.sender", timeout=REPLY_MS
        )
        return str(handle.json_value())

    def wait_connected(self, min_connects: int = 1) -> None:
        self.page.wait_for_function(
            "n => window.kefuChat && window.kefuChat.state.connected"
            " && window.kefuChat.state.connects >= n",
            arg=min_connects,
            timeout=REPLY_MS,
        )

    def wait_reply(self, bot_before: int, pattern: str = ".") -> str:
        """Wait until the bot messages after the first `bot_before` ones match `pattern`.

        Returns their joined text. Rasa may answer one turn with several messages, so the
        check runs on all new ones together.
        """
        try:
            self._wait_new_bot_text(bot_before, pattern)
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"no bot reply matching {pattern!r} after message {bot_before}; "
                f"the page shows:\n{self.transcript()}"
            ) from None
        return "\n".join(self.bubble_texts("bot")[bot_before:])

    def _wait_new_bot_text(self, bot_before: int, pattern: str) -> None:
        self.page.wait_for_function(
            """([before, pattern]) => {
                const texts = [...document.querySelectorAll('#thread .msg--bot')]
                    .slice(before).map(m => m.querySelector('.bubble')?.innerText || '');
                return texts.length > 0 && new RegExp(pattern).test(texts.join('\\n'));
            }""",
            arg=[bot_before, pattern],
            timeout=REPLY_MS,
        )

    def transcript(self) -> str:
        """The conversation as shown, one `role: text` line per message (for failure output)."""
        lines: list[str] = self.page.locator("#thread .msg").evaluate_all(
            """ms => ms.map(m => m.dataset.role + ': '
                + (m.querySelector('.bubble, .pill')?.innerText || '')
                + [...m.querySelectorAll('.choice')].map(b => ' [' + b.innerText + ']').join(''))"""
        )
        return "\n".join(lines)

    def bubble_texts(self, role: str) -> list[str]:
        return self.messages(role).evaluate_all(
            "ms => ms.map(m => m.querySelector('.bubble')?.innerText || '')"
        )

    def frames_with(self, **match: Any) -> list[dict[str, Any]]:
        return [f for f in self.sent if all(f.get(k) == v for k, v in match.items())]


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make test does)")
    b = playwright_instance.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield b
    b.close()


@pytest.fixture
def chat(browser: Browser, live_stack: Any) -> Iterator[ChatPage]:
    """The chat page of the live stack, connected, in a fresh browser context."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    chat_page = ChatPage(page=page)

    def on_socket(ws: WebSocket) -> None:
        chat_page.socket_urls.append(ws.url)
        ws.on("framesent", lambda payload: _record(chat_page.sent, payload))

    page.on("websocket", on_socket)
    page.on("pageerror", lambda err: chat_page.page_errors.append(str(err)))
    page.goto(f"{live_stack.url}/chat")
    chat_page.wait_connected()
    yield chat_page
    context.close()
    assert chat_page.page_errors == [], f"JavaScript errors on the page: {chat_page.page_errors}"


@pytest.fixture
def console(browser: Browser, live_stack: Any) -> Iterator[Page]:
    """The agent console, logged in as agent1, connected (agent1 is on duty while it is open)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{live_stack.url}/agent")
    page.fill("#login-user", "agent1")
    page.fill("#login-pass", "agent1")
    page.click("#login-submit")
    page.wait_for_function("window.kefuAgent && window.kefuAgent.state.connected")
    yield page
    context.close()  # the engineer goes offline: later tests get tickets, not engineers
    assert errors == [], f"JavaScript errors on the console: {errors}"


def _record(frames: list[dict[str, Any]], payload: str | bytes) -> None:
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    try:
        frame = json.loads(payload)
    except ValueError:
        return
    if isinstance(frame, dict):
        frames.append(frame)
