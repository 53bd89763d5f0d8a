"""Every page checked with axe-core (WCAG 2.1 A and AA rules) in headless Chromium: the chat
page on a phone and on a desktop, the console's login and work views, the editor's, the
supervisors' dashboard (login, each tab, a drill-down).

axe-core comes from the npm registry, vendored for these tests (tests/e2e/vendor/axe-core).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Page) -> list[dict[str, Any]]:
    """What axe finds on the page as it is now: rule, impact and the first offending nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (rules) => (await axe.run(document, {runOnly: rules})).violations.map(v => ({
            rule: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))""",
        RULES,
    )
    return found


def assert_accessible(page: Page, what: str) -> None:
    found = violations(page)
    assert found == [], f"{what}:\n" + json.dumps(found, ensure_ascii=False, indent=1)


def log_in(browser: Browser, url: str, user: str, submit: str) -> tuple[BrowserContext, Page]:
    """A staff page checked at its login, then logged in with the demo account `user`."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    page.goto(url)
    page.locator("#login-user").wait_for()
    assert_accessible(page, f"{url} login")
    page.fill("#login-user", user)
    page.fill("#login-pass", user)
    page.click(submit)
    return context, page


@pytest.mark.parametrize("width", [390, 1280])
def test_chat_page_passes_axe_on_phone_and_desktop(
    browser: Browser, live_stack: Any, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    page.goto(f"{live_stack.url}/chat")
    page.wait_for_function("window.kefuChat && window.kefuChat.state.connected")
    assert_accessible(page, "chat page, empty")
    page.evaluate("window.kefuChat.send('你好')")
    page.locator("#thread .msg--bot .choice").first.wait_for()
    expect(page.locator("#typing")).to_be_hidden()
    assert_accessible(page, "chat page with a greeting and its buttons")
    context.close()


def test_console_login_passes_axe(browser: Browser, live_stack: Any) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_stack.url}/agent")
    page.locator("#login-user").wait_for()
    assert_accessible(page, "console login")
    context.close()


def test_console_passes_axe_with_a_conversation_open(chat: ChatPage, console: Page) -> None:
    assert_accessible(console, "console, no conversation open")
    chat.send("平板电脑屏幕碎了")
    chat.wait_reply(0)
    chat.page.click(".chip[data-text='转人工']")
    sender = chat.page.evaluate("window.kefuChat.state.sender")
    open_in_console(console, sender)
    console.locator("#ctx-suggest .sugg, #ctx-suggest .muted").first.wait_for()
    assert_accessible(console, "console with a conversation and its context")


def test_editor_passes_axe_at_login_on_a_question_and_on_drafts(
    browser: Browser, live_stack: Any
) -> None:
    context, page = log_in(browser, f"{live_stack.url}/editor", "editor", "#login-btn")
    expect(page.locator("#whoami")).to_contain_text("editor")
    page.locator("#q-rows tr[data-qid]").first.click()
    page.locator("#f-title").wait_for()
    assert_accessible(page, "editor, a question open")
    page.click("nav button[data-tab=drafts]")
    page.locator("#draft-rows tr").first.wait_for()
    assert_accessible(page, "editor, drafts")
    context.close()


def test_supervisor_page_passes_axe_at_login_on_each_tab_and_in_a_drill_down(
    browser: Browser, live_stack: Any
) -> None:
    context, page = log_in(browser, f"{live_stack.url}/supervisor", "super", "#login-submit")
    page.locator("#kpis .kpi__value").first.wait_for()
    expect(page.locator("#status")).not_to_contain_text("正在")
    assert_accessible(page, "supervisor, overview")
    for tab in ("hot", "alerts", "rules"):
        page.click(f".tab[data-tab='{tab}']")
        expect(page.locator(f"#pane-{tab}")).to_be_visible()
        expect(page.locator(f".tab[data-tab='{tab}']")).to_have_attribute("aria-selected", "true")
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"supervisor, tab {tab}")
    page.click(".tab[data-tab='overview']")
    page.click('.kpi[data-metric="all"]')
    page.locator("#drill-title").wait_for()
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "supervisor, a drill-down open")
    context.close()
