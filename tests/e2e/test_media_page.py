"""Pictures on the chat page and in the agent console, in headless Chromium.

A visitor on a phone attaches a photo: the thumbnail shows at once, the bot offers an engineer,
the engineer sees the photo inline in the console with the conversation, accepts and sends a
picture back, which the customer sees. A refused file gets a Chinese reason, at desktop and
phone sizes.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from tests.conftest import LiveStack
from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console
from tests.media import samples

pytestmark = pytest.mark.e2e
LOADED = "img => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:')"


def file_payload(name: str, data: bytes, mime: str) -> dict[str, Any]:
    return {"name": name, "mimeType": mime, "buffer": data}


def wait_loaded(page: Page, selector: str) -> None:
    page.locator(selector).last.wait_for()
    page.wait_for_function(
        f"sel => [...document.querySelectorAll(sel)].some({LOADED})", arg=selector, timeout=REPLY_MS
    )


class TestPicturesOnThePages:
    def test_a_photo_from_the_phone_reaches_the_engineer_and_a_picture_comes_back(
        self, chat: ChatPage, console: Page
    ) -> None:
        sender = chat.sender()
        attach = chat.page.locator("#attach")
        box = attach.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390

        chat.page.set_input_files(
            "#file", file_payload("蓝屏.jpg", samples.jpeg_with_location(), "image/jpeg")
        )
        wait_loaded(chat.page, "#thread .msg--user .attachment img")
        chat.wait_reply(0, "看不懂图片")
        sent = chat.frames_with(type="message")
        assert len(sent) == 1 and sent[0]["attachment"] and sent[0]["text"] == ""
        chat.page.locator("#thread .msg--bot .choice", has_text="转人工").last.click()

        open_in_console(console, sender)
        wait_loaded(console, "#transcript .line--user .line__image img")
        console.click("#btn-accept")
        chat.page.locator("#thread .msg--system", has_text="已接入").wait_for()

        console.set_input_files(
            "#reply-file", file_payload("按键位置.png", samples.png(120, 80), "image/png")
        )
        wait_loaded(chat.page, "#thread .msg--agent .attachment img")
        wait_loaded(console, "#transcript .line--agent .line__image img")

        # After a reload the visitor still sees both pictures.
        chat.page.reload()
        chat.wait_connected()
        wait_loaded(chat.page, "#thread .msg--user .attachment img")
        wait_loaded(chat.page, "#thread .msg--agent .attachment img")

        # The engineer closes (agent1 is free again for the tests after this one).
        console.click("#btn-close")
        console.click("#confirm-ok")
        chat.page.locator(".rating").wait_for()

    @pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
    def test_a_refused_file_gets_a_chinese_reason_and_is_not_sent(
        self, browser: Browser, live_stack: LiveStack, size: tuple[int, int]
    ) -> None:
        context = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, locale="zh-CN"
        )
        try:
            page = context.new_page()
            page.set_default_timeout(REPLY_MS)
            frames: list[str] = []
            page.on("websocket", lambda ws: ws.on("framesent", lambda f: frames.append(str(f))))
            page.goto(f"{live_stack.url}/chat")
            page.wait_for_function("window.kefuChat && window.kefuChat.state.sender")
            page.set_input_files("#file", file_payload("照片.png", samples.EXE, "image/png"))
            error = page.locator("#thread .msg--error").last
            error.wait_for()
            assert error.inner_text().startswith("抱歉，暂不支持这种文件")
            assert error.is_visible()
            page.set_input_files("#file", file_payload("说明.html", samples.HTML, "text/html"))
            page.wait_for_function(
                "() => document.querySelectorAll('#thread .msg--error').length >= 2"
            )
            assert page.locator("#thread .msg--user .msg__status.is-failed").count() == 2
            assert not [f for f in frames if '"attachment"' in str(f)]
        finally:
            context.close()
