"""A risk word written on WeChat reaches the quality scanner of the live app: an alert and a
work order with its owner and deadline, listed to the supervisor."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.channels.conftest import WechatStack
from tests.polling import poll_until

pytestmark = pytest.mark.e2e


def test_risk_word_on_wechat_opens_a_work_order_with_owner_and_deadline(
    wechat: WechatStack, openid: str
) -> None:
    reply = wechat.sim.post(wechat.sim.text(openid, "修了三次还是坏的，再不解决我就找媒体曝光"))
    assert reply.status == 200
    url = wechat.stack.url
    login = {"username": "super", "password": "super"}
    token = httpx.post(f"{url}/api/auth/token", data=login).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def mine() -> list[dict]:
        orders = httpx.get(f"{url}/api/workorders?source=alert", headers=headers).json()
        return [o for o in orders if o["sender"] == openid]

    orders = poll_until(mine, timeout_s=60, interval_s=0.5)
    assert len(orders) == 1, orders
    order = orders[0]
    assert (order["channel"], order["rule"], order["severity"]) == ("wechat", "risk", "high")
    assert order["owner"] == "queue:complaint" and order["status"] == "open"
    due = datetime.fromisoformat(order["due_at"]) - datetime.fromisoformat(order["created_at"])
    assert due == timedelta(hours=8)
    alerts = httpx.get(f"{url}/api/alerts?kind=rule", headers=headers).json()
    [alert] = [a for a in alerts if a["workorder_id"] == order["id"]]
    assert alert["channel"] == "wechat" and "曝光" in alert["detail"]["words"]
