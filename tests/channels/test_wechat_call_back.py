"""预约回电 on WeChat, through the live app and the local stand-in for WeChat's API: an answer
that speaks of a call-back offers it as a numbered choice; the customer books it by text (the
number, then a slot by its number) and engineers find the ticket with the slot and the number."""

from __future__ import annotations

import pytest

from bench.chat import Staff
from bench.journey_wechat import WechatCustomer
from tests.channels.conftest import WechatStack

pytestmark = pytest.mark.e2e


def test_a_wechat_customer_books_a_call_back_by_text(wechat: WechatStack) -> None:
    staff = Staff(wechat.stack.url, "agent1", "agent1")
    customer = WechatCustomer(wechat.stack.url, staff)
    answer = customer.say("你们客服电话多少")
    assert "400-820-6688" in str(answer[0]["text"])
    asked = customer.say(customer.choice(answer, "预约回电"))
    assert "手机号" in str(asked[0]["text"])
    refused = customer.say("12345")
    assert "号码好像不太对" in str(refused[0]["text"])
    slots = customer.say("手机 13812345678")
    assert "时间段" in str(slots[0]["text"]) and len(slots[0]["buttons"]) >= 2
    second = str(slots[0]["buttons"][1]["title"])
    done = customer.say("2")
    text = str(done[0]["text"])
    assert "已为您预约回电" in text and "138****5678" in text and second in text

    [ticket] = [
        t for t in staff.get(f"/api/tickets?sender={customer.sender}") if t["kind"] == "callback"
    ]
    assert ticket["channel"] == "wechat" and ticket["status"] == "open"
    assert ticket["callback"]["phone"] == "13812345678"
    assert ticket["number"] in text
