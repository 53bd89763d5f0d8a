"""Work orders through the API the supervisors' page and the console use (`POST
/api/workorders`, `POST /api/workorders/{id}/{action}`): opened by hand with the deadline of
its severity, assigned, started, noted, closed with a cause, reopened, handed to a queue;
engineers see and work only their own and may not assign or reopen; an owner who does not
exist and a cause not on the list are refused with the reason, and change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from tests.conftest import LiveStack
from tests.e2e.helpers import StaffClient

pytestmark = pytest.mark.e2e


def test_a_work_order_goes_through_its_states(live_stack: LiveStack) -> None:
    url = live_stack.url
    sup, mine, other = (StaffClient(url, u) for u in ("super", "agent1", "agent2"))
    summary = "投诉热点：电池鼓包，请售后改进检测流程"
    new = {"summary": summary, "source": "hotspot", "severity": "high"}
    order = sup.post("/api/workorders", new)
    path = f"/api/workorders/{order['id']}"
    assert (order["status"], order["owner"], order["source"]) == ("open", None, "hotspot")
    due = datetime.fromisoformat(order["due_at"]) - datetime.fromisoformat(order["created_at"])
    assert due == timedelta(hours=8)  # high: 8 hours (knowledge/quality_rules.yml)

    refused = httpx.post(f"{url}{path}/assign", json={"owner": "nobody"}, headers=sup.headers)
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "bad_owner"
    assert sup.get(path)["status"] == "open"

    assigned = sup.post(f"{path}/assign", {"owner": "agent1"})
    assert (assigned["status"], assigned["owner"]) == ("assigned", "agent1")
    assert order["id"] in [o["id"] for o in mine.get("/api/workorders")]
    assert order["id"] not in [o["id"] for o in other.get("/api/workorders")]
    assert httpx.get(f"{url}{path}", headers=other.headers).status_code == 403

    assert mine.post(f"{path}/start")["status"] == "processing"
    mine.post(f"{path}/note", {"text": "已联系客户，等待寄回检测"})
    wrong = httpx.post(f"{url}{path}/close", json={"cause": "bored"}, headers=mine.headers)
    assert wrong.status_code == 422 and mine.get(path)["status"] == "processing"
    closed = mine.post(f"{path}/close", {"cause": "resolved", "text": "已更换电池"})
    assert (closed["status"], closed["closing_cause"]) == ("closed", "resolved")
    assert httpx.post(f"{url}{path}/start", headers=mine.headers).status_code == 409
    assert httpx.post(f"{url}{path}/reopen", headers=mine.headers).status_code == 403

    assert sup.post(f"{path}/reopen")["status"] == "open"
    queued = sup.post(f"{path}/assign", {"owner": "queue:complaint"})
    assert (queued["status"], queued["owner"]) == ("open", "queue:complaint")
    kinds = [(n["kind"], n["author"]) for n in sup.get(path)["notes"]]
    assert kinds == [
        ("status", "system"),
        ("assign", "super"),
        ("status", "agent1"),
        ("note", "agent1"),
        ("status", "agent1"),
        ("status", "super"),
        ("assign", "super"),
    ]
