"""Tickets: work for a person, e.g. an answer no channel could deliver."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.storage.models import Conversation, Ticket


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
