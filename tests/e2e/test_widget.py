"""The embeddable widget on somebody else's site: a plain HTML page served from another origin
loads `GET /widget.js`; the floating button opens the real chat, on a desktop and on a phone,
with the customer token the host page gave it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import REPLY_MS
from tests.e2e.helpers import other_site
from tests.media import samples

pytestmark = pytest.mark.e2e

TOKEN = "host-site-signed-token.for-the-test"  # passed through; verified by the server


@pytest.fixture
def host_site(tmp_path: Path, live_stack: Any) -> Iterator[str]:
    """A shop's page on its own origin (another port) embedding the widget."""
    (tmp_path / "index.html").write_text(
        f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>星岚商城</title>
<style>body {{ font-family: sans-serif; }} button {{ background: red; }}</style></head>
<body><h1>星岚商城</h1><p>商品列表……</p>
<script src="{live_stack.url}/widget.js" data-customer-token="{TOKEN}" async></script>
</body></html>""",
        encoding="utf-8",
    )
    with other_site(tmp_path) as site:
        yield f"{site}/index.html"


def test_widget_script_is_served_as_javascript(live_stack: Any) -> None:
    resp = httpx.get(f"{live_stack.url}/widget.js")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/javascript")
    assert "kefuWidget" in resp.text


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_widget_on_another_origin_opens_the_chat_with_the_hosts_token(
    browser: Browser, host_site: str, live_stack: Any, width: int, height: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    sent: list[dict[str, Any]] = []

    def record(payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith("{"):
            sent.append(json.loads(payload))

    page.on("websocket", lambda ws: ws.on("framesent", record))
    page.goto(host_site)
    assert not host_site.startswith(live_stack.url)  # another origin

    launcher = page.locator("#kefu-widget .launcher")
    expect(launcher).to_be_visible()
    box = launcher.bounding_box()
    assert box and box["x"] + box["width"] <= width and box["y"] + box["height"] <= height
    launcher.click()
    panel = page.locator("#kefu-widget .panel")
    expect(panel).to_be_visible()
    shown = panel.bounding_box()
    assert shown is not None
    if width < 480:  # on a phone the chat takes the screen
        assert shown["width"] >= width - 1 and shown["height"] >= height - 1
    else:
        assert shown["width"] < width / 2

    chat = page.frame_locator("#kefu-widget iframe")
    # Type once the chat's script runs and its socket is open, as a person would see it online.
    expect(chat.locator(".dot.is-online")).to_have_count(1, timeout=REPLY_MS)
    chat.locator("#input").fill("你好")
    chat.locator("#input").press("Enter")
    expect(chat.locator("#thread .msg--bot").first).to_be_visible(timeout=REPLY_MS)
    message = next(f for f in sent if f.get("type") == "message" and f.get("text") == "你好")
    assert message["metadata"] == {"customer_token": TOKEN}

    # Pictures work inside the widget as on /chat (the frame is the Kefu origin).
    attach = chat.locator("#attach")
    expect(attach).to_be_visible()
    picture = {"name": "photo.png", "mimeType": "image/png", "buffer": samples.png()}
    chat.locator("#file").set_input_files(picture)
    shown_picture = chat.locator("#thread .msg--user .attachment img")
    expect(shown_picture).to_be_visible()
    expect(chat.locator("#thread .msg--bot", has_text="看不懂图片")).to_have_count(1)

    page.locator("#kefu-widget .close").click()
    expect(panel).to_be_hidden()
    context.close()
    assert errors == []
