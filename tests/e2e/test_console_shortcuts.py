"""The console by keyboard and a customer's earlier conversations, in Chromium: Alt+N opens the
next conversation of the list, Alt+T the transfer dialog; a customer who asks for people again
shows the engineer their earlier conversation, one click away and readable.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console

pytestmark = pytest.mark.e2e


def ask_for_people(chat: ChatPage, words: str) -> None:
    before = chat.count("system")
    chat.send(words)
    chat.wait_reply(chat.count("bot"))
    chat.page.click(".chip[data-text='转人工']")
    expect(chat.messages("system")).to_have_count(before + 1, timeout=REPLY_MS)


def test_next_and_transfer_by_keyboard_and_the_earlier_conversation_one_click_away(
    chat: ChatPage, console: Page
) -> None:
    first = f"平板屏幕有一条竖线 {uuid.uuid4().hex[:4]}"
    ask_for_people(chat, first)
    sender = chat.sender()

    console.locator(f".list .item[data-sender='{sender}']").wait_for(state="attached")
    console.locator("body").click()
    console.keyboard.press("Alt+N")  # the next conversation of the list opens
    expect(console.locator("#conv")).to_be_visible()
    assert console.evaluate("window.kefuAgent.state.selected") is not None

    open_in_console(console, sender)
    console.click("#btn-accept")
    expect(chat.messages("system").filter(has_text="已接入")).to_have_count(1, timeout=REPLY_MS)
    console.locator("#transcript").click()
    console.keyboard.press("Alt+T")
    expect(console.locator("#transfer-dialog")).to_be_visible()
    console.keyboard.press("Escape")  # changed their mind: nothing is transferred
    expect(console.locator("#transfer-dialog")).to_be_hidden()
    console.click("#btn-close")
    console.click("#confirm-ok")
    expect(chat.page.locator(".rating")).to_be_visible(timeout=REPLY_MS)

    ask_for_people(chat, "还是有竖线，想再问问")  # the same customer, a second time
    mine = console.locator(f"#list-mine .item[data-sender='{sender}']")
    queued = console.locator(f"#list-queue .item[data-sender='{sender}']")
    expect(mine.or_(queued)).to_have_count(1, timeout=REPLY_MS)
    if queued.count():
        console.click(".tab[data-tab='queue']")
    mine.or_(queued).click()
    earlier = console.locator("#ctx-earlier [data-earlier]")
    expect(earlier).to_have_count(1, timeout=REPLY_MS)
    earlier.click()
    expect(console.locator("#transcript .line--user", has_text=first)).to_be_visible()
