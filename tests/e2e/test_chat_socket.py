"""The chat page's live connection (websocket) against the real stack."""

from __future__ import annotations

import json
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.chat_client import chat_socket
from tests.conftest import LiveStack
from tests.e2e.helpers import stored_messages

pytestmark = pytest.mark.e2e


def until_typing_off(ws: ClientConnection) -> list[dict[str, Any]]:
    events = []
    while True:
        event = json.loads(ws.recv(timeout=30))
        events.append(event)
        if event["type"] == "typing" and event["on"] is False:
            return events


class TestChatSocket:
    def test_message_is_acked_answered_and_replayed_on_resend(self, live_stack: LiveStack) -> None:
        with chat_socket(live_stack.url) as (ws, visitor):
            sender = visitor.sender
            assert json.loads(ws.recv(timeout=10)) == {"type": "history", "messages": []}
            ws.send(json.dumps({"type": "message", "id": "m1", "text": "你好"}))
            events = until_typing_off(ws)
            kinds = [e["type"] for e in events]
            assert kinds[:2] == ["ack", "typing"] and events[0]["id"] == "m1"
            bot = [e for e in events if e["type"] == "bot"]
            assert bot and bot[0]["text"] and bot[0]["reply_to"] == "m1"

            # the page re-sends after a dropped connection: same id, answered once
            ws.send(json.dumps({"type": "message", "id": "m1", "text": "你好"}))
            again = [e for e in until_typing_off(ws) if e["type"] == "bot"]
            assert [e["text"] for e in again] == [e["text"] for e in bot]
        stored = stored_messages(live_stack.db_url, sender)
        assert [m["direction"] for m in stored] == ["in"] + ["out"] * len(bot)

        with chat_socket(live_stack.url, visitor) as (ws, _):
            history = json.loads(ws.recv(timeout=10))
            assert history["type"] == "history"
            assert [m["text"] for m in history["messages"]][0] == "你好"
            assert history["messages"][1]["role"] == "bot"

    def test_button_payload_goes_to_rasa_and_title_is_stored(self, live_stack: LiveStack) -> None:
        with chat_socket(live_stack.url) as (ws, visitor):
            sender = visitor.sender
            ws.recv(timeout=10)
            ws.send(
                json.dumps({"type": "message", "id": "b1", "text": "你好呀", "payload": "/greet"})
            )
            bot = [e for e in until_typing_off(ws) if e["type"] == "bot"]
            assert bot and bot[0]["text"]
        stored = stored_messages(live_stack.db_url, sender)
        assert stored[0]["text"] == "你好呀"
        assert stored[0]["payload"]["button_payload"] == "/greet"

    def test_bad_messages_get_an_error_and_store_nothing(self, live_stack: LiveStack) -> None:
        with chat_socket(live_stack.url) as (ws, visitor):
            sender = visitor.sender
            ws.recv(timeout=10)
            ws.send("{not json")
            assert json.loads(ws.recv(timeout=10))["code"] == "invalid_message"
            ws.send(json.dumps({"type": "message", "id": "x", "text": "   "}))
            assert json.loads(ws.recv(timeout=10))["code"] == "empty_message"
            ws.send(json.dumps({"type": "message", "id": "y", "text": "长" * 2001}))
            err = json.loads(ws.recv(timeout=10))
            assert err["code"] == "message_too_long" and "2000" in err["text"]
        assert stored_messages(live_stack.db_url, sender) == []

    def test_a_bare_sender_id_opens_nothing(self, live_stack: LiveStack, sender: str) -> None:
        url = live_stack.url.replace("http://", "ws://") + f"/ws/chat?sender={sender}"
        with connect(url) as ws:
            ws.send(json.dumps({"type": "message", "id": "m1", "text": "你好"}))
            refused = json.loads(ws.recv(timeout=10))
            assert refused["type"] == "error" and refused["code"] == "hello_required"
            with pytest.raises(ConnectionClosed):
                ws.recv(timeout=10)
        assert stored_messages(live_stack.db_url, sender) == []


def test_feedback_is_stored_against_the_answered_question(live_stack: LiveStack) -> None:
    from sqlalchemy import create_engine, select

    from bot.storage.models import AnswerFeedback

    with chat_socket(live_stack.url) as (ws, visitor):
        sender = visitor.sender
        ws.recv(timeout=10)
        ws.send(json.dumps({"type": "message", "id": "q1", "text": "电脑连不上wifi怎么办"}))
        until_typing_off(ws)
        ws.send(json.dumps({"type": "feedback", "id": "f1", "ref": "q1", "value": "down"}))
        ws.send(json.dumps({"type": "message", "id": "q2", "text": "谢谢"}))
        until_typing_off(ws)  # the feedback frame was taken before this turn
    stored = stored_messages(live_stack.db_url, sender)
    diagnostics = stored[1]["payload"]["custom"]["kefu"]
    engine = create_engine(live_stack.db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(AnswerFeedback.value, AnswerFeedback.question_id)).all()
    engine.dispose()
    assert ("down", diagnostics["question_id"]) in [tuple(r) for r in rows]
