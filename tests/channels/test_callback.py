"""The WeChat callback of the running app: real-format XML, signed and encrypted as WeChat
does, through the real gateway and Rasa; answers within the window come back passively."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
import yaml

from bot.texts import Texts
from tests.channels.conftest import WechatStack
from tests.channels.helpers import inbound_rows, stored_messages
from tests.channels.wechat_sim import new_msg_id, to_xml
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
TEXTS = Texts.load(ROOT / "knowledge")


def greetings() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain" / "smalltalk.yml").read_text(encoding="utf-8"))
    return [v["text"] for v in domain["responses"]["utter_greet"]]


class TestVerification:
    def test_signed_verification_echoes_echostr(self, wechat: WechatStack) -> None:
        query = {**wechat.sim.signed_query(str(int(time.time())), "n0nce"), "echostr": "5837397749"}
        resp = httpx.get(wechat.sim.url, params=query)
        assert (resp.status_code, resp.text) == (200, "5837397749")

    def test_badly_signed_verification_is_refused(self, wechat: WechatStack) -> None:
        query = {**wechat.sim.signed_query(str(int(time.time())), "n0nce"), "echostr": "1"}
        query["nonce"] = "other"
        resp = httpx.get(wechat.sim.url, params=query)
        assert resp.status_code == 403
        assert resp.json()["error"]["code"] == "bad_signature"

    def test_a_verification_signed_in_2020_is_refused(self, wechat: WechatStack) -> None:
        query = {**wechat.sim.signed_query("1580000000", "n0nce"), "echostr": "1"}
        resp = httpx.get(wechat.sim.url, params=query)
        assert resp.status_code == 403
        assert resp.json()["error"]["code"] == "stale_timestamp"


class TestText:
    def test_text_gets_the_bots_answer_as_passive_reply(
        self, wechat: WechatStack, openid: str
    ) -> None:
        msg = wechat.sim.text(openid, "你好")
        reply = wechat.sim.post(msg)
        assert reply.status == 200 and reply.fields is not None
        assert reply.fields["MsgType"] == "text"
        assert (reply.fields["ToUserName"], reply.fields["FromUserName"]) == (
            openid,
            wechat.sim.account,
        )
        assert any(reply.content.startswith(g) for g in greetings()), reply.content  # type: ignore[union-attr]
        stored = stored_messages(wechat.stack.db_url, openid)
        assert [(m["direction"], m["text"]) for m in stored][:1] == [("in", "你好")]
        assert reply.content.startswith(stored[1]["text"])  # type: ignore[union-attr]
        assert [r["state"] for r in inbound_rows(wechat.stack.db_url, openid)] == ["passive"]
        assert wechat.api.sends(openid, ok_only=False) == []

    @pytest.mark.parametrize("mode", ["safe", "compatible"])
    def test_encrypted_text_gets_an_encrypted_answer(
        self, wechat: WechatStack, openid: str, mode: str
    ) -> None:
        reply = wechat.sim.post(wechat.sim.text(openid, "怎么查询维修进度"), mode=mode)
        assert reply.status == 200 and "<Encrypt>" in reply.body and reply.content
        stored = stored_messages(wechat.stack.db_url, openid)
        assert stored[0]["text"] == "怎么查询维修进度"
        assert stored[0]["payload"]["metadata"]["wechat"]["MsgType"] == "text"
        assert reply.content.startswith(stored[1]["text"])
        assert stored[1]["payload"]["custom"]["kefu"]["decision"] in {"answer", "clarify"}

    def test_hand_signed_encrypted_message_is_accepted(
        self, wechat: WechatStack, openid: str
    ) -> None:
        reply = wechat.sim.post(wechat.sim.text(openid, "你好"), mode="safe", hand_signed=True)
        assert reply.status == 200 and reply.content

    def test_replayed_msgid_is_answered_once(self, wechat: WechatStack, openid: str) -> None:
        msg = wechat.sim.text(openid, "发票怎么开", msg_id=new_msg_id())
        replies = [wechat.sim.post(msg, mode=m) for m in ("plain", "plain", "compatible")]
        assert {r.status for r in replies} == {200}
        assert len({r.content for r in replies}) == 1 and replies[0].content
        stored = stored_messages(wechat.stack.db_url, openid)
        assert [m["direction"] for m in stored].count("in") == 1
        assert len(inbound_rows(wechat.stack.db_url, openid)) == 1
        assert wechat.api.sends(openid, ok_only=False) == []

    def test_another_user_reusing_a_msgid_gets_their_own_answer(
        self, wechat: WechatStack, openid: str
    ) -> None:
        other = f"{openid[:-6]}other1"
        msg_id = new_msg_id()
        first = wechat.sim.post(wechat.sim.text(openid, "你好", msg_id=msg_id))
        second = wechat.sim.post(wechat.sim.text(other, "发票怎么开", msg_id=msg_id))
        assert first.content and second.content and second.content != first.content
        assert stored_messages(wechat.stack.db_url, other)[0]["text"] == "发票怎么开"
        assert [r["state"] for r in inbound_rows(wechat.stack.db_url, other)] == ["passive"]

    def test_typed_number_picks_the_numbered_choice(self, wechat: WechatStack, openid: str) -> None:
        first = wechat.sim.post(wechat.sim.text(openid, "开不了机"))
        assert "\n1. " in (first.content or ""), first.content
        stored = stored_messages(wechat.stack.db_url, openid)
        buttons = stored[-1]["payload"]["buttons"]
        assert len(buttons) >= 2
        second = wechat.sim.post(wechat.sim.text(openid, "２"))
        assert second.content
        chosen = stored_messages(wechat.stack.db_url, openid)[2]
        assert chosen["text"] == "２"
        assert chosen["payload"]["button_payload"] == buttons[1]["payload"]
        assert chosen["payload"]["metadata"]["wechat"]["choice"] == 2


class TestRefused:
    def test_bad_signature_is_refused_and_nothing_stored(
        self, wechat: WechatStack, openid: str
    ) -> None:
        msg = wechat.sim.text(openid, "你好")
        bad = [
            wechat.sim.post(msg, signature="0" * 40),
            wechat.sim.post(msg, mode="safe", msg_signature="0" * 40),
            wechat.sim.post(msg, timestamp="1"),
        ]
        assert [r.status for r in bad] == [403, 403, 403]
        assert all("bad_signature" in r.body for r in bad)
        assert stored_messages(wechat.stack.db_url, openid) == []
        assert inbound_rows(wechat.stack.db_url, openid) == []

    def test_correctly_signed_but_old_callback_is_refused(
        self, wechat: WechatStack, openid: str
    ) -> None:
        query = wechat.sim.signed_query("1577836800", uuid.uuid4().hex[:10])  # 2020-01-01
        reply = wechat.sim.send(query, to_xml(wechat.sim.text(openid, "你好")).encode())
        assert reply.status == 403 and "stale_timestamp" in reply.body
        assert stored_messages(wechat.stack.db_url, openid) == []
        assert inbound_rows(wechat.stack.db_url, openid) == []

    def test_malformed_xml_is_refused_and_nothing_stored(
        self, wechat: WechatStack, openid: str
    ) -> None:
        query = wechat.sim.signed_query(str(int(time.time())), "n0nce")
        for body in (b"<xml><FromUserName>" + openid.encode(), b"", b'{"json": true}'):
            reply = wechat.sim.send(query, body)
            assert reply.status == 400 and "malformed_xml" in reply.body
        assert stored_messages(wechat.stack.db_url, openid) == []

    def test_oversized_body_is_refused(self, wechat: WechatStack, openid: str) -> None:
        msg = wechat.sim.text(openid, "大" * 40_000)
        reply = wechat.sim.send(wechat.sim.signed_query("1", "2"), to_xml(msg).encode())
        assert reply.status == 413 and "body_too_large" in reply.body
        assert stored_messages(wechat.stack.db_url, openid) == []
