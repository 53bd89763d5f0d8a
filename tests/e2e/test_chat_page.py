"""The web chat page against the real app and the real Rasa server, in headless Chromium.

Each test gets a fresh browser context, so a fresh visitor (a new visitor token in
`kefu.visitor`) and an empty conversation. Bot replies come from the live stack; assertions
stay on what any sensible answer must contain, not on the exact wording editors may change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

if TYPE_CHECKING:  # the fixture lives in this folder's conftest.py
    from tests.e2e.conftest import ChatPage

pytestmark = pytest.mark.e2e

REPLY_MS = 30_000

GREETING = r"小岚|您好"
REPAIR_ANSWER = r"维修|进度|寄修|送修|服务单"
SENDER_RE = re.compile(r"^web-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_greeting_is_answered_and_acknowledged(chat: ChatPage, tmp_path: Path) -> None:
    sender = chat.sender()
    assert SENDER_RE.match(sender), sender
    # the identity travels in the first frame, never in the URL (access logs)
    assert chat.socket_urls[0].endswith("/ws/chat") and chat.socket_urls[0].startswith("ws://")
    token = chat.page.evaluate("localStorage.getItem('kefu.visitor')")
    assert token and token not in chat.socket_urls[0]
    assert chat.sent[0] == {"type": "hello", "token": None}  # a new visitor: issued one

    chat.send("你好")

    expect(chat.messages("user").last.locator(".bubble")).to_have_text("你好")
    reply = chat.wait_reply(0, GREETING)
    assert re.search(GREETING, reply)
    # the server stored the message: the bubble shows the ack tick
    expect(chat.messages("user").last.locator(".msg__status")).to_have_class(re.compile("is-acked"))
    frame = chat.frames_with(type="message", text="你好")
    assert len(frame) == 1 and frame[0]["id"] and "payload" not in frame[0]
    assert chat.page.locator("#input").input_value() == ""

    shot = tmp_path / "chat-greeting.png"
    chat.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_question_gets_an_answer(chat: ChatPage, tmp_path: Path) -> None:
    chat.send("怎么查询维修进度")

    answer = chat.wait_reply(0, REPAIR_ANSWER)
    assert re.search(REPAIR_ANSWER, answer)
    expect(chat.page.locator("#thread .msg--error")).to_have_count(0)
    chat.page.screenshot(path=str(tmp_path / "chat-answer.png"))


def test_button_sends_payload_and_shows_title(chat: ChatPage) -> None:
    chat.send("你好")
    greeting = chat.wait_reply(0, GREETING)
    groups = chat.messages("bot").locator(".choices")
    expect(groups.last.locator(".choice").first).to_be_visible(timeout=REPLY_MS)
    # pinned by position: the answer may bring choices of its own (a diagnosis tree's question)
    group = groups.nth(groups.count() - 1)

    # a topic button, not a hand-off one: its answer comes from the bot
    buttons = group.locator(".choice").all()
    button = next((b for b in buttons if "人工" not in b.inner_text()), buttons[0])
    title = button.inner_text()
    payload = button.get_attribute("data-payload")
    bots_before = chat.count("bot")
    button.click()

    expect(chat.messages("user").last.locator(".bubble")).to_have_text(title)
    for b in group.locator(".choice").all():
        expect(b).to_be_disabled()
    expect(button).to_have_class(re.compile("is-chosen"))
    sent = chat.frames_with(type="message", text=title)
    assert len(sent) == 1
    assert sent[0].get("payload") == (payload or None)

    answer = chat.wait_reply(bots_before, r"\S")
    assert answer.strip() and answer != greeting
    expect(chat.page.locator("#thread .msg--error")).to_have_count(0)


def test_typing_indicator_while_waiting(chat: ChatPage) -> None:
    typing = chat.page.locator("#typing")
    expect(typing).to_be_hidden()
    # record every time the indicator is shown, however short
    chat.page.evaluate(
        """() => {
            window.__typingSeen = [];
            const t = document.getElementById('typing');
            new MutationObserver(() => {
                if (!t.hidden) window.__typingSeen.push(t.innerText);
            }).observe(t, {attributes: true, attributeFilter: ['hidden']});
        }"""
    )

    chat.send("怎么查询维修进度")

    chat.wait_reply(0, REPAIR_ANSWER)
    seen = chat.page.evaluate("window.__typingSeen")
    assert seen and "小岚正在输入" in seen[0]
    expect(typing).to_be_hidden(timeout=REPLY_MS)
    assert chat.page.evaluate("window.kefuChat.state.typing") is False


def test_reconnects_after_drop_and_keeps_answering(chat: ChatPage) -> None:
    chat.send("你好")
    chat.wait_reply(0, GREETING)
    users, bots = chat.count("user"), chat.count("bot")
    banner = chat.page.locator("#banner")

    # hold the line down for a moment so the banner is seen before the reconnect
    assert chat.page.evaluate("window.kefuChat.debugDropConnection({holdMs: 1000})") is True
    expect(banner).to_have_text("连接已断开，正在重连…")
    assert chat.page.evaluate("window.kefuChat.state.connected") is False

    chat.wait_connected(min_connects=2)
    expect(banner).to_have_text("已重新连接")
    expect(banner).to_be_hidden(timeout=10_000)
    assert len(chat.socket_urls) == 2
    # the history sent on reconnect does not duplicate what is on screen
    assert (chat.count("user"), chat.count("bot")) == (users, bots)

    chat.send("怎么查询维修进度")
    assert re.search(REPAIR_ANSWER, chat.wait_reply(bots, REPAIR_ANSWER))


def test_message_typed_while_offline_is_sent_after_reconnect(chat: ChatPage) -> None:
    chat.page.evaluate("window.kefuChat.debugDropConnection({holdMs: 2000})")
    expect(chat.page.locator("#banner")).to_have_text("连接已断开，正在重连…")

    chat.send("怎么查询维修进度")

    status = chat.messages("user").last.locator(".msg__status")
    expect(status).to_have_class(re.compile("is-queued"))
    assert chat.frames_with(type="message", text="怎么查询维修进度") == []
    assert chat.page.evaluate("window.kefuChat.state.queued") == 1

    chat.wait_connected(min_connects=2)
    assert re.search(REPAIR_ANSWER, chat.wait_reply(0, REPAIR_ANSWER))
    expect(status).to_have_class(re.compile("is-acked"))
    assert chat.count("user") == 1


def test_reload_restores_the_conversation(chat: ChatPage) -> None:
    chat.send("你好")
    chat.wait_reply(0, GREETING)
    expect(chat.page.locator("#typing")).to_be_hidden(timeout=REPLY_MS)
    before = chat.bubble_texts("bot")

    chat.page.reload()
    chat.wait_connected()

    expect(chat.messages("user")).to_have_count(1, timeout=REPLY_MS)
    expect(chat.messages("user").locator(".bubble")).to_have_text("你好")
    assert chat.bubble_texts("bot") == before
    expect(chat.page.locator("#banner")).to_be_hidden()


def test_a_page_that_names_another_visitors_id_gets_its_own_empty_conversation(
    chat: ChatPage,
) -> None:
    """An old page (only `kefu.sender`, no token) or an edited one never opens someone else."""
    victim = chat.sender()
    chat.send("我的订单号是 XL2024")
    chat.wait_reply(0)
    other = chat.page.context.browser.new_context(locale="zh-CN")  # type: ignore[union-attr]
    try:
        page = other.new_page()
        page.add_init_script(f"localStorage.setItem('kefu.sender', '{victim}')")
        page.goto(chat.page.url)
        page.wait_for_function("window.kefuChat && window.kefuChat.state.histories >= 1")
        assert page.evaluate("window.kefuChat.state.sender") not in ("", victim)
        assert page.locator("#thread .msg--user").count() == 0
        assert "XL2024" not in page.locator("#thread").inner_text()
    finally:
        other.close()


def test_composer_limit_and_newlines(chat: ChatPage) -> None:
    send_button = chat.page.locator("#send")
    expect(send_button).to_be_disabled()

    chat.input.fill("好" * 2001)
    expect(chat.page.locator("#count")).to_have_text("2001/2000")
    expect(chat.page.locator("#hint")).to_contain_text("最多 2000 字")
    expect(send_button).to_be_disabled()
    chat.input.press("Enter")
    expect(chat.messages("user")).to_have_count(0)

    chat.input.fill("好" * 2000)
    expect(chat.page.locator("#hint")).to_have_text("")
    expect(send_button).to_be_enabled()

    chat.input.fill("")
    chat.input.type("第一行")
    chat.input.press("Shift+Enter")
    chat.input.type("第二行")
    assert chat.input.input_value() == "第一行\n第二行"
    expect(chat.messages("user")).to_have_count(0)
    send_button.click()
    expect(chat.messages("user").locator(".bubble")).to_have_text("第一行\n第二行")
    assert chat.frames_with(type="message", text="第一行\n第二行")


def test_diagnosis_tree_is_completed_by_clicking(chat: ChatPage) -> None:
    from bot.diagnosis.loader import load_diagnosis
    from bot.diagnosis.stats import all_paths
    from bot.knowledge.loader import load_knowledge
    from tests.conftest import ROOT

    book = load_diagnosis(ROOT / "knowledge", load_knowledge(ROOT / "knowledge").product_ids)
    assert book.controls is not None
    tree = book.trees["wifi"]
    # a path that shows a solution with a link, then ends with "解决了"
    path = next(p for p in all_paths(tree) if p[-1][1] == "solved" and tree.node(p[-1][0]).link)

    def click(title: str) -> None:
        choice = (
            chat.messages("bot")
            .last.locator(".choice")
            .filter(has_text=re.compile("^" + re.escape(title) + "$"))
        )
        expect(choice).to_be_visible(timeout=REPLY_MS)
        bots_before = chat.count("bot")
        choice.click()
        expect(chat.messages("user").last.locator(".bubble")).to_have_text(title)
        # the answer may come as several messages (an intro, then the question)
        expect(chat.messages("bot").nth(bots_before)).to_be_visible(timeout=REPLY_MS)

    chat.page.locator("#quick .chip", has_text="故障自助排查").click()
    click(tree.title)
    for node_id, choice in path:
        node = tree.node(node_id)
        if isinstance(choice, int):
            expect(chat.messages("bot").last).to_contain_text(str(node.ask))
            click(node.options[choice].label)
        else:
            last = chat.messages("bot").last
            expect(last).to_contain_text(str(node.solution).strip().splitlines()[0])
            if choice == "solved" and node.link:
                expect(last.locator(".links a")).to_have_attribute("href", node.link.url)
            label = (
                book.controls.solved.label if choice == "solved" else book.controls.unsolved.label
            )
            click(label)
    expect(chat.messages("bot").last).to_contain_text(book.controls.text("solved"))
    expect(chat.page.locator("#thread .msg--error")).to_have_count(0)
    assert not chat.page_errors
