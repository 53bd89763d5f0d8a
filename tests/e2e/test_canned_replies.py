"""Canned replies (快捷回复): a supervisor keeps them per queue, an engineer types "/" and puts
one in with its placeholders filled; only supervisors may change them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import REPLY_MS, ChatPage
from tests.e2e.helpers import open_in_console

pytestmark = pytest.mark.e2e


def headers(url: str, user: str) -> dict[str, str]:
    resp = httpx.post(f"{url}/api/auth/token", data={"username": user, "password": user})
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_only_supervisors_change_canned_replies(live_stack: Any) -> None:
    url = f"{live_stack.url}/api/canned"
    boss, agent = headers(live_stack.url, "super"), headers(live_stack.url, "agent1")
    body = {"queue": None, "title": f"问候{uuid.uuid4().hex[:4]}", "text": "{称呼}您好"}
    assert httpx.post(url, json=body, headers=agent).status_code == 403
    made = httpx.post(url, json=body, headers=boss)
    assert made.status_code == 201
    listed = httpx.get(url, headers=agent).json()
    assert body["title"] in [r["title"] for r in listed]
    blank = {**body, "text": "   "}
    assert httpx.post(url, json=blank, headers=boss).status_code == 422
    assert httpx.delete(f"{url}/{made.json()['id']}", headers=boss).status_code == 204
    assert httpx.delete(f"{url}/{made.json()['id']}", headers=boss).status_code == 404


def test_supervisor_adds_a_reply_and_an_engineer_inserts_it_with_slash(
    browser: Browser, live_stack: Any, chat: ChatPage, console: Page
) -> None:
    title = f"先致歉{uuid.uuid4().hex[:4]}"
    # the supervisor writes it under 监控
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    boss = context.new_page()
    boss.set_default_timeout(REPLY_MS)
    boss.goto(f"{live_stack.url}/agent")
    boss.fill("#login-user", "super")
    boss.fill("#login-pass", "super")
    boss.click("#login-submit")
    boss.wait_for_function("window.kefuAgent && window.kefuAgent.state.connected")
    boss.click(".tab[data-tab='monitor']")
    boss.fill("#canned-title", title)
    boss.fill("#canned-text", "{称呼}您好，我是{工程师}，订单 {订单号} 我马上为您查。")
    boss.click("#canned-save")
    expect(boss.locator("#canned-list .canned", has_text=title)).to_have_count(1)
    context.close()

    # The replies are read when the console starts. Reloaded before the customer asks: while
    # the console reloads agent1 is offline, and a request for people then becomes a ticket.
    console.reload()
    console.wait_for_function("window.kefuAgent && window.kefuAgent.state.connected")

    # a customer with an order number asks for people; agent1 opens the conversation
    chat.send("订单 DD2026120701 还没发货")
    chat.wait_reply(0)
    chat.page.click(".chip[data-text='转人工']")
    sender = chat.page.evaluate("window.kefuChat.state.sender")
    open_in_console(console, sender)
    console.locator("#transcript .line--user").first.wait_for()

    console.fill("#reply", "/" + title[:3])
    picker = console.locator("#canned-picker")
    expect(picker).to_be_visible()
    expect(picker.locator("[role=option]", has_text=title)).to_have_count(1)
    console.locator(f"#canned-picker [role=option]:has-text('{title}')").hover()
    console.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    console.fill("#reply", "/" + title)
    console.press("#reply", "Enter")  # picks, does not send
    expect(console.locator("#reply")).to_have_value(
        "您好，我是工程师 1 号，订单 DD2026120701 我马上为您查。"
    )
    expect(picker).to_be_hidden()

    for r in httpx.get(
        f"{live_stack.url}/api/canned", headers=headers(live_stack.url, "super")
    ).json():
        if r["title"] == title:
            httpx.delete(
                f"{live_stack.url}/api/canned/{r['id']}", headers=headers(live_stack.url, "super")
            )
