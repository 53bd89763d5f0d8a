"""What a reviewer sees of an edit: the changed line of an answer variant, field by field, and
nothing for product lines that only came back in another order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.test_editor_page import _login, _token

pytestmark = pytest.mark.e2e

# Its product lines are stored as [phone, pad]: the form ticks them in catalogue order
# (pad, phone), which used to show up as an empty 「产品线：」 change. It has a WeChat variant.
QID = "account-013"
ADDED = "如果还是不行，回复「转人工」联系工程师。"


def test_one_line_added_to_a_variant_is_shown_as_that_line_only(
    browser: Browser, live_stack: Any
) -> None:
    errors: list[str] = []
    editor = _login(browser, live_stack.url, "editor", errors)
    editor.fill("#q-search", QID)
    editor.locator(f"#q-rows tr[data-qid='{QID}']").click()
    answer = editor.locator("#f-variants .variant .v-answer").first
    before = answer.input_value()
    answer.fill(before.rstrip("\n") + "\n" + ADDED)
    editor.click("#save-question")
    expect(editor.locator("#q-result .success")).to_be_visible()
    draft = editor.evaluate("window.kbEditor.state.draft")
    try:
        editor.click("nav button[data-tab=drafts]")
        editor.locator(f"#draft-rows tr[data-draft='{draft}']").click()
        detail = editor.locator("#draft-detail")
        expect(detail).to_contain_text(QID)
        expect(detail.locator(".text-diff .plus")).to_have_text([f"＋ {ADDED}"])
        expect(detail.locator(".text-diff .minus")).to_have_count(0)
        # the line before it is shown as context, as it reads, not as JSON
        last_line = before.rstrip("\n").splitlines()[-1]
        expect(detail.locator(".text-diff .same").last).to_contain_text(last_line[:20])
        text = detail.inner_text()
        assert "\\n" not in text and "{" not in text and '"answer"' not in text, text
        assert "产品线" not in text, text
        assert errors == []
    finally:
        token = _token(live_stack.url, "editor")
        httpx.delete(
            f"{live_stack.url}/api/kb/drafts/{draft}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )


def test_publishing_asks_first_and_cancel_publishes_nothing(
    browser: Browser, live_stack: Any
) -> None:
    url = live_stack.url
    editor = {"Authorization": f"Bearer {_token(url, 'editor')}"}
    reviewer = {"Authorization": f"Bearer {_token(url, 'reviewer')}"}
    draft = httpx.post(f"{url}/api/kb/drafts", json={"title": "发布确认"}, headers=editor).json()[
        "id"
    ]
    try:
        phrasing = {"question_id": QID, "text": "发布前确认口令七一九"}
        httpx.post(f"{url}/api/kb/drafts/{draft}/phrasings", json=phrasing, headers=editor)
        httpx.post(f"{url}/api/kb/drafts/{draft}/submit", headers=editor).raise_for_status()
        httpx.post(f"{url}/api/kb/drafts/{draft}/approve", headers=reviewer).raise_for_status()
        live = httpx.get(f"{url}/api/kb/live", headers=reviewer).json()["version"]

        errors: list[str] = []
        page = _login(browser, url, "reviewer", errors)
        page.click("nav button[data-tab=drafts]")
        page.select_option("#draft-filter", "review")
        page.locator(f"#draft-rows tr[data-draft='{draft}']").click()
        page.click("#publish-draft")
        ask = page.locator("dialog[open]")
        expect(ask).to_contain_text("确定发布")
        ask.locator("button[value=cancel]").click()
        expect(ask).to_have_count(0)
        assert httpx.get(f"{url}/api/kb/live", headers=reviewer).json()["version"] == live
        assert errors == []
    finally:
        httpx.delete(f"{url}/api/kb/drafts/{draft}", headers=editor, timeout=60)  # the author
