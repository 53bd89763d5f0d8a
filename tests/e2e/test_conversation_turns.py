"""Whole conversations through the running bot: emotion read in proportion, trees that let go
of a customer who asks something else, and the status for a customer waiting for people."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.diagnosis.engine import choice_payload, start_payload
from bot.diagnosis.loader import load_diagnosis
from bot.knowledge.loader import load_knowledge
from bot.texts import Texts
from tests.conftest import ROOT, LiveStack
from tests.e2e.conftest import ChatPage
from tests.e2e.helpers import StaffClient, say, texts, titles

pytestmark = pytest.mark.e2e

TEXTS = Texts.load(ROOT / "knowledge")
BOOK = load_diagnosis(ROOT / "knowledge", load_knowledge(ROOT / "knowledge").product_ids)
assert BOOK.controls is not None
CONTROLS = BOOK.controls


class TestEmotionInProportion:
    def test_one_word_of_annoyance_is_answered_with_empathy_not_queued(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        replies = say(live_stack, sender, "每次登app都要等短信验证码 烦 能用wechat直接登进去不")
        assert texts(replies).startswith(TEXTS.get("empathy_annoyed"))
        conv = StaffClient(live_stack.url, "super").get(f"/api/conversations/{sender}")
        assert conv["route"] == "bot" and conv["tier"] < 5
        assert conv["handoff"] is None

    def test_a_calm_question_gets_no_apology(self, live_stack: LiveStack, sender: str) -> None:
        replies = say(live_stack, sender, "保修期多久")
        assert TEXTS.get("empathy_annoyed") not in texts(replies)


def asked(node_text: str | None, replies: list[dict[str, Any]]) -> bool:
    return str(node_text).strip()[:30] in texts(replies)


def start_tree(stack: LiveStack, sender: str, tree_id: str) -> str:
    """Start a tree by its menu button; the text of its first question."""
    tree = BOOK.trees[tree_id]
    first = str(tree.node(tree.start).ask)
    replies = say(stack, sender, start_payload(tree_id))
    assert asked(first, replies)
    assert CONTROLS.quit.label in titles(replies)
    return first


class TestTreesLetGo:
    def test_a_question_inside_a_tree_is_answered_and_the_tree_waits_to_resume(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        first = start_tree(live_stack, sender, "no_sound")
        replies = say(live_stack, sender, "发票怎么开")
        assert CONTROLS.text("reask") not in texts(replies)
        assert any("发票" in t for t in [texts(replies), *titles(replies)])  # answered or asked
        assert CONTROLS.resume.label in titles(replies)
        replies = say(live_stack, sender, choice_payload(CONTROLS.resume.label))
        assert asked(first, replies)

    def test_a_greeting_inside_a_tree_is_greeted_and_the_tree_paused(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        first = start_tree(live_stack, sender, "wifi")
        replies = say(live_stack, sender, "你好")
        assert CONTROLS.text("reask") not in texts(replies)
        assert "您好" in texts(replies)
        assert CONTROLS.resume.label in titles(replies)
        replies = say(live_stack, sender, "继续排查")
        assert asked(first, replies)

    def test_quit_ends_the_tree_and_questions_are_questions_again(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        start_tree(live_stack, sender, "bluetooth")
        replies = say(live_stack, sender, choice_payload(CONTROLS.quit.label))
        assert CONTROLS.text("quit", title=BOOK.trees["bluetooth"].title) in texts(replies)
        replies = say(live_stack, sender, "保修期多久")
        assert CONTROLS.text("reask") not in texts(replies)
        assert CONTROLS.resume.label not in titles(replies)
        conv = StaffClient(live_stack.url, "super").get(f"/api/conversations/{sender}")
        (session,) = conv["diagnosis"]
        assert session["status"] == "abandoned"

    def test_an_unclear_answer_on_the_web_speaks_of_no_numbers(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        start_tree(live_stack, sender, "no_sound")
        replies = say(live_stack, sender, "嗯……这个我也说不好")
        assert CONTROLS.text("reask") in texts(replies)
        assert "数字" not in texts(replies)

    def test_what_was_understood_is_only_what_the_customer_said(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        words = "笔记本今天早上死活开不了 按开机键灯也不亮 风扇也不转"
        replies = say(live_stack, sender, words)
        said = texts(replies)
        assert "我了解到：笔记本今天早上死活开不了，按开机键灯也不亮，风扇也不转。" in said
        assert "充电" not in said.split("我了解到")[1].split("。")[0]

    def test_the_chat_page_offers_quit_and_resume_as_buttons(self, chat: ChatPage) -> None:
        chat.wait_connected()
        chat.send("笔记本没声音了")
        chat.page.locator(".choice", has_text=CONTROLS.quit.label).first.wait_for()
        before = chat.count("bot")
        chat.send("发票怎么开")
        chat.wait_reply(before, "暂停")
        assert "数字" not in "\n".join(chat.bubble_texts("bot"))
        before = chat.count("bot")
        chat.page.locator(".choice", has_text=CONTROLS.resume.label).last.click()
        chat.wait_reply(before, "接着排查")


class TestAfterAHandoff:
    def test_still_there_after_a_ticket_gets_its_number_and_time_not_a_greeting(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        replies = say(live_stack, sender, "转人工")  # nobody on duty: a ticket
        ticket = re.search(r"GD\d{6}", texts(replies))
        assert ticket is not None, texts(replies)
        greeting = "很高兴为您服务"
        for words in ("还在吗", "怎么还没人"):
            replies = say(live_stack, sender, words)
            assert ticket.group(0) in texts(replies) and "前答复您" in texts(replies)
            assert greeting not in texts(replies) and not titles(replies)

    def test_reload_after_the_engineer_closed_shows_the_whole_history(
        self, chat: ChatPage, live_stack: LiveStack
    ) -> None:
        chat.wait_connected()
        sender = chat.page.evaluate("localStorage.getItem('kefu.sender')")
        staff = StaffClient(live_stack.url, "agent1")
        steps = "请先长按电源键 15 秒，再接上原装充电器开机试试。"
        with staff.console():
            staff.put("/api/agent/status", {"status": "online"})
            chat.send("保修期多久")
            chat.wait_reply(0, "保修")
            before = chat.count("bot")
            chat.send("转人工")
            chat.wait_reply(before)
            handoff = staff.wait_handoff(sender)
            staff.post(f"/api/handoffs/{handoff}/accept")
            staff.post(f"/api/handoffs/{handoff}/messages", {"text": steps})
            chat.messages("agent").filter(has_text=steps).wait_for()
            staff.post(f"/api/handoffs/{handoff}/close")
        chat.page.reload()
        chat.wait_connected()
        chat.messages("agent").filter(has_text=steps).wait_for()
        assert chat.messages("user").filter(has_text="保修期多久").count() == 1
        # A new conversation after the close: the earlier one stays above it, marked by date.
        before = chat.count("bot")
        chat.send("还有个问题 发票怎么开")
        chat.wait_reply(before)
        chat.page.reload()
        chat.wait_connected()
        chat.messages("agent").filter(has_text=steps).wait_for()
        assert chat.page.locator("#thread .time--conversation").count() == 2
        history = StaffClient(live_stack.url, "super").get(f"/api/conversations/{sender}")
        assert len(history["history"]) == 2 and history["history"][0]["status"] == "closed"
        earlier = [m["text"] for m in history["history"][0]["messages"]]
        assert "保修期多久" in earlier and steps in earlier
