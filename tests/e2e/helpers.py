"""Helpers for end-to-end tests: read the app's real database, act as staff over the API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page
from sqlalchemy import create_engine, select
from websockets.sync.client import ClientConnection, connect

from bot.runtime.stack import LocalStack
from bot.storage.models import Conversation, Message
from tests.polling import poll_until


def say(
    stack: LocalStack, sender: str, message: str, metadata: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One customer message through the REST channel; the replies."""
    body: dict[str, Any] = {"sender": sender, "message": message}
    if metadata:
        body["metadata"] = metadata
    resp = httpx.post(f"{stack.url}/webhooks/rest/webhook", json=body, timeout=60)
    assert resp.status_code == 200, resp.text
    return list(resp.json())


def texts(replies: list[dict[str, Any]]) -> str:
    """The replies' texts, one per line."""
    return "\n".join(r.get("text") or "" for r in replies)


def titles(replies: list[dict[str, Any]]) -> list[str]:
    """The titles of the replies' buttons, in order."""
    return [b["title"] for r in replies for b in r.get("buttons") or []]


def stored_messages(db_url: str, sender: str) -> list[dict[str, Any]]:
    """Every stored message of a sender, oldest first."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Message.id,
                    Message.direction,
                    Message.role,
                    Message.text,
                    Message.status,
                    Message.payload,
                )
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(Conversation.sender == sender)
                .order_by(Message.id)
            )
            return [dict(r._mapping) for r in rows]
    finally:
        engine.dispose()


def open_in_console(console: Page, sender: str) -> None:
    """Open a customer's conversation in the console, from whichever list shows it."""
    item = console.locator(f".list .item[data-sender='{sender}']")
    item.wait_for(state="attached")
    if console.locator(f"#list-queue .item[data-sender='{sender}']").count():
        console.click(".tab[data-tab='queue']")
    item.click()


class StaffClient:
    """A staff member using the API of the running app (logged in with a demo account)."""

    def __init__(self, url: str, username: str, password: str | None = None) -> None:
        self.url = url
        resp = httpx.post(
            f"{url}/api/auth/token",
            data={"username": username, "password": password or username},
            timeout=30,
        )
        resp.raise_for_status()
        self.token = resp.json()["access_token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str) -> Any:
        resp = httpx.get(f"{self.url}{path}", headers=self.headers, timeout=30)
        assert resp.status_code == 200, f"GET {path}: {resp.status_code} {resp.text}"
        return resp.json()

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        resp = httpx.post(f"{self.url}{path}", json=body or {}, headers=self.headers, timeout=30)
        assert resp.status_code == 200, f"POST {path}: {resp.status_code} {resp.text}"
        return resp.json()

    def put(self, path: str, body: dict[str, Any]) -> Any:
        resp = httpx.put(f"{self.url}{path}", json=body, headers=self.headers, timeout=30)
        assert resp.status_code == 200, f"PUT {path}: {resp.status_code} {resp.text}"
        return resp.json()

    @contextmanager
    def console(self) -> Iterator[ClientConnection]:
        """The agent console's live connection: open = on duty."""
        ws_url = self.url.replace("http://", "ws://") + f"/ws/agent?token={self.token}"
        with connect(ws_url) as ws:
            ws.recv(timeout=30)  # the snapshot
            yield ws

    def wait_handoff(self, sender: str, timeout_s: float = 30) -> int:
        """The id of the sender's handoff, once the bot has opened it."""
        found = poll_until(
            lambda: (self.get(f"/api/conversations/{sender}").get("handoff") or {}).get("id"),
            timeout_s=timeout_s,
        )
        assert found is not None, f"no handoff for {sender} after {timeout_s} s"
        return int(found)


@contextmanager
def other_site(directory: Path) -> Iterator[str]:
    """A plain site on another port of loopback (another origin) serving `directory`; yields
    its base URL."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(directory))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
