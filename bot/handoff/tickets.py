"""Tickets (工单): work for a person, answered later on its channel: a request no engineer could
take now, an answer no channel could deliver, a call-back, a work order."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff import store
from bot.handoff.access import check_target, check_ticket, ticket_skills
from bot.handoff.effects import Effects
from bot.handoff.errors import HandoffError
from bot.handoff.notices import say
from bot.handoff.views import iso
from bot.storage import repository as repo
from bot.storage.models import Conversation, Handoff, Ticket
from bot.texts import Texts

TICKET_STATUSES = ("open", "assigned", "closed")


def open_ticket(
    session: Session,
    *,
    channel: str,
    sender: str,
    kind: str,
    summary: str,
    conversation_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> Ticket:
    """Create an open ticket for a channel user (with their customer, when known)."""
    conv = session.get(Conversation, conversation_id) if conversation_id else None
    ticket = Ticket(
        conversation_id=conversation_id,
        customer_id=conv.customer_id if conv else None,
        channel=channel,
        sender=sender,
        kind=kind,
        status="open",
        summary=summary,
        context=context or {},
    )
    session.add(ticket)
    session.flush()
    return ticket


def ticket_no(ticket_id: int) -> str:
    """The number a customer is told, e.g. GD000042."""
    return f"GD{ticket_id:06d}"


def handoff_to_ticket(
    session: Session, h: Handoff, why: str, due: datetime, now: datetime
) -> Ticket:
    """End a handoff as a ticket; its context package is added after commit (`pack_tickets`).

    Args:
        session: the open session.
        h: the handoff (queued or offered, or just created).
        why: off_hours | no_agent | left_message.
        due: when the customer is promised an answer.
        now: the time of the decision.
    """
    ticket = open_ticket(
        session,
        channel=h.channel,
        sender=h.sender,
        kind="handoff",
        summary=h.summary or h.reason or "客户需要人工服务",
        conversation_id=h.conversation_id,
        context={
            "handoff_id": h.id,
            "why": why,
            "queue": h.queue,
            "skills": list(h.skills or []),
            "priority": h.priority,
            "tier": h.tier,
            "reason": h.reason,
            "due_at": iso(due),
        },
    )
    # As a work order: reminded at half time, escalated when overdue. In UTC: the column keeps
    # no offset, and `due` is on the service centre's clock.
    ticket.due_at = due.astimezone(UTC)
    h.status, h.ticket_id, h.agent, h.ended_at = "ticket", ticket.id, None, now
    store.add_event(session, h, "ticket", "system", why=why, ticket_id=ticket.id)
    return ticket


def open_ticket_of(session: Session, conversation_id: int) -> Ticket | None:
    """An unanswered handoff ticket of the conversation."""
    return session.scalar(
        select(Ticket)
        .where(
            Ticket.conversation_id == conversation_id,
            Ticket.kind == "handoff",
            Ticket.status != "closed",
        )
        .order_by(Ticket.id.desc())
        .limit(1)
    )


def ticket_view(t: Ticket, *, full: bool = False) -> dict[str, Any]:
    """A ticket for the console (`full`: with its context package)."""
    ctx = t.context or {}
    out = {
        "id": t.id,
        "number": ticket_no(t.id),
        "kind": t.kind,
        "status": t.status,
        "channel": t.channel,
        "sender": t.sender,
        "conversation_id": t.conversation_id,
        "customer_id": t.customer_id,
        "summary": t.summary,
        "assignee": t.assignee,
        "answer": t.answer,
        "why": ctx.get("why"),
        "queue": ctx.get("queue"),
        "priority": ctx.get("priority"),
        "due_at": ctx.get("due_at"),
        "handoff_id": ctx.get("handoff_id"),
        "callback": ctx.get("callback"),  # 预约回电: phone, start, end, label, note (staff only)
        "created_at": iso(t.created_at),
        "closed_at": iso(t.closed_at),
    }
    if full:
        out["context"] = ctx
    return out


def assign(session: Session, ticket_id: int, assignee: str, *, by: str, role: str) -> Ticket:
    """Give an open ticket to an engineer holding its skill: an engineer takes an unassigned
    one of their queues or passes on their own; a supervisor gives any."""
    t = _get(session, ticket_id)
    if t.status == "closed":
        raise HandoffError(409, "ticket_closed", "工单已关闭")
    check_ticket(session, by, role, t)
    check_target(session, assignee, ticket_skills(t))
    t.assignee, t.status = assignee, "assigned"
    return t


def close(
    session: Session,
    ticket_id: int,
    by: str,
    answer: str,
    texts: Texts,
    now: datetime,
    *,
    role: str,
) -> Effects:
    """Close a ticket with the answer; the answer goes to the customer on their channel."""
    t = _get(session, ticket_id)
    if t.status == "closed":
        raise HandoffError(409, "ticket_closed", "工单已关闭")
    check_ticket(session, by, role, t)
    t.status, t.answer, t.closed_at = "closed", answer, now
    t.assignee = t.assignee or by
    effects = Effects(console=[{"type": "ticket", "ticket": ticket_view(t)}])
    if answer.strip():
        conv = repo.open_conversation(session, t.channel, t.sender)
        text = texts.get("ticket_answer", ticket=ticket_no(t.id), answer=answer.strip())
        _, tell = say(session, conv, text, role="agent", payload={"agent": by, "ticket": t.id})
        effects.tells.append(tell)
    handoff_id = (t.context or {}).get("handoff_id")
    h = session.get(Handoff, handoff_id) if handoff_id else None
    if h is not None:
        store.add_event(session, h, "ticket_closed", by, ticket_id=t.id)
    return effects


def listed(
    session: Session, status: str | None, limit: int = 200, sender: str | None = None
) -> list[Ticket]:
    """Tickets, unanswered first, the soonest due first (a call-back due within the hour before
    a message due tonight), then the oldest; all statuses when `status` is None; optionally of
    one channel user."""
    query = (
        select(Ticket)
        .order_by(Ticket.status == "closed", Ticket.due_at.is_(None), Ticket.due_at, Ticket.id)
        .limit(limit)
    )
    if status is not None:
        query = query.where(Ticket.status == status)
    if sender is not None:
        query = query.where(Ticket.sender == sender)
    return list(session.scalars(query))


def conversation_of(session: Session, t: Ticket) -> Conversation | None:
    """The conversation a ticket came from."""
    return session.get(Conversation, t.conversation_id) if t.conversation_id else None


def _get(session: Session, ticket_id: int) -> Ticket:
    t = session.get(Ticket, ticket_id)
    if t is None:
        raise HandoffError(404, "no_ticket", f"没有工单 {ticket_id}")
    return t
