"""Learn from users in the editor page, on the real stack: a question customers keep asking
again after its answer is listed as a likely wrong answer, and a cluster of noise an editor
dismisses leaves the list, stays out when asked again, and comes back when restored."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.helpers import stored_messages
from tests.e2e.test_editor_page import STEP_MS, _login

pytestmark = pytest.mark.e2e

# Nothing in the shipped base answers it: an unmatched cluster of its own.
NOISE = "你们那边有没有卖拖拉机轮胎的"
ASKED_TWICE = "怎么查询我的会员等级和星点余额"  # a title: answered directly, for any device


def _say(url: str, sender: str, text: str) -> list[dict[str, Any]]:
    resp = httpx.post(
        f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=90
    )
    resp.raise_for_status()
    return list(resp.json())


def test_editor_sees_doubtful_answers_and_dismisses_a_cluster_for_good(
    browser: Browser, live_stack: Any
) -> None:
    url = live_stack.url
    sender = f"learn-{uuid.uuid4().hex[:8]}"
    assert _say(url, sender, ASKED_TWICE) and _say(url, sender, ASKED_TWICE)
    kefu = [
        m["payload"].get("custom", {}).get("kefu", {})
        for m in stored_messages(live_stack.db_url, sender)
        if m["role"] == "bot"
    ]
    assert [k.get("decision") for k in kefu] == ["answer", "answer"], kefu
    for _ in range(2):
        _say(url, f"learn-{uuid.uuid4().hex[:8]}", NOISE)

    errors: list[str] = []
    editor = _login(browser, url, "editor", errors)
    editor.click("nav button[data-tab=learn]")
    doubtful = editor.locator("#doubtful-clusters .cluster", has_text=ASKED_TWICE)
    expect(doubtful.first).to_be_visible(timeout=STEP_MS)
    expect(doubtful.first).to_contain_text("换个说法又问 1")

    noise = editor.locator("#learn-clusters .cluster", has_text=NOISE)
    expect(noise).to_have_count(1, timeout=STEP_MS)
    noise.locator(".dismiss").click()
    editor.locator("dialog[open] #dialog-ok").click()
    expect(noise).to_have_count(0)
    dismissed = editor.locator("#dismissed-rows tr", has_text=NOISE)
    expect(dismissed).to_have_count(1)

    # Asked again: still not listed after a refresh.
    _say(url, f"learn-{uuid.uuid4().hex[:8]}", NOISE)
    editor.click("#learn-refresh")
    expect(editor.locator("#dismissed-rows tr", has_text=NOISE)).to_have_count(1)
    expect(editor.locator("#learn-clusters .cluster", has_text=NOISE)).to_have_count(0)

    dismissed.locator(".restore").click()
    expect(editor.locator("#learn-clusters .cluster", has_text=NOISE)).to_have_count(
        1, timeout=STEP_MS
    )
    expect(editor.locator("#dismissed-rows tr", has_text=NOISE)).to_have_count(0)
    assert errors == []
