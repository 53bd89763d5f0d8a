"""Follows, unfollows, menu clicks, voice and media through the running app."""

from __future__ import annotations

import pytest

from bot.channels.wechat.menu import load_menu
from bot.texts import Texts
from tests.channels.conftest import WechatStack
from tests.channels.helpers import inbound_rows, stored_messages
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
TEXTS = Texts.load(ROOT / "knowledge")
MENU = load_menu(ROOT / "knowledge" / "wechat_menu.yml")
MEDIA = [
    ("voice", {"MediaId": "m2", "Format": "amr", "Recognition": ""}, "wechat_voice_unrecognized"),
    ("image", {"PicUrl": "https://mmbiz.example/p.jpg", "MediaId": "m3"}, "wechat_image_received"),
    ("video", {"MediaId": "m4", "ThumbMediaId": "t4"}, "wechat_video_received"),
    (
        "location",
        {"Location_X": "31.23", "Location_Y": "121.47", "Scale": "15", "Label": "上海"},
        "wechat_location_received",
    ),
    (
        "link",
        {"Title": "说明", "Description": "d", "Url": "https://a.example"},
        "wechat_link_received",
    ),
]


class TestFollow:
    def test_subscribe_gets_a_welcome_with_numbered_topics(
        self, wechat: WechatStack, openid: str
    ) -> None:
        reply = wechat.sim.post(wechat.sim.event(openid, "subscribe", EventKey=""))
        topics = MENU.topic_buttons()
        numbered = "\n".join(f"{i}. {b['title']}" for i, b in enumerate(topics, 1))
        hint = TEXTS.get("wechat_choices_hint")
        assert reply.content == f"{TEXTS.get('wechat_welcome')}\n\n{hint}\n{numbered}"

        answer = wechat.sim.post(wechat.sim.text(openid, "1"))
        assert answer.content
        stored = stored_messages(wechat.stack.db_url, openid)
        assert stored[0]["payload"]["metadata"]["wechat"]["Event"] == "subscribe"
        assert stored[2]["payload"]["button_payload"] == topics[0]["payload"]
        assert stored[3]["payload"]["custom"]["kefu"]["decision"] in {"answer", "clarify"}

    def test_unsubscribe_is_recorded_without_reply(self, wechat: WechatStack, openid: str) -> None:
        reply = wechat.sim.post(wechat.sim.event(openid, "unsubscribe", EventKey=""))
        assert (reply.status, reply.body) == (200, "success")
        (stored,) = stored_messages(wechat.stack.db_url, openid)
        assert stored["direction"] == "in"
        assert stored["payload"]["metadata"]["wechat"]["Event"] == "unsubscribe"
        assert [r["state"] for r in inbound_rows(wechat.stack.db_url, openid)] == ["done"]


class TestMenuClick:
    def test_click_asks_the_bot_the_topic_once(self, wechat: WechatStack, openid: str) -> None:
        event = wechat.sim.event(openid, "CLICK", EventKey="TOPIC_WIFI")
        first, again = wechat.sim.post(event), wechat.sim.post(event, mode="safe")
        assert first.content and again.content == first.content
        inbound, *replies = stored_messages(wechat.stack.db_url, openid)
        assert inbound["text"] == MENU.topic("TOPIC_WIFI")
        assert replies and all(r["payload"]["reply_to"] == inbound["id"] for r in replies)

    def test_unknown_menu_key_offers_the_topics(self, wechat: WechatStack, openid: str) -> None:
        reply = wechat.sim.post(wechat.sim.event(openid, "CLICK", EventKey="RETIRED_KEY"))
        assert reply.content and reply.content.startswith(TEXTS.get("wechat_menu_unknown"))

    def test_view_click_is_kept_without_a_conversation_message(
        self, wechat: WechatStack, openid: str
    ) -> None:
        event = wechat.sim.event(openid, "VIEW", EventKey="https://service.xinglan.example")
        assert wechat.sim.post(event).body == "success"
        assert stored_messages(wechat.stack.db_url, openid) == []
        assert [r["msg_type"] for r in inbound_rows(wechat.stack.db_url, openid)] == ["event:view"]


class TestVoiceAndMedia:
    def test_voice_with_recognition_is_answered_as_text(
        self, wechat: WechatStack, openid: str
    ) -> None:
        msg = wechat.sim.message(
            openid, "voice", MediaId="m1", Format="amr", Recognition="怎么查询维修进度"
        )
        reply = wechat.sim.post(msg)
        stored = stored_messages(wechat.stack.db_url, openid)
        assert stored[0]["text"] == "怎么查询维修进度"
        assert reply.content and reply.content.startswith(stored[1]["text"])

    @pytest.mark.parametrize(("msg_type", "fields", "text_key"), MEDIA)
    def test_media_gets_a_polite_reply_and_is_stored(
        self, wechat: WechatStack, openid: str, msg_type: str, fields: dict, text_key: str
    ) -> None:
        reply = wechat.sim.post(wechat.sim.message(openid, msg_type, **fields))
        assert reply.content == TEXTS.get(text_key)
        stored = stored_messages(wechat.stack.db_url, openid)
        assert [m["direction"] for m in stored] == ["in", "out"]
        kept = stored[0]["payload"]["metadata"]["wechat"]
        assert kept["MsgType"] == msg_type
        assert all(kept.get(k) == v for k, v in fields.items() if v)
