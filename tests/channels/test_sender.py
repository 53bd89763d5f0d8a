"""Customer-service delivery: retries with backoff, token refresh, 45015 as a ticket."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.sender import CustomerService, Delivery
from bot.channels.wechat.tokens import AccessTokens, DbTokenStore
from bot.config import ROOT, WechatSettings
from bot.gateway.types import Button, Outbound
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Ticket
from bot.texts import Texts
from tests.channels.conftest import APP_ID, APP_SECRET
from tests.channels.fake_wechat import FakeWechat
from tests.conftest import run_async

OPENID = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"


@dataclass
class Harness:
    server: FakeWechat
    db: Database
    texts: Texts
    settings: WechatSettings

    def run(self, *replies: Outbound, conversation_id: int | None = None) -> Delivery:
        async def go() -> Delivery:
            api = WechatApi(self.server.url, APP_ID, APP_SECRET, 5.0)
            tokens = AccessTokens(api, DbTokenStore(self.db), 300.0, "test")
            service = CustomerService(api, tokens, self.db, self.texts, self.settings)
            try:
                return await service.deliver(OPENID, list(replies), conversation_id=conversation_id)
            finally:
                await api.aclose()

        return run_async(go())

    def tickets(self) -> list[Ticket]:
        with self.db.session() as s:
            return list(s.scalars(select(Ticket).order_by(Ticket.id)))


@pytest.fixture
def harness(db_url: str) -> Iterator[Harness]:
    server = FakeWechat(APP_ID, APP_SECRET).start()
    db = Database(db_url)
    settings = WechatSettings(api_backoff_s=0.01, api_attempts=4, max_text_bytes=300)
    yield Harness(server, db, Texts.load(ROOT / "knowledge"), settings)
    db.dispose()
    server.stop()


class TestDelivery:
    def test_text_and_choices_arrive_as_one_message(self, harness: Harness) -> None:
        buttons = [Button(title="查看维修进度", payload="/x"), Button(title="转人工", payload="/y")]
        result = harness.run(Outbound("agent", "您好，请问还需要什么帮助？", buttons=buttons))
        assert result.ok and result.sent == 1
        hint = harness.texts.get("wechat_choices_hint")
        assert harness.server.texts(OPENID) == [
            f"您好，请问还需要什么帮助？\n\n{hint}\n1. 查看维修进度\n2. 转人工"
        ]

    def test_long_answer_is_sent_in_order_within_the_limit(self, harness: Harness) -> None:
        text = "\n\n".join(f"第{i}步：" + "请按住电源键十五秒后松开。" * 5 for i in range(1, 4))
        result = harness.run(Outbound("bot", text))
        sent = harness.server.texts(OPENID)
        assert result.ok and result.sent == len(sent) > 1
        assert all(len(t.encode()) <= 300 for t in sent)
        assert "".join(sent).replace("\n", "") == text.replace("\n", "")

    def test_transient_errors_are_retried_until_delivered(self, harness: Harness) -> None:
        harness.server.fail(OPENID, -1, -1)
        result = harness.run(Outbound("bot", "好的"))
        assert result.ok
        attempts = harness.server.sends(OPENID, ok_only=False)
        assert [c.errcode for c in attempts] == [-1, -1, 0]
        assert harness.tickets() == []

    def test_rejected_token_is_refreshed_once_and_the_message_sent(self, harness: Harness) -> None:
        assert harness.run(Outbound("bot", "第一条")).ok
        harness.server.expire_tokens()
        assert harness.run(Outbound("bot", "第二条")).ok
        assert harness.server.issued == 2
        assert harness.server.texts(OPENID) == ["第一条", "第二条"]

    def test_reply_outside_48_hours_becomes_a_ticket(self, harness: Harness) -> None:
        with harness.db.session() as s:
            conv = repo.open_conversation(s, "wechat", OPENID)
        harness.server.fail(OPENID, 45015)
        result = harness.run(Outbound("bot", "您的维修单已完成"), conversation_id=conv.id)
        assert not result.ok and result.error is not None and result.error.errcode == 45015
        assert len(harness.server.sends(OPENID, ok_only=False)) == 1  # no pointless retries
        (ticket,) = harness.tickets()
        assert (ticket.kind, ticket.status, ticket.channel, ticket.sender) == (
            "undelivered_reply",
            "open",
            "wechat",
            OPENID,
        )
        assert ticket.id == result.ticket_id
        assert ticket.conversation_id == conv.id and ticket.customer_id == conv.customer_id
        assert ticket.summary == harness.texts.get("ticket_outside_window")
        assert ticket.context["errcode"] == 45015
        assert ticket.context["undelivered"] == ["您的维修单已完成"]

    def test_errors_that_outlast_the_retries_become_a_ticket(self, harness: Harness) -> None:
        harness.server.fail(OPENID, -1, -1, -1, -1)
        result = harness.run(Outbound("bot", "好的"))
        assert not result.ok and result.sent == 0
        assert len(harness.server.sends(OPENID, ok_only=False)) == 4
        (ticket,) = harness.tickets()
        assert ticket.summary == harness.texts.get("ticket_undelivered")
        assert ticket.context["errcode"] == -1
