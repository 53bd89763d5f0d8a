"""The console's working tools: alerts in the background, finding a customer, shortcuts,
confirmation before close, and ended conversations that stay readable.

A customer on /chat asks for a human; agent1 works on /agent (headless Chromium, live stack).
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console

pytestmark = pytest.mark.e2e

# The console sees itself in the background (another window has the focus) and records the
# browser notifications it shows; permission is granted as an engineer would grant it.
BACKGROUND = """() => {
  Object.defineProperty(document, 'hidden', {configurable: true, get: () => true});
  document.hasFocus = () => false;
  window.__notes = [];
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, opts) { super(title, opts); window.__notes.push(opts && opts.body); }
  };
  Object.defineProperty(window.Notification, 'permission', {get: () => 'granted'});
}"""


def ask_for_human(chat: ChatPage, words: str) -> str:
    """The customer writes `words`, then asks for a human; returns their sender id."""
    chat.send(words)
    chat.wait_reply(0)
    chat.page.click(".chip[data-text='转人工']")
    expect(chat.messages("system").first).to_be_visible(timeout=REPLY_MS)
    return str(chat.page.evaluate("window.kefuChat.state.sender"))


def test_background_console_alerts_by_title_sound_and_notification(
    chat: ChatPage, console: Page
) -> None:
    console.evaluate(BACKGROUND)
    title = console.title()
    ask_for_human(chat, "游戏本风扇声音特别大")

    console.wait_for_function("document.title.startsWith('(1) ')")
    assert console.evaluate("window.kefuAgent.alerts.sounds") >= 1
    notes = console.evaluate("window.__notes")
    assert notes and any("会话" in n or "客户" in n for n in notes), notes

    # each alert can be switched off; the title count goes with its switch
    console.click(".alerts summary")
    console.uncheck("#alert-title")
    assert console.title() == title
    console.uncheck("#alert-sound")
    console.uncheck("#alert-notify")
    sounds = console.evaluate("window.kefuAgent.alerts.sounds")
    chat.send("麻烦快一点")
    console.wait_for_function("window.kefuAgent.alerts.unseen >= 2")
    assert console.evaluate("window.kefuAgent.alerts.sounds") == sounds
    assert console.title() == title
    assert console.evaluate("window.__notes.length") == len(notes)


def test_engineer_finds_a_waiting_customer_by_their_words_and_filters(
    chat: ChatPage, console: Page
) -> None:
    word = f"型号XL{uuid.uuid4().hex[:6]}"
    sender = ask_for_human(chat, f"我的{word}笔记本开不了机")
    mine = console.locator(f".list .item[data-sender='{sender}']")
    mine.wait_for(state="attached")

    console.fill("#find-q", word.lower())
    expect(mine).to_have_count(1)
    visible = console.locator("#list-mine .item, #list-queue .item")
    assert all(s == sender for s in visible.evaluate_all("xs => xs.map(x => x.dataset.sender)"))

    console.select_option("#find-channel", "wechat")  # a web customer is not a WeChat one
    expect(mine).to_have_count(0)
    console.select_option("#find-channel", "")
    console.fill("#find-q", "完全不相干的词语组合")
    expect(mine).to_have_count(0)
    console.fill("#find-q", "")
    expect(mine).to_have_count(1)


def test_shortcuts_accept_and_close_asks_first_then_the_chat_stays_readable(
    chat: ChatPage, console: Page
) -> None:
    words = f"平板充不进电 {uuid.uuid4().hex[:4]}"
    sender = ask_for_human(chat, words)
    open_in_console(console, sender)
    expect(console.locator("#btn-accept")).to_be_visible()
    console.keyboard.press("Alt+A")
    expect(chat.messages("system").filter(has_text="已接入")).to_have_count(1, timeout=REPLY_MS)

    console.locator("#transcript").click()
    console.keyboard.press("Alt+C")
    expect(console.locator("#confirm-dialog")).to_be_visible()
    console.click("#confirm-cancel")  # changed their mind: nothing happens
    expect(console.locator("#btn-close")).to_be_visible()
    assert chat.page.locator(".rating").count() == 0

    console.click("#btn-close")
    console.click("#confirm-ok")
    expect(chat.page.locator(".rating")).to_be_visible(timeout=REPLY_MS)

    # ended: listed under 历史 and readable, with what the customer wrote
    console.click(".tab[data-tab='history']")
    ended = console.locator(f"#list-history .item[data-sender='{sender}']")
    expect(ended).to_have_count(1, timeout=REPLY_MS)
    ended.click()
    expect(console.locator("#transcript .line--user", has_text=words)).to_be_visible()
    expect(console.locator("#btn-close")).to_be_hidden()
