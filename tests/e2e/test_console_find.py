"""Finding a known customer in the console by their phone's last digits or their member id, in
Chromium: a member logged in on the site (customer token) asks for people on /chat."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.auth.secrets import stored_secret
from bot.profile.token import issue_customer_token
from tests.conftest import LiveStack
from tests.e2e.conftest import REPLY_MS, ChatPage

pytestmark = pytest.mark.e2e

MEMBER, PHONE_TAIL = "XL10000004", "5604"  # bot/profile/personas.py


def test_engineer_finds_a_member_by_phone_tail_and_member_id(
    browser: Browser, live_stack: LiveStack, console: Page
) -> None:
    key = stored_secret(live_stack.work_dir / "var", "customer_token_secret")
    token = issue_customer_token(MEMBER, key)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    chat = ChatPage(page=page)
    page.goto(f"{live_stack.url}/chat?customer_token={token}")
    chat.wait_connected()
    chat.send("手机充电特别慢")
    chat.wait_reply(0)
    page.click(".chip[data-text='转人工']")
    expect(chat.messages("system").first).to_be_visible()
    sender = chat.sender()

    item: Any = console.locator(f".list .item[data-sender='{sender}']")
    item.wait_for(state="attached")
    for words in (PHONE_TAIL, MEMBER.lower(), MEMBER):
        console.fill("#find-q", words)
        expect(item).to_have_count(1)
    console.fill("#find-q", "5699")  # another phone's tail
    expect(item).to_have_count(0)
    console.fill("#find-q", "")
    context.close()
