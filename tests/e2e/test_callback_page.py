"""预约回电 on the chat page, in headless Chromium on a phone and on a desktop: an answer that
speaks of a call-back offers it, the form books it (a wrong number is refused in Chinese), the
engineer console lists it with its slot and number; the open form passes axe; outside service
hours the ticket notice offers it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.conftest import LiveStack
from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.test_accessibility import assert_accessible

pytestmark = pytest.mark.e2e

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def open_chat(browser: Browser, url: str, size: str) -> tuple[Any, ChatPage]:
    context = browser.new_context(viewport=SIZES[size], locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    chat = ChatPage(page=page)
    page.on("pageerror", lambda err: chat.page_errors.append(str(err)))
    page.goto(f"{url}/chat")
    chat.wait_connected()
    return context, chat


def fits_on_screen(page: Page, selector: str) -> bool:
    """Whether the element lies wholly inside the viewport's width."""
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"] if page.viewport_size else 0
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_an_answer_offering_a_call_back_books_it_and_the_console_lists_it(
    browser: Browser, live_stack: LiveStack, console: Page, size: str
) -> None:
    context, chat = open_chat(browser, live_stack.url, size)
    chat.send("你们客服电话多少")
    chat.wait_reply(0, "400-820-6688")
    offer = chat.page.locator("#thread .msg--bot .choice", has_text="预约回电").last
    offer.click()
    form = chat.page.locator(".callback-form")
    expect(form).to_be_visible()
    assert fits_on_screen(chat.page, ".callback-form")
    slots = form.locator("select[name=slot] option")
    expect(slots).to_have_count(live_stack_slots(), timeout=REPLY_MS)
    assert_accessible(chat.page, f"chat page ({size}), call-back form open")

    form.locator("input[name=phone]").fill("12345")
    form.locator(".callback-form__submit").click()
    expect(form.locator(".callback-form__error")).to_contain_text("号码好像不太对")

    label = slots.nth(1).inner_text()
    form.locator("input[name=phone]").fill("138 1234 5678")
    form.locator("select[name=slot]").select_option(index=1)
    form.locator("textarea[name=note]").fill("想问一下维修进度")
    form.locator(".callback-form__submit").click()
    confirmation = chat.wait_reply(1, "已为您预约回电")
    assert "138****5678" in confirmation and "13812345678" not in confirmation
    assert label.split(" ")[-1] in confirmation  # the slot's hours
    expect(form).to_have_count(0)
    number = confirmation.split("工单 ")[1][:8]  # GD000123

    console.click(".tab[data-tab='tickets']")
    item = console.locator("#list-tickets .item", has_text=number)
    expect(item).to_contain_text("回电")
    item.click()
    box = console.locator("#ticket .callback")
    expect(box.locator(".callback__phone")).to_have_text("13812345678")
    expect(box).to_contain_text("想问一下维修进度")
    context.close()
    assert chat.page_errors == []


def live_stack_slots() -> int:
    from bot.config import HandoffSettings

    return HandoffSettings().callback_slots


@pytest.fixture
def closed_hours(live_stack: LiveStack) -> Iterator[str]:
    """The app restarted with service hours that do not include now (restored afterwards)."""
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    start = (now.hour + 3) % 24
    hours = f"{start:02d}:00-{min(start + 2, 24):02d}:00"
    before = dict(live_stack.extra_env)
    live_stack.restart_app({**before, "KEFU_HANDOFF__HOURS": hours})
    try:
        yield hours
    finally:
        live_stack.restart_app(before)


@pytest.mark.parametrize("size", ["phone"])
def test_outside_service_hours_the_ticket_notice_offers_a_call_back(
    browser: Browser, live_stack: LiveStack, closed_hours: str, size: str
) -> None:
    context, chat = open_chat(browser, live_stack.url, size)
    chat.page.click(".chip[data-text='转人工']")
    notice = chat.page.locator("#thread .msg--system", has_text="非人工服务时间")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(closed_hours)
    notice.locator(".choice", has_text="预约回电").click()
    form = chat.page.locator(".callback-form")
    expect(form.locator("select[name=slot] option").first).to_contain_text(closed_hours[:2])
    assert fits_on_screen(chat.page, ".callback-form")
    context.close()
    assert chat.page_errors == []
