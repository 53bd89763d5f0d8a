"""Queries and writes on conversations and messages, shared by every channel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.storage.models import (
    AnswerFeedback,
    ChannelIdentity,
    Conversation,
    Customer,
    Message,
    utcnow,
)
from bot.storage.payload import BotReport, Payload


def identity_customer(session: Session, channel: str, sender: str) -> Customer:
    """The customer behind a channel user, created on first contact."""
    identity = session.scalar(
        select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.sender == sender
        )
    )
    if identity is not None:
        return identity.customer
    customer = Customer(profile={})
    session.add(customer)
    session.flush()
    session.add(ChannelIdentity(channel=channel, sender=sender, customer_id=customer.id))
    session.flush()
    return customer


def open_conversation(session: Session, channel: str, sender: str) -> Conversation:
    """The sender's open conversation on this channel; a new one if the last was closed."""
    conv = session.scalar(
        select(Conversation)
        .where(Conversation.channel == channel, Conversation.sender == sender)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    if conv is not None and conv.status != "closed":
        return conv
    customer = identity_customer(session, channel, sender)
    conv = Conversation(customer_id=customer.id, channel=channel, sender=sender)
    session.add(conv)
    session.flush()
    return conv


def find_message_by_client_id(
    session: Session, conversation_id: int, client_id: str
) -> Message | None:
    """An inbound message already stored under the client's own id (a resend)."""
    return session.scalar(
        select(Message).where(
            Message.conversation_id == conversation_id, Message.client_id == client_id
        )
    )


def count_customer_messages(session: Session, conversation_id: int) -> int:
    """How many messages the customer has sent in the conversation."""
    return int(
        session.scalar(
            select(func.count(Message.id)).where(
                Message.conversation_id == conversation_id, Message.direction == "in"
            )
        )
        or 0
    )


def add_message(
    session: Session,
    conv: Conversation,
    *,
    direction: str,
    role: str,
    text: str | None,
    payload: dict[str, Any] | None = None,
    client_id: str | None = None,
    status: str = "stored",
) -> Message:
    """Append a message to a conversation and touch its activity time."""
    msg = Message(
        conversation_id=conv.id,
        direction=direction,
        role=role,
        text=text,
        payload=payload or {},
        client_id=client_id,
        status=status,
    )
    conv.last_activity_at = utcnow()
    session.add(msg)
    session.flush()
    return msg


def replies_to(session: Session, conversation_id: int, message_id: int) -> list[Message]:
    """Outbound messages stored as the answer to one inbound message."""
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.direction == "out")
        .order_by(Message.id)
    )
    return [m for m in rows if Payload.of(m).reply_to == message_id]


def latest_conversation(session: Session, sender: str) -> Conversation | None:
    """The newest conversation of a channel user (any channel)."""
    return session.scalar(
        select(Conversation)
        .where(Conversation.sender == sender)
        .order_by(Conversation.id.desc())
        .limit(1)
    )


def messages_of(session: Session, conversation_id: int, limit: int = 500) -> list[Message]:
    """The conversation's messages, oldest first (the last `limit`)."""
    rows = session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed(list(rows)))


def record_feedback(
    session: Session, conv: Conversation, ref: str | None, value: str
) -> AnswerFeedback:
    """Store a thumbs up/down on the bot answer to the user's message `ref` (its client id)."""
    answer: Message | None = None
    if ref:
        inbound = find_message_by_client_id(session, conv.id, ref)
        replies = replies_to(session, conv.id, inbound.id) if inbound is not None else []
        answer = replies[0] if replies else None
    report = BotReport.of_message(answer) if answer else BotReport()
    feedback = AnswerFeedback(
        conversation_id=conv.id,
        message_id=answer.id if answer else None,
        question_id=report.question_id,
        value=value,
    )
    session.add(feedback)
    session.flush()
    return feedback
