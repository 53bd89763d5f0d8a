"""Item 6: who read or changed which conversation, handoff or ticket is in an audit log that
supervisors and admins read."""

from __future__ import annotations

from typing import Any

from bot.storage import repository as repo
from bot.storage.models import Handoff, Ticket
from tests.auth.conftest import App


def customer_with_work(app: App, sender: str) -> tuple[int, int]:
    """A conversation with a waiting handoff and an open ticket; their ids."""
    with app.svc.db.session() as s:
        conv = repo.open_conversation(s, "web", sender)
        repo.add_message(s, conv, direction="in", role="user", text="我要投诉，电脑又坏了")
        h = Handoff(
            conversation_id=conv.id,
            channel="web",
            sender=sender,
            status="queued",
            queue="general",
            skills=[],
            source="request_human",
        )
        t = Ticket(
            channel="web",
            sender=sender,
            kind="handoff",
            summary="客户留言",
            conversation_id=conv.id,
            context={},
        )
        s.add_all([h, t])
        s.flush()
        return h.id, t.id


def log(app: App, user: str = "super", **params: Any) -> dict[str, Any]:
    resp = app.call(user, "GET", "/api/audit", params=params)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def test_reads_and_changes_of_conversations_handoffs_and_tickets_are_audited(app: App) -> None:
    sender = "audit-customer-1"
    hid, tid = customer_with_work(app, sender)
    assert app.call("agent1", "GET", f"/api/conversations/{sender}").status_code == 200
    assert app.call("agent1", "GET", f"/api/handoffs/{hid}").status_code == 200
    note = app.call("agent1", "POST", f"/api/handoffs/{hid}/notes", json={"text": "已电话联系"})
    assert note.status_code == 200
    assert app.call("agent2", "GET", f"/api/tickets/{tid}").status_code == 200
    assert app.call("agent2", "POST", f"/api/tickets/{tid}/assign", json={}).status_code == 200
    closed = app.call("agent2", "POST", f"/api/tickets/{tid}/close", json={"answer": "已处理"})
    assert closed.status_code == 200

    conv = log(app, target_type="conversation", target_id=sender)["items"]
    assert [(e["actor"], e["action"]) for e in conv] == [("agent1", "conversation.read")]
    handoff = log(app, target_type="handoff", target_id=str(hid))["items"]
    assert [e["action"] for e in handoff] == ["handoff.note", "handoff.read"]  # newest first
    ticket = log(app, "admin", target_type="ticket", target_id=str(tid))
    assert [e["action"] for e in ticket["items"]] == [
        "ticket.close",
        "ticket.assign",
        "ticket.read",
    ]
    assert ticket["total"] == 3 and ticket["items"][1]["detail"] == {"assignee": "agent2"}
    assert all(e["role"] == "agent" and e["at"] for e in ticket["items"])
    mine = log(app, actor="agent2", action="ticket.")["items"]
    assert {e["action"] for e in mine} >= {"ticket.read", "ticket.assign", "ticket.close"}


def test_refused_work_leaves_no_change_entry(app: App) -> None:
    hid, tid = customer_with_work(app, "audit-customer-2")
    app.call("agent1", "POST", f"/api/tickets/{tid}/assign", json={})
    refused = app.call("agent2", "POST", f"/api/tickets/{tid}/close", json={"answer": "越权"})
    assert refused.status_code == 403
    entries = log(app, target_type="ticket", target_id=str(tid))["items"]
    assert [(e["actor"], e["action"]) for e in entries] == [("agent1", "ticket.assign")]


def test_only_supervisors_and_admins_read_the_audit_log(app: App) -> None:
    assert app.call(None, "GET", "/api/audit").status_code == 401
    for user in ("agent1", "editor"):
        assert app.call(user, "GET", "/api/audit").status_code == 403
    for params in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"target_type": "x"}):
        assert app.call("super", "GET", "/api/audit", params=params).status_code == 422


def receive(ws: Any, kind: str) -> dict[str, Any]:
    """The next frame of `kind` on a console socket (others skipped)."""
    while True:
        frame = dict(ws.receive_json())
        if frame.get("type") == kind:
            return frame


def test_console_socket_reads_are_audited_once_per_handoff_and_connection(app: App) -> None:
    waiting, _ = customer_with_work(app, "audit-console-1")
    token = app.tokens["agent2"]
    with app.client.websocket_connect(f"/ws/agent?token={token}") as ws:
        snapshot = receive(ws, "snapshot")
        assert waiting in [h["id"] for h in snapshot["handoffs"]]
        later, _ = customer_with_work(app, "audit-console-2")  # after the snapshot
        for text in ("已电话联系客户", "客户说明天再来"):
            sent = app.call("agent1", "POST", f"/api/handoffs/{later}/notes", json={"text": text})
            assert sent.status_code == 200
            assert receive(ws, "note")["handoff_id"] == later

    listed = log(app, actor="agent2", action="handoff.list")["items"]
    assert len(listed) == 1 and waiting in listed[0]["detail"]["ids"]
    assert listed[0]["detail"]["via"] == "console"
    read = log(app, actor="agent2", target_type="handoff", target_id=str(later))["items"]
    assert [(e["action"], e["detail"]) for e in read] == [("handoff.read", {"via": "console"})]

    with app.client.websocket_connect(f"/ws/agent?token={token}") as ws:
        receive(ws, "snapshot")  # a new connection lists afresh
    assert log(app, actor="agent2", action="handoff.list")["total"] == 2
