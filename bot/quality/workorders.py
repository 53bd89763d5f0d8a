"""Work orders (工单): tickets with a source, an owner, a severity and a deadline.

Every ticket is a work order: a customer's left message or an undelivered answer as much as
a quality alert, a spike or a complaint hot spot. States: open -> assigned -> processing ->
closed (with a closing cause); reopen goes back to open. Reminders go to the console at 50 %
and 100 % of the time allowed; at 100 % the work order escalates to the supervisors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analytics.times import parse_time
from bot.handoff.store import aware
from bot.handoff.tickets import open_ticket, ticket_no
from bot.handoff.views import iso
from bot.storage.models import Ticket
from bot.storage.supervision import WorkOrderNote

STATES = ("open", "assigned", "processing", "closed")
SOURCES = ("alert", "spike", "hotspot", "customer_request", "delivery")
CAUSES = ("resolved", "false_alarm", "duplicate", "no_action", "unreachable")


class WorkOrderError(Exception):
    """A work-order action that cannot be done, with an HTTP status and a Chinese message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Reminder:
    """A reminder (50) or an escalation (100) to send to the consoles."""

    level: int
    order: dict[str, Any] = field(default_factory=dict)


def owner_of(t: Ticket) -> str | None:
    """Who owns it: a username, or `queue:<skill>` while a queue holds it."""
    if t.assignee:
        return t.assignee
    queue = (t.context or {}).get("queue")
    return f"queue:{queue}" if queue else None


def view(t: Ticket, notes: list[WorkOrderNote] | None = None) -> dict[str, Any]:
    """A work order as the API returns it."""
    ctx = t.context or {}
    due = t.due_at or parse_time(ctx.get("due_at"))
    out: dict[str, Any] = {
        "id": t.id,
        "number": ticket_no(t.id),
        "kind": t.kind,
        "source": t.source,
        "severity": t.severity,
        "status": t.status,
        "owner": owner_of(t),
        "owner_kind": t.owner_kind,
        "summary": t.summary,
        "channel": t.channel,
        "sender": t.sender,
        "conversation_id": t.conversation_id,
        "alert_id": ctx.get("alert_id"),
        "rule": ctx.get("rule"),
        "due_at": iso(due),
        "reminded": t.reminded,
        "escalated_at": iso(t.escalated_at),
        "overdue": bool(due and t.status != "closed" and t.escalated_at is not None),
        "closing_cause": t.closing_cause,
        "created_at": iso(t.created_at),
        "closed_at": iso(t.closed_at),
    }
    if notes is not None:
        out["notes"] = [
            {"author": n.author, "kind": n.kind, "text": n.text, "at": iso(n.created_at)}
            for n in notes
        ]
    return out


def create(
    s: Session,
    *,
    source: str,
    severity: str,
    summary: str,
    due_at: datetime,
    owner: str | None,
    owner_kind: str,
    channel: str = "",
    sender: str = "",
    conversation_id: int | None = None,
    context: dict[str, Any] | None = None,
    now: datetime,
) -> Ticket:
    """Open a work order; `owner` is a username (or `user:<name>`), `queue:<skill>`, or None
    (unassigned)."""
    ctx = dict(context or {})
    assignee = None
    owner = owner.removeprefix("user:") if owner else None
    if owner and owner.startswith("queue:"):
        ctx["queue"] = owner.removeprefix("queue:")
    elif owner:
        assignee = owner
    t = open_ticket(
        s,
        channel=channel,
        sender=sender,
        kind="workorder",
        summary=summary[:2000],
        conversation_id=conversation_id,
        context=ctx,
    )
    t.source, t.severity, t.due_at, t.owner_kind = source, severity, due_at, owner_kind
    t.assignee, t.status, t.created_at = assignee, "assigned" if assignee else "open", now
    note(s, t, "system", "status", f"来源：{source}")
    return t


def note(s: Session, t: Ticket, author: str, kind: str, text: str) -> WorkOrderNote:
    """Append a note (or a record of a change) to the work order."""
    n = WorkOrderNote(ticket_id=t.id, author=author, kind=kind, text=text[:4000])
    s.add(n)
    s.flush()
    return n


def notes_of(s: Session, ticket_id: int) -> list[WorkOrderNote]:
    """The work order's notes, oldest first."""
    q = select(WorkOrderNote).where(WorkOrderNote.ticket_id == ticket_id)
    return list(s.scalars(q.order_by(WorkOrderNote.id)))


def act(s: Session, ticket_id: int, action: str, by: str, now: datetime, **kw: Any) -> Ticket:
    """Apply one state change: assign (owner), start, note (text), close (cause, text), reopen."""
    t = s.get(Ticket, ticket_id)
    if t is None:
        raise WorkOrderError(404, "no_workorder", f"没有工单 {ticket_id}")
    if action != "reopen" and action != "note" and t.status == "closed":
        raise WorkOrderError(409, "closed", "工单已关闭")
    if action == "assign":
        owner = str(kw.get("owner") or by).removeprefix("user:")
        if owner.startswith("queue:"):
            t.assignee, t.status = None, "open"
            t.context = {**(t.context or {}), "queue": owner.removeprefix("queue:")}
        else:
            t.assignee, t.status = owner, "assigned"
        t.owner_kind = "hand"
        note(s, t, by, "assign", f"负责人：{owner}")
    elif action == "start":
        t.assignee, t.status = t.assignee or by, "processing"
        note(s, t, by, "status", "开始处理")
    elif action == "note":
        note(s, t, by, "note", str(kw.get("text") or ""))
    elif action == "close":
        cause = str(kw.get("cause") or "resolved")
        if cause not in CAUSES:
            raise WorkOrderError(422, "bad_cause", "请选择关闭原因")
        t.status, t.closing_cause, t.closed_at = "closed", cause, now
        t.assignee = t.assignee or by
        note(s, t, by, "status", f"关闭：{cause} {kw.get('text') or ''}".strip())
    elif action == "reopen":
        t.status, t.closing_cause, t.closed_at = "open", None, None
        note(s, t, by, "status", "重新打开")
    else:
        raise WorkOrderError(404, "no_action", f"没有操作 {action}")
    return t


def remind(s: Session, now: datetime) -> list[Reminder]:
    """Reminders due: 50 % of the time used, then 100 % (overdue: escalate to supervisors)."""
    out: list[Reminder] = []
    rows = s.scalars(
        select(Ticket).where(
            Ticket.status != "closed", Ticket.due_at.is_not(None), Ticket.reminded < 100
        )
    )
    for t in rows:
        start, due = aware(t.created_at), aware(t.due_at)  # type: ignore[arg-type]
        used = (now - start) / (due - start) if due > start else 1.0
        level = 100 if used >= 1 else 50 if used >= 0.5 else 0
        if level <= t.reminded:
            continue
        t.reminded = level
        if level == 100:
            t.escalated_at = now
            note(s, t, "system", "escalate", "已超时，升级至主管")
        else:
            note(s, t, "system", "remind", "已用去一半处理时间")
        out.append(Reminder(level, view(t)))
    return out
