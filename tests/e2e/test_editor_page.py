"""The knowledge editor page, end to end: an editor adds a similar phrasing to a standard
question, a reviewer approves and publishes it, and the chat page answers that phrasing with
that question at once (no Rasa retraining, no restart).

Real Rasa, the real app, headless Chromium. The phrasing carries a made-up code word, so no
other question can claim it; what the matcher's thresholds are does not matter, only that an
exact phrasing of a question is answered with that question.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import stored_messages

if TYPE_CHECKING:
    from tests.e2e.conftest import ChatPage

pytestmark = pytest.mark.e2e

QID = "account-001"  # a plain question: no diagnosis tree, same answer for every visitor
PHRASING = "青柠檬口令五八二 注册账号"
STEP_MS = 60_000  # the conflict check runs the matcher over the question's phrasings


def _token(url: str, user: str) -> str:
    resp = httpx.post(f"{url}/api/auth/token", data={"username": user, "password": user})
    resp.raise_for_status()
    return str(resp.json()["access_token"])


@pytest.fixture
def restore_live(live_stack: Any) -> Iterator[None]:
    """Put the live knowledge back afterwards: other page tests share this app."""
    headers = {"Authorization": f"Bearer {_token(live_stack.url, 'reviewer')}"}
    before = httpx.get(f"{live_stack.url}/api/kb/live", headers=headers).json()["version"]
    yield
    httpx.post(f"{live_stack.url}/api/kb/versions/{before}/rollback", headers=headers)


def _login(browser: Browser, url: str, user: str, errors: list[str]) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(STEP_MS)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{url}/editor")
    page.fill("#login-user", user)
    page.fill("#login-pass", user)
    page.click("#login-btn")
    expect(page.locator("#whoami")).to_contain_text(user)
    return page


def test_editor_phrasing_published_by_reviewer_is_answered_in_chat(
    browser: Browser, live_stack: Any, chat: ChatPage, restore_live: None
) -> None:
    errors: list[str] = []

    # The editor finds the question, adds the phrasing, saves it to a draft, submits it.
    editor = _login(browser, live_stack.url, "editor", errors)
    editor.fill("#q-search", QID)
    editor.locator(f"#q-rows tr[data-qid='{QID}']").click()
    expect(editor.locator("#q-editor h2")).to_contain_text(QID)
    answer = editor.locator("#f-answer").input_value()
    editor.fill("#new-similar", PHRASING)
    editor.click("#add-similar")
    editor.click("#save-question")
    expect(editor.locator("#q-result .success")).to_be_visible()
    editor.click("nav button[data-tab=drafts]")
    editor.locator("#draft-rows tr[data-draft]").first.click()
    expect(editor.locator("#draft-detail")).to_contain_text(PHRASING)
    editor.click("#submit-draft")
    expect(editor.locator("#withdraw-draft")).to_be_visible()
    # An editor is offered no way to approve or publish.
    expect(editor.locator("#approve-draft, #publish-draft")).to_have_count(0)

    # The reviewer sees it waiting, approves it and publishes it.
    reviewer = _login(browser, live_stack.url, "reviewer", errors)
    reviewer.click("nav button[data-tab=drafts]")
    reviewer.select_option("#draft-filter", "review")
    reviewer.locator("#draft-rows tr[data-draft]", has_text="editor").first.click()
    expect(reviewer.locator("#draft-detail")).to_contain_text(PHRASING)
    reviewer.click("#approve-draft")
    reviewer.click("#publish-draft")
    published = reviewer.locator("#publish-ok")
    confirm = reviewer.locator("dialog[open] #dialog-ok")
    # Publishing asks first; if the server's conflict check lists something, it asks again.
    for _ in range(2):
        expect(published.or_(confirm)).to_be_visible(timeout=STEP_MS)
        if not confirm.is_visible():
            break
        confirm.click()
    expect(published).to_be_visible(timeout=STEP_MS)
    expect(reviewer.locator("#live-badge")).to_contain_text(re.compile(r"v\d+"))

    # The chat answers the new phrasing with that question, right away.
    chat.send(PHRASING)
    first_line = answer.strip().splitlines()[0]
    reply = chat.wait_reply(0, re.escape(first_line[:12]))
    assert first_line[:12] in reply
    sender = chat.sender()
    bot = [m for m in stored_messages(live_stack.db_url, sender) if m["role"] == "bot"]
    assert bot and bot[0]["payload"]["custom"]["kefu"]["question_id"] == QID
    assert bot[0]["payload"]["custom"]["kefu"]["decision"] == "answer"
    assert errors == []
