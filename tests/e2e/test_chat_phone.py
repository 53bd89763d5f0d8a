"""The chat page on a 390 px phone: chips on screen, replies in view, stale buttons off.

The `chat` fixture is a 390 x 844 viewport (an iPhone 12-15 screen) on the live stack.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console

pytestmark = pytest.mark.e2e

PHONE_WIDTH = 390
CLARIFY = "开不了机"  # laptop, phone or desktop: the bot asks back with buttons


def at_bottom(page: Page) -> bool:
    return bool(
        page.evaluate(
            "() => { const m = document.getElementById('messages');"
            " return m.scrollHeight - m.scrollTop - m.clientHeight < 2; }"
        )
    )


def test_every_shortcut_chip_is_on_screen_at_phone_width(chat: ChatPage) -> None:
    chips = chat.page.locator("#quick .chip")
    expect(chips.filter(has_text="转人工")).to_have_count(1)
    for chip in chips.all():
        box = chip.bounding_box()
        assert box is not None, chip.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE_WIDTH, (chip.inner_text(), box)


def test_reply_in_several_parts_keeps_the_thread_at_the_bottom(chat: ChatPage) -> None:
    # a thread taller than the screen, so keeping up with it takes scrolling
    for text in ("你好", "保修期是多久", "怎么查询维修进度"):
        bots = chat.count("bot")
        chat.send(text)
        chat.wait_reply(bots)
    assert chat.page.evaluate("document.getElementById('messages').scrollHeight") > 844
    # 转人工 is answered by the bot and then by the handoff: two messages in a row
    bots, notices = chat.count("bot"), chat.count("system")
    chat.send("转人工")
    expect(chat.messages("system")).to_have_count(notices + 1, timeout=REPLY_MS)
    assert chat.count("bot") > bots
    expect(chat.page.locator("#typing")).to_be_hidden(timeout=REPLY_MS)
    expect(chat.page.locator("#jump")).to_be_hidden()
    assert at_bottom(chat.page), "the last part of the reply is below the screen"


def test_buttons_of_an_earlier_question_are_disabled_and_stay_so_after_reload(
    chat: ChatPage,
) -> None:
    chat.send(CLARIFY)
    clarify = chat.messages("bot").last.locator(".choice")
    expect(clarify.first).to_be_enabled(timeout=REPLY_MS)
    bots = chat.count("bot")
    chat.send("保修期是多久")  # the customer moved on without choosing
    chat.wait_reply(bots)
    for button in clarify.all():
        expect(button).to_be_disabled()

    chat.page.reload()
    chat.wait_connected()
    expect(chat.messages("user")).to_have_count(2, timeout=REPLY_MS)
    old = chat.messages("bot").filter(has=chat.page.locator(".choice")).first.locator(".choice")
    assert old.count() >= 2
    for button in old.all():
        expect(button).to_be_disabled()


def test_engineer_joining_retires_queue_buttons_and_bot_chips(
    chat: ChatPage, console: Page
) -> None:
    # agent1 is busy: the customer waits in the queue, with 留言 / 取消排队 offered
    with console.expect_response(lambda r: "/api/agent/status" in r.url):
        console.select_option("#status", "busy")
    sender = chat.page.evaluate("window.kefuChat.state.sender")
    chat.send("笔记本电脑蓝屏了")
    chat.wait_reply(0)
    expect(chat.page.locator("#quick")).to_be_visible()
    chat.page.click(".chip[data-text='转人工']")
    notice = chat.messages("system").first
    expect(notice).to_be_visible(timeout=REPLY_MS)
    # while waiting: 留言 / 取消排队 are offered and the bot's chips are gone
    waiting_buttons = chat.page.locator("#thread .msg--system .choice")
    expect(waiting_buttons.filter(has_text="取消排队")).to_be_enabled(timeout=REPLY_MS)
    expect(chat.page.locator("#quick")).to_be_hidden()

    open_in_console(console, sender)
    console.click("#btn-accept")
    expect(chat.messages("system").filter(has_text="已接入")).to_have_count(1, timeout=REPLY_MS)

    for button in waiting_buttons.all():
        expect(button).to_be_disabled()
    expect(chat.page.locator("#quick")).to_be_hidden()
    status = chat.page.locator("#status-text")
    expect(status).to_have_text(re.compile("工程师.*为您服务"))
    assert not re.search(r"(\S{2,})\s+\1", status.inner_text()), status.inner_text()
    with console.expect_response(lambda r: "/api/agent/status" in r.url):
        console.select_option("#status", "online")  # as the other tests expect agent1
