"""A customer's history as they read it: every conversation of a channel user, oldest first.

Closing a conversation does not end what the customer sees: the engineer's steps and links
stay on the chat page after a reload, with the earlier conversations above, each marked by the
date it started. The chat socket and the staff API read it from here, so the route that
identifies the visitor decides who asks, and this decides what they see.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Conversation, Message
from bot.storage.payload import Payload

PAGE_MESSAGES = 300
"""How many of the newest messages the chat page gets on connect (all conversations)."""


def conversations_of(
    session: Session, sender: str, limit: int = PAGE_MESSAGES
) -> list[tuple[Conversation, list[Message]]]:
    """The sender's conversations with their messages, oldest first (the newest `limit`
    messages across all of them)."""
    rows = session.scalars(
        select(Message)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Conversation.sender == sender)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    grouped: dict[int, list[Message]] = {}
    for m in reversed(list(rows)):
        grouped.setdefault(m.conversation_id, []).append(m)
    convs = {
        c.id: c
        for c in session.scalars(select(Conversation).where(Conversation.id.in_(list(grouped))))
    }
    return [(convs[cid], msgs) for cid, msgs in grouped.items() if cid in convs]


def page_message(m: Message) -> dict[str, Any]:
    """One message as the chat page shows it."""
    payload = Payload.of(m)
    return {
        "id": m.id,
        "role": m.role,
        "name": payload.agent_name,
        "text": m.text,
        "buttons": payload.buttons,
        "links": payload.links,
        "image": payload.image,
        "attachment": payload.attachment,
        "ts": m.created_at.isoformat(),
        **(_turn_of(m) if m.direction == "in" else {}),
    }


def _turn_of(m: Message) -> dict[str, Any]:
    """What the page needs of its own message after a reconnect: the id it sent it with, and
    whether its turn finished (`received`: cut short, the page sends it again)."""
    return {"client_id": m.client_id, "answered": m.status != "received"}


def page_history(session: Session, sender: str, limit: int = PAGE_MESSAGES) -> list[dict[str, Any]]:
    """What the chat page shows on connect: the messages of every conversation, each
    conversation opened by a `divider` (its start time) when there are several."""
    found = conversations_of(session, sender, limit)
    out: list[dict[str, Any]] = []
    for conv, messages in found:
        if len(found) > 1:
            out.append(
                {"role": "divider", "conversation": conv.id, "ts": conv.started_at.isoformat()}
            )
        out += [page_message(m) for m in messages]
    return out


def staff_message(m: Message) -> dict[str, Any]:
    """One message as staff see it (`GET /api/conversations/{sender}`)."""
    payload = Payload.of(m)
    return {
        "id": m.id,
        "direction": m.direction,
        "role": m.role,
        "text": m.text,
        "status": m.status,
        "buttons": payload.buttons,
        "match": payload.report.dump() or None,
        "attachment": payload.attachment,
        "created_at": m.created_at.isoformat(),
    }


def staff_history(session: Session, sender: str, limit: int = 1000) -> list[dict[str, Any]]:
    """Every conversation of the sender, oldest first, with when it started and its messages."""
    return [
        {
            "id": conv.id,
            "channel": conv.channel,
            "status": conv.status,
            "started_at": conv.started_at.isoformat(),
            "messages": [staff_message(m) for m in messages],
        }
        for conv, messages in conversations_of(session, sender, limit)
    ]
