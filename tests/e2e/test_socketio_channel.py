"""Rasa's socket.io channel, served by Kefu: the wire protocol as Rasa's clients speak it, and
Rasa's own web chat widget (rasa-webchat 1.0.1, vendored under vendor/rasa-webchat) embedded on
a page of another origin, in headless Chromium, against the real Rasa server and app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from websockets.sync.client import ClientConnection, connect

from bot.channels.socketio import sender_of
from bot.storage.models import ChannelIdentity, Customer
from tests.e2e.helpers import StaffClient, other_site

pytestmark = pytest.mark.e2e

VENDOR = Path(__file__).parent / "vendor" / "rasa-webchat"
TITLE = "怎么查询我的会员等级和星点余额"  # a title: answered directly for any visitor
AMBIGUOUS = "会员积分怎么查"  # several questions fit: the bot offers them as quick replies
WAIT_S = 90


class RawSocketIO:
    """A socket.io client at the wire (Engine.IO 4 over a websocket), as Rasa's clients talk."""

    def __init__(self, app_url: str) -> None:
        url = app_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws: ClientConnection = connect(url, open_timeout=WAIT_S)
        opened = self.ws.recv(timeout=WAIT_S)
        assert str(opened).startswith("0{"), opened  # Engine.IO open
        self.ws.send("40")  # connect to the default namespace
        assert str(self.ws.recv(timeout=WAIT_S)).startswith("40"), "namespace not joined"

    def emit(self, event: str, data: Any) -> None:
        self.ws.send("42" + json.dumps([event, data], ensure_ascii=False))

    def receive(self, event: str) -> Any:
        """The next `event`'s data (answering the server's pings meanwhile)."""
        while True:
            packet = str(self.ws.recv(timeout=WAIT_S))
            if packet == "2":
                self.ws.send("3")
                continue
            if packet.startswith("42"):
                name, *args = json.loads(packet[2:])
                if name == event:
                    return args[0] if args else None

    def session(self, session_id: str | None) -> str:
        self.emit("session_request", {"session_id": session_id})
        confirmed = self.receive("session_confirm")
        assert isinstance(confirmed, str)
        return confirmed

    def say(self, session_id: str, message: str) -> dict[str, Any]:
        self.emit("user_uttered", {"message": message, "session_id": session_id})
        return dict(self.receive("bot_uttered"))

    def close(self) -> None:
        self.ws.close()


def _channel_of(db_url: str, sender: str) -> list[str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT channel FROM conversations WHERE sender = :s"), {"s": sender}
            )
            return [r[0] for r in rows]
    finally:
        engine.dispose()


def test_rasa_socketio_protocol_answers_offers_quick_replies_and_issues_the_ids(
    live_stack: Any,
) -> None:
    client = RawSocketIO(live_stack.url)
    try:
        session_id = client.session(None)
        assert len(session_id) > 32
        # The session persists: the same id is confirmed again.
        assert client.session(session_id) == session_id

        answer = client.say(session_id, TITLE)
        assert "查询路径" in answer["text"]
        assert _channel_of(live_stack.db_url, sender_of(session_id)) == ["socketio"]

        offered = client.say(session_id, AMBIGUOUS)
        replies = offered.get("quick_replies") or []
        assert replies and all(r["content_type"] == "text" for r in replies), offered
        picked = client.say(session_id, replies[0]["payload"])  # a click sends the payload
        assert picked["text"] and not picked.get("quick_replies")

        # An id the server did not issue is replaced, not adopted.
        assert client.session("0123456789abcdef.0123456789abcdef01234567") != session_id
        forged = client.session(session_id[:-1] + ("0" if session_id[-1] != "0" else "1"))
        assert forged != session_id
    finally:
        client.close()


def test_the_sender_staff_and_logs_see_does_not_open_the_session(live_stack: Any) -> None:
    """The session id is the client's secret; the conversation is stored under its unsigned
    part, and presenting that (from a log line, a console URL) gets a new session."""
    client = RawSocketIO(live_stack.url)
    try:
        session_id = client.session(None)
        assert "查询路径" in client.say(session_id, TITLE)["text"]
        sender = sender_of(session_id)
        assert sender.startswith("sio-") and session_id.split(".")[1] not in sender
        assert _channel_of(live_stack.db_url, session_id) == []  # the secret is not stored
        assert _channel_of(live_stack.db_url, sender) == ["socketio"]
        assert client.session(sender) != session_id
        assert client.session(session_id.split(".")[0]) != session_id
    finally:
        client.close()


def test_a_session_begun_under_its_whole_id_keeps_its_conversation(live_stack: Any) -> None:
    """Conversations stored before senders left the signature out go on under the whole id."""
    client = RawSocketIO(live_stack.url)
    engine = create_engine(live_stack.db_url)
    try:
        session_id = client.session(None)
        with Session(engine) as s, s.begin():
            customer = Customer(profile={})
            s.add(customer)
            s.flush()
            s.add(ChannelIdentity(channel="socketio", sender=session_id, customer_id=customer.id))
        assert client.session(session_id) == session_id
        assert "查询路径" in client.say(session_id, TITLE)["text"]
        assert _channel_of(live_stack.db_url, session_id) == ["socketio"]
        assert _channel_of(live_stack.db_url, sender_of(session_id)) == []
    finally:
        engine.dispose()
        client.close()


@pytest.fixture
def other_origin(tmp_path: Path) -> Iterator[str]:
    """A plain site on another port of loopback, serving whatever the test writes there."""
    (tmp_path / "webchat.js").write_bytes((VENDOR / "index.js").read_bytes())
    with other_site(tmp_path) as site:
        yield site


def test_rasa_web_chat_widget_talks_to_kefu_unchanged(
    browser: Browser, live_stack: Any, other_origin: str, tmp_path: Path
) -> None:
    (tmp_path / "index.html").write_text(
        f"""<!doctype html><html lang="zh-CN">
<head><meta charset="utf-8"><title>某商城</title></head>
<body><h1>某商城</h1><div id="webchat"></div>
<script src="webchat.js"></script>
<script>
  WebChat.default({{
    socketUrl: "{live_stack.url}",
    socketPath: "/socket.io/",
    embedded: true,
    title: "星岚客服",
    inputTextFieldHint: "请输入您的问题",
    params: {{ storage: "session" }},
  }}, document.getElementById("webchat"));
</script></body></html>""",
        "utf-8",
    )
    errors: list[str] = []
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(WAIT_S * 1000)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{other_origin}/index.html")

    box = page.locator("textarea.rw-new-message, input.rw-new-message")
    expect(box).to_be_enabled()
    box.fill(TITLE)
    box.press("Enter")
    expect(page.locator(".rw-response").filter(has_text="查询路径").first).to_be_visible()

    box.fill(AMBIGUOUS)
    box.press("Enter")
    reply = page.locator(".rw-replies .rw-reply").first
    expect(reply).to_be_visible()
    chosen = reply.inner_text()
    reply.click()
    expect(page.locator(".rw-client").filter(has_text=chosen).first).to_be_visible()
    # The choice is answered: a reply after the two before it.
    page.wait_for_function("document.querySelectorAll('.rw-response').length >= 3")
    assert errors == []


def test_an_engineer_s_messages_reach_the_socketio_client(live_stack: Any) -> None:
    """Rasa's clients get the engineer's side too: the notice that they joined and their
    words, as `bot_uttered` in the session's room."""
    staff = StaffClient(live_stack.url, "agent1")
    client = RawSocketIO(live_stack.url)
    try:
        with staff.console():  # agent1 on duty: the request is offered, not a ticket
            session_id = client.session(None)
            client.emit("user_uttered", {"message": "转人工", "session_id": session_id})
            handoff = staff.wait_handoff(sender_of(session_id))
            staff.post(f"/api/handoffs/{handoff}/accept")
            words = "您好，我是工程师，请问您的设备是什么型号？"
            staff.post(f"/api/handoffs/{handoff}/messages", {"text": words})
            said: list[str] = []
            while not said or words not in said[-1]:  # bounded by the receive timeout
                said.append(str(client.receive("bot_uttered").get("text")))
            assert any("已接入" in s for s in said), said
            staff.post(f"/api/handoffs/{handoff}/close", {})
    finally:
        client.close()
