"""A WeChat user's whole conversation: hundreds of messages, each really answered."""

from __future__ import annotations

import time

import pytest

from tests.channels.conftest import WechatStack
from tests.channels.helpers import stored_messages
from tests.e2e.long_chat import assert_bot_answered_each, assert_real_answers, long_chat

pytestmark = pytest.mark.e2e

TURNS = 200


def test_two_hundred_wechat_messages_are_all_really_answered(
    wechat: WechatStack, openid: str
) -> None:
    for turn, message in enumerate(long_chat(TURNS), 1):
        pushed = len(wechat.api.texts(openid))
        reply = wechat.sim.post(wechat.sim.text(openid, message))
        assert reply.status == 200, reply.body
        if reply.content:  # the passive reply
            said = [reply.content]
        else:  # too slow for WeChat's window: sent through the customer-service API
            deadline = time.monotonic() + 60
            while len(wechat.api.texts(openid)) == pushed and time.monotonic() < deadline:
                time.sleep(0.05)
            said = wechat.api.texts(openid)[pushed:]
        assert_real_answers(turn, message, said)
    stored = stored_messages(wechat.stack.db_url, openid)
    assert len([m for m in stored if m["direction"] == "in"]) == TURNS
    assert_bot_answered_each(stored)
