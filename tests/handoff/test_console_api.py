"""The console API and its live connection against the real stack (Rasa, app, websockets)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.chat_client import chat_socket
from tests.conftest import LiveStack

pytestmark = pytest.mark.e2e
WAIT_S = 30


def token(stack: LiveStack, user: str) -> str:
    resp = httpx.post(f"{stack.url}/api/auth/token", data={"username": user, "password": user})
    return str(resp.json()["access_token"])


def auth(stack: LiveStack, user: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(stack, user)}"}


def ws(stack: LiveStack, path: str) -> ClientConnection:
    return connect(stack.url.replace("http://", "ws://") + path, open_timeout=WAIT_S)


def until(sock: ClientConnection, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
    """The next frame that matches (frames before it are skipped)."""
    while True:
        frame = json.loads(sock.recv(timeout=WAIT_S))
        if match(frame):
            return frame


def turn(sock: ClientConnection, text: str) -> list[dict[str, Any]]:
    """Send one chat message; the frames up to the end of its turn (typing off)."""
    sock.send(json.dumps({"type": "message", "id": uuid.uuid4().hex, "text": text}))
    frames = []
    while True:
        frame = json.loads(sock.recv(timeout=WAIT_S))
        frames.append(frame)
        if frame["type"] == "typing" and frame["on"] is False:
            return frames


class TestAccess:
    def test_handoffs_need_an_agent_or_supervisor_login(self, live_stack: LiveStack) -> None:
        url = f"{live_stack.url}/api/handoffs"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers=auth(live_stack, "editor")).status_code == 403
        for user in ("agent1", "super"):
            resp = httpx.get(url, headers=auth(live_stack, user))
            assert resp.status_code == 200 and isinstance(resp.json(), list)
        with pytest.raises(InvalidStatus):  # the handshake is refused
            ws(live_stack, "/ws/agent?token=nonsense")


class TestConsoleFlow:
    def test_handoff_reaches_console_with_context_and_both_ways_chat(
        self, live_stack: LiveStack
    ) -> None:
        staff = auth(live_stack, "agent1")
        api = f"{live_stack.url}/api/handoffs"
        with (
            ws(live_stack, f"/ws/agent?token={token(live_stack, 'agent1')}") as console,
            chat_socket(live_stack.url, open_timeout=WAIT_S) as (chat, visitor),
        ):
            sender = visitor.sender
            assert until(console, lambda f: f["type"] == "snapshot")["me"]["username"] == "agent1"
            until(chat, lambda f: f["type"] == "history")
            turn(chat, "我的电脑蓝屏了，代码是 0x0000007B")
            frames = turn(chat, "转人工")
            assert any(f["type"] == "system" for f in frames)  # offered / queued notice
            handoff = until(
                console, lambda f: f["type"] == "handoff" and f["handoff"]["sender"] == sender
            )["handoff"]
            hid = handoff["id"]
            assert handoff["status"] in ("offered", "queued")

            accepted = httpx.post(f"{api}/{hid}/accept", headers=staff)
            assert accepted.status_code == 200 and accepted.json()["status"] == "active"
            assert until(chat, lambda f: f["type"] == "system")["mode"] == "agent"

            quiet = turn(chat, "重启以后还是蓝屏")
            assert [f["type"] for f in quiet] == ["ack", "typing", "typing"]  # the bot is silent
            got = until(console, lambda f: f["type"] == "message" and f["handoff_id"] == hid)
            assert got["message"]["text"] == "重启以后还是蓝屏"

            sent = httpx.post(
                f"{api}/{hid}/messages", headers=staff, json={"text": "请问最近装过新驱动吗？"}
            )
            assert sent.status_code == 200
            assert until(chat, lambda f: f["type"] == "agent")["text"] == "请问最近装过新驱动吗？"

            detail = httpx.get(f"{api}/{hid}", headers=staff).json()
            ctx = detail["context"]
            words = [m["text"] for m in ctx["transcript"] if m["role"] == "user"]
            assert words[0] == "我的电脑蓝屏了，代码是 0x0000007B" and "重启以后还是蓝屏" in words
            assert ctx["tier_history"] and ctx["emotion"]["trajectory"]
            assert ctx["suggestions"] and (ctx["matches"] or ctx["diagnosis"])
            listed = httpx.get(api, headers=staff, params={"status": "active"}).json()
            assert any(h["id"] == hid and "transcript" in h["context"] for h in listed)

            back = httpx.post(f"{api}/{hid}/return", headers=staff)
            assert back.json()["status"] == "returned"
            assert until(chat, lambda f: f["type"] == "system")["mode"] == "bot"
            again = turn(chat, "保修期是多久")
            assert any(f["type"] == "bot" for f in again)  # the bot answers again

    def test_nobody_online_means_a_ticket_answered_on_the_channel(
        self, live_stack: LiveStack
    ) -> None:
        staff = auth(live_stack, "agent2")
        with chat_socket(live_stack.url, open_timeout=WAIT_S) as (chat, visitor):
            sender = visitor.sender
            until(chat, lambda f: f["type"] == "history")
            frames = turn(chat, "转人工")
            notice = [f["text"] for f in frames if f["type"] == "system"]
            assert notice and "工单" in notice[0]
            tickets = httpx.get(
                f"{live_stack.url}/api/tickets", params={"sender": sender}, headers=staff
            ).json()
            (ticket,) = [t for t in tickets if t["sender"] == sender]
            full = httpx.get(f"{live_stack.url}/api/tickets/{ticket['id']}", headers=staff).json()
            assert "转人工" in [m["text"] for m in full["context"]["package"]["transcript"]]
            base = f"{live_stack.url}/api/tickets/{ticket['id']}"
            assert (
                httpx.post(f"{base}/assign", headers=staff, json={}).json()["assignee"] == "agent2"
            )
            closed = httpx.post(f"{base}/close", headers=staff, json={"answer": "已为您安排回电。"})
            assert closed.json()["status"] == "closed"
            assert "已为您安排回电。" in until(chat, lambda f: f["type"] == "agent")["text"]
