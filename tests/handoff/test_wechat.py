"""Engineers' messages reach a WeChat user through the channel's customer-service sender
(against a local stand-in for WeChat's API server)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pytest

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.sender import CustomerService
from bot.channels.wechat.tokens import AccessTokens, DbTokenStore
from bot.config import WechatSettings
from bot.gateway.types import Button
from tests.channels.conftest import APP_ID, APP_SECRET
from tests.channels.fake_wechat import FakeWechat
from tests.handoff.conftest import ServiceFloor

OPENID = "o6_bmHandoffTest00000000000A"


@pytest.fixture
def wechat(floor: ServiceFloor) -> Iterator[FakeWechat]:
    """WeChat's API server, and the WeChat outlet of the handoff service pointing at it."""
    server = FakeWechat(APP_ID, APP_SECRET).start()

    async def outlet(openid: str, text: str, buttons: Sequence[Button], conv_id: int) -> None:
        api = WechatApi(server.url, APP_ID, APP_SECRET, 5.0)
        tokens = AccessTokens(api, DbTokenStore(floor.service.db), 300.0, "test")
        sender = CustomerService(
            api, tokens, floor.service.db, floor.texts, WechatSettings(api_backoff_s=0.01)
        )
        try:
            await sender.send_text(openid, text, buttons, conversation_id=conv_id)
        finally:
            await api.aclose()

    floor.service.outlets["wechat"] = outlet
    yield server
    server.stop()


class TestWechatDelivery:
    def test_accept_messages_link_and_rating_reach_the_wechat_user(
        self, floor: ServiceFloor, wechat: FakeWechat
    ) -> None:
        floor.online("agent1")
        h = floor.request(OPENID, ("hardware",), channel="wechat")
        floor.act("agent1", h, "accept")
        floor.act("agent1", h, "send", text="您好，我来帮您看看")
        link = {"title": "预约到店维修", "url": "https://service.xinglan.example/booking"}
        floor.act("agent1", h, "send", text="可以在这里预约", link=link)
        floor.act("agent1", h, "close")
        texts = wechat.texts(OPENID)
        assert "已接入" in texts[0]
        assert texts[1] == "您好，我来帮您看看"
        assert "预约到店维修" in texts[2] and link["url"] in texts[2]
        assert "打个分" in texts[3] and "1. 5 分" in texts[3]  # numbered choices
