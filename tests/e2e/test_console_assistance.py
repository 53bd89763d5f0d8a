"""What the console tells the engineer about a case, in Chromium: suggestions come from the case
(the blue screen), not from the request for a person, and a search lists close matches only;
the diagnosis path reads as the questions and answers the customer saw, in Chinese; 原因 and
摘要 are each said once, whole.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console

pytestmark = pytest.mark.e2e


def test_console_assists_from_the_whole_case_in_chinese(chat: ChatPage, console: Page) -> None:
    chat.send("电脑三天两头蓝屏")
    chat.wait_reply(0)
    chat.messages("bot").last.locator(".choice", has_text="能进系统").click()
    chat.wait_reply(1)
    chat.page.click(".chip[data-text='转人工']")
    expect(chat.messages("system").first).to_be_visible(timeout=REPLY_MS)
    open_in_console(console, chat.sender())

    suggestions = console.locator("#ctx-suggest .sugg")
    suggestions.first.wait_for()
    titles = suggestions.evaluate_all("xs => xs.map(x => x.innerText)")
    assert "蓝屏" in titles[0], titles
    assert not any("人工" in t.split("\n")[0] for t in titles), titles

    # The engineer's own search lists the close matches only, not far weaker padding.
    console.fill("#kb-q", "笔记本电脑蓝屏了")
    console.press("#kb-q", "Enter")
    found = console.locator("#ctx-suggest .sugg__title")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("电脑蓝屏怎么办")

    path = console.locator("#ctx-diagnosis")
    expect(path).to_contain_text("能进系统")
    assert not re.search(r"[a-z][a-z0-9_]+ · ", path.inner_text()), path.inner_text()

    terms = console.locator("#ctx-tier dl.kv dt").all_inner_texts()
    values = console.locator("#ctx-tier dl.kv dd").all_inner_texts()
    said = dict(zip(terms, values, strict=True))
    reason, summary = said["原因"], said["摘要"]
    assert terms.count("原因") == 1 and terms.count("摘要") == 1
    assert reason and summary and reason not in summary and summary not in reason
    assert "蓝屏" in reason
    for text in (reason, summary):
        assert not text.endswith(("：", ":", "，", "、")), text  # never a cut fragment
