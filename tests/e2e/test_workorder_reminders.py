"""Work-order reminders reach the consoles of the live app: at half the time allowed, then,
overdue, an escalation to the supervisors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser
from websockets.sync.client import connect

from tests.conftest import LiveStack
from tests.e2e.conftest import REPLY_MS

pytestmark = pytest.mark.e2e


def test_console_gets_the_half_time_reminder_then_the_escalation(live_stack: LiveStack) -> None:
    url = live_stack.url
    login = {"username": "super", "password": "super"}
    token = httpx.post(f"{url}/api/auth/token", data=login).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    ws_url = url.replace("http://", "ws://") + f"/ws/agent?token={token}"
    with connect(ws_url, open_timeout=30) as ws:
        body = {
            "summary": "回访投诉客户",
            "severity": "high",
            "owner": "agent1",
            "due_minutes": 0.1,
        }
        order = httpx.post(f"{url}/api/workorders", json=body, headers=headers).json()
        levels: list[int] = []
        while len(levels) < 2:
            frame: dict[str, Any] = json.loads(ws.recv(timeout=60))
            if (
                frame.get("type") == "workorder_reminder"
                and frame["workorder"]["id"] == order["id"]
            ):
                levels.append(frame["level"])
    assert levels == [50, 100]
    seen = httpx.get(f"{url}/api/workorders/{order['id']}", headers=headers).json()
    assert seen["escalated_at"] and seen["overdue"] and seen["reminded"] == 100
    assert [n["kind"] for n in seen["notes"]] == ["status", "remind", "escalate"]


def test_engineer_sees_the_reminder_of_their_work_order_in_the_console(
    browser: Browser, live_stack: LiveStack
) -> None:
    url = live_stack.url
    login = {"username": "super", "password": "super"}
    token = httpx.post(f"{url}/api/auth/token", data=login).json()["access_token"]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(REPLY_MS)
    try:
        page.goto(f"{url}/agent")
        page.fill("#login-user", "agent2")
        page.fill("#login-pass", "agent2")
        page.click("#login-submit")
        page.wait_for_function("window.kefuAgent && window.kefuAgent.state.connected")
        body = {"summary": "给客户回电确认维修时间", "owner": "agent2", "due_minutes": 0.2}
        headers = {"Authorization": f"Bearer {token}"}
        order = httpx.post(f"{url}/api/workorders", json=body, headers=headers).json()
        toast = page.locator("#toast")
        toast.wait_for(state="visible", timeout=60_000)
        assert f"工单 {order['number']}处理时间已过半" in toast.inner_text()
    finally:
        context.close()
