"""Answers that miss the callback window go out through the customer-service API, once.

The app is restarted with a passive window of 1 ms, so every answer takes the late path.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.texts import Texts
from tests.channels.conftest import WechatStack
from tests.channels.helpers import inbound_rows, stored_messages, tickets, wait_state
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
TEXTS = Texts.load(ROOT / "knowledge")
FINAL = {"sent", "ticket", "failed"}


@pytest.fixture(scope="class")
def slow(wechat: WechatStack) -> Iterator[WechatStack]:
    """The app with a 1 ms passive window; the usual 4 s again afterwards."""
    wechat.reconfigure(passive_timeout_s="0.001")
    yield wechat
    wechat.reconfigure()


class TestLateAnswers:
    def test_slow_answer_is_delivered_by_the_customer_service_api(
        self, slow: WechatStack, openid: str
    ) -> None:
        reply = slow.sim.post(slow.sim.text(openid, "怎么查询维修进度"), mode="safe")
        assert (reply.status, reply.body) == (200, "success")
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["sent"]
        stored = stored_messages(slow.stack.db_url, openid)
        (delivered,) = slow.api.texts(openid)
        assert delivered.startswith(stored[1]["text"])
        (call,) = slow.api.sends(openid)
        assert call.body == {"touser": openid, "msgtype": "text", "text": {"content": delivered}}
        assert call.query["access_token"] in slow.api.valid_tokens

    def test_retries_during_the_answer_give_exactly_one_answer(
        self, slow: WechatStack, openid: str
    ) -> None:
        msg = slow.sim.text(openid, "电脑开不了机怎么办")
        with ThreadPoolExecutor(max_workers=4) as pool:
            replies = list(
                pool.map(lambda mode: slow.sim.post(msg, mode=mode), ["plain"] * 2 + ["safe"] * 2)
            )
        assert {r.body for r in replies} == {"success"}
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["sent"]
        again = slow.sim.post(msg)  # a late retry after delivery
        assert again.body == "success"
        assert len(slow.api.texts(openid)) == 1
        stored = stored_messages(slow.stack.db_url, openid)
        assert [m["direction"] for m in stored].count("in") == 1

    def test_reply_outside_48_hours_becomes_a_ticket(self, slow: WechatStack, openid: str) -> None:
        slow.api.fail(openid, 45015)
        reply = slow.sim.post(slow.sim.text(openid, "你好"))
        assert (reply.status, reply.body) == (200, "success")
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["ticket"]
        assert slow.api.texts(openid) == []
        assert [c.errcode for c in slow.api.sends(openid, ok_only=False)] == [45015]
        (ticket,) = tickets(slow.stack.db_url, openid)
        assert (ticket["kind"], ticket["status"], ticket["channel"]) == (
            "undelivered_reply",
            "open",
            "wechat",
        )
        assert ticket["summary"] == TEXTS.get("ticket_outside_window")
        assert ticket["context"]["errcode"] == 45015 and ticket["context"]["undelivered"]
        (row,) = inbound_rows(slow.stack.db_url, openid)
        assert ticket["conversation_id"] == row["conversation_id"] is not None

    def test_transient_api_errors_are_retried(self, slow: WechatStack, openid: str) -> None:
        slow.api.fail(openid, -1, -1)
        slow.sim.post(slow.sim.text(openid, "你好"))
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["sent"]
        assert [c.errcode for c in slow.api.sends(openid, ok_only=False)] == [-1, -1, 0]
        assert tickets(slow.stack.db_url, openid) == []

    def test_expired_access_token_is_replaced(self, slow: WechatStack, openid: str) -> None:
        issued = slow.api.issued
        slow.api.expire_tokens()
        slow.sim.post(slow.sim.text(openid, "你好"))
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["sent"]
        assert [c.errcode for c in slow.api.sends(openid, ok_only=False)] == [40001, 0]
        assert slow.api.issued == issued + 1

    def test_delivered_answer_is_not_repeated_after_a_restart(
        self, slow: WechatStack, openid: str
    ) -> None:
        msg = slow.sim.text(openid, "发票怎么开")
        slow.sim.post(msg)
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["sent"]
        slow.reconfigure(passive_timeout_s="0.001")  # a restart with the same settings
        assert slow.sim.post(msg, mode="compatible").body == "success"
        assert len(slow.api.texts(openid)) == 1
        assert wait_state(slow.stack.db_url, openid, FINAL) == ["sent"]
