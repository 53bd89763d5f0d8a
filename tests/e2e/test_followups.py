"""Follow-ups that leave out their subject and devices the words do not name, on the real stack
(REST channel, Rasa, the actions, the app database)."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
import pytest

from bench.chat import Customer, Staff, last_turn
from bot.auth.secrets import stored_secret
from tests.conftest import LiveStack

pytestmark = pytest.mark.e2e


def talk(stack: LiveStack, *texts: str) -> tuple[Customer, Staff]:
    customer = Customer(stack.url, f"fu-{uuid.uuid4().hex[:10]}")
    for text in texts:
        customer.say(text)
    customer.close()
    return customer, Staff(stack.url)


def answered(stack: LiveStack, *texts: str) -> str | None:
    """The question the last message was answered with."""
    customer, staff = talk(stack, *texts)
    return last_turn(staff.conversation(customer.sender)).answered()


def test_follow_ups_without_their_subject_are_answered_in_context(live_stack: LiveStack) -> None:
    assert answered(live_stack, "附近没有服务网点 寄修要怎么弄", "那来回的邮费谁出？") == (
        "repair-006"
    )
    assert answered(live_stack, "你们笔记本保修几年", "那电池呢") == "warranty-017"
    assert answered(live_stack, "笔记本电池健康度怎么看", "手机的呢") == "battery-020"


def test_a_complete_second_question_is_not_pulled_into_the_first_topic(
    live_stack: LiveStack,
) -> None:
    assert answered(live_stack, "发票怎么开", "对了 我的X60 Pro 拍照老是糊的") == "phone-009"
    assert answered(live_stack, "保修期多久", "物流信息在哪里看") == "order-005"


def test_an_ok_after_an_answer_is_no_follow_up(live_stack: LiveStack) -> None:
    customer, staff = talk(live_stack, "怎么查物流", "好的")
    turn = last_turn(staff.conversation(customer.sender))
    assert turn.answered() is None and not turn.clarified()


def test_the_context_survives_a_new_rasa_session(live_stack: LiveStack) -> None:
    # The gateway opens a new Rasa session at the 41st customer message (KEFU_RASA__SESSION_TURNS
    # = 40); the follow-up is that message.
    earlier = ["保修期多久", "发票怎么开", "怎么查物流", "会员有哪些等级", "怎么改密码"] * 8
    texts = [*earlier[:39], "附近没有服务网点 寄修要怎么弄", "那来回的邮费谁出？"]
    assert answered(live_stack, *texts) == "repair-006"


def test_no_device_known_asks_which_device_before_a_tree(live_stack: LiveStack) -> None:
    customer, staff = talk(live_stack, "开不开机了 咋回事啊")
    conversation = staff.conversation(customer.sender)
    turn = last_turn(conversation)
    assert turn.answered() is None
    offered = turn.clarified()
    assert {"power-023", "power-001"} <= set(offered), offered
    assert not conversation.get("diagnosis"), "a tree started before the device was known"


def test_earlier_words_naming_the_device_answer_its_question(live_stack: LiveStack) -> None:
    assert answered(live_stack, "我的平板", "开不了机了") == "power-025"
    assert answered(live_stack, "我用的是X60", "电池健不健康") == "battery-020"


def test_the_one_device_of_the_profile_gets_its_question(live_stack: LiveStack) -> None:
    # XL10000005 (sample customers) owns one device: a Y30 phone. Signed with the stack's key.
    key = stored_secret(live_stack.work_dir / "var", "customer_token_secret")
    token = jwt.encode({"sub": "XL10000005", "exp": int(time.time()) + 600}, key, "HS256")
    sender = f"fu-{uuid.uuid4().hex[:10]}"
    metadata = {"customer_token": token}
    resp = httpx.post(
        f"{live_stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "开不开机了 咋回事啊", "metadata": metadata},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    turn = last_turn(Staff(live_stack.url).conversation(sender))
    assert turn.answered() == "power-023"
