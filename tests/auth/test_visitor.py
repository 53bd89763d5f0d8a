"""Item 1: a web visitor is who the server says, not whoever names a sender id."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from starlette.websockets import WebSocketDisconnect

from bot.auth.secrets import staff_secret
from bot.auth.visitor import VisitorTokens, is_visitor_id
from bot.storage import repository as repo
from tests.auth.conftest import App


def store_message(app: App, channel: str, sender: str, text: str) -> None:
    with app.svc.db.session() as s:
        conv = repo.open_conversation(s, channel, sender)
        repo.add_message(s, conv, direction="in", role="user", text=text)


def hello(app: App, token: Any, path: str = "/ws/chat") -> tuple[dict[str, Any] | None, list[Any]]:
    """Open the socket, say hello; the session frame (if any) and the history."""
    with app.client.websocket_connect(path) as ws:
        ws.send_json({"type": "hello", "token": token})
        first = ws.receive_json()
        session = None
        if first["type"] == "session":
            session, first = first, ws.receive_json()
        assert first["type"] == "history"
        return session, first["messages"]


class TestChatSocketIdentity:
    def test_a_bare_sender_id_in_the_url_opens_no_conversation(self, app: App) -> None:
        visitor, _ = app.svc.visitors.issue()
        store_message(app, "web", visitor, "我的订单号是 A123")
        with app.client.websocket_connect(f"/ws/chat?sender={visitor}") as ws:
            ws.send_json({"type": "message", "id": "m1", "text": "你好"})
            refused = ws.receive_json()
            assert refused["type"] == "error" and refused["code"] == "hello_required"
            assert "刷新" in refused["text"]
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
        assert closed.value.code == 4401
        with app.svc.db.session() as s:  # the message of the bare-id socket was not stored
            conv = repo.open_conversation(s, "web", visitor)
            assert [m.text for m in repo.messages_of(s, conv.id)] == ["我的订单号是 A123"]

    def test_hello_without_a_token_is_a_new_visitor_whatever_the_url_says(self, app: App) -> None:
        victim, _ = app.svc.visitors.issue()
        store_message(app, "web", victim, "我的手机号 13800001111")
        session, history = hello(app, None, f"/ws/chat?sender={victim}")
        assert session is not None and session["sender"] != victim
        assert is_visitor_id(session["sender"]) and history == []
        # the issued token opens that visitor's (so far empty) conversation next time
        again, history = hello(app, session["token"])
        assert again is None and history == []

    def test_the_visitor_token_reopens_its_own_conversation(self, app: App) -> None:
        sender, token = app.svc.visitors.issue()
        store_message(app, "web", sender, "洗衣机漏水")
        session, history = hello(app, token)
        assert session is None
        assert [m["text"] for m in history] == ["洗衣机漏水"]

    @pytest.mark.parametrize("channel,sender", [("wechat", "oAbC123openid"), ("web", "alice")])
    def test_a_token_for_another_channels_user_opens_nothing(
        self, app: App, channel: str, sender: str
    ) -> None:
        store_message(app, channel, sender, "别人的对话")
        # even signed with the right key, a token may only name an issued visitor id
        key = app.svc.visitors.key
        forged = jwt.encode({"sub": sender, "typ": "visitor", "exp": 4102444800}, key, "HS256")
        wrong_key = VisitorTokens("another-secret-" + "x" * 32, 30).issue()[1]
        for token in (forged, wrong_key, "garbage", 12):
            session, history = hello(app, token)
            assert session is not None and session["sender"] not in (sender,)
            assert history == []

    def test_a_staff_token_is_not_a_visitor_token(self, app: App) -> None:
        session, _ = hello(app, app.tokens["admin"])
        assert session is not None  # refused: a new visitor

    def test_visitor_tokens_are_signed_with_a_key_derived_from_the_staff_secret(
        self, app: App
    ) -> None:
        own = VisitorTokens(staff_secret(app.settings), 30)
        sender, token = own.issue()
        assert app.svc.visitors.read(token) == sender
        assert own.key != staff_secret(app.settings).encode()


class TestRestChannel:
    def test_rest_refuses_the_ids_of_web_visitors(self, app: App) -> None:
        visitor, _ = app.svc.visitors.issue()
        resp = app.client.post(
            "/webhooks/rest/webhook", json={"sender": visitor, "message": "你好"}
        )
        assert resp.status_code == 422
        assert "reserved" in resp.text

    def test_rest_is_open_by_default_and_needs_a_key_once_keys_are_configured(
        self, app: App
    ) -> None:
        body = {"sender": "shop-user-1", "message": "你好"}
        assert app.client.post("/webhooks/rest/webhook", json=body).status_code == 200
        app.settings.auth.rest_keys = {"shop": "shop-integration-key-0123"}
        try:
            url = "/webhooks/rest/webhook"
            resp = app.client.post(url, json=body)
            assert resp.status_code == 401
            assert resp.json()["error"]["code"] == "rest_key_required"
            bad = app.client.post(url, json=body, headers={"X-Kefu-Key": "guess"})
            assert bad.status_code == 401
            good = app.client.post(
                url, json=body, headers={"X-Kefu-Key": "shop-integration-key-0123"}
            )
            assert good.status_code == 200 and good.json()[0]["recipient_id"] == "shop-user-1"
        finally:
            app.settings.auth.rest_keys = {}
