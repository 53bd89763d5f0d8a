"""Tables of the app database (SQLAlchemy 2.0 declarative)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of all Kefu tables."""

    type_annotation_map = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        datetime: DateTime(timezone=True),
    }


class Customer(Base):
    """A person served by Kefu, possibly reached on several channels."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(32))
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="customer")


class ChannelIdentity(Base):
    """One channel user (a web visitor id, a WeChat openid) and the customer it belongs to."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "sender", name="uq_identity_channel_sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="identities")


class Conversation(Base):
    """A conversation of one channel user; who serves it is `route` (bot, queue, agent)."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_channel_sender", "channel", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(20), default="open")
    route: Mapped[str] = mapped_column(String(40), default="bot")
    tier: Mapped[int | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id"
    )


class Message(Base):
    """One message in or out. Inbound messages are stored before they are answered."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("conversation_id", "client_id", name="uq_message_client_id"),
        Index("ix_messages_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    role: Mapped[str] = mapped_column(String(10))  # user | bot | agent | system
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    client_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="stored")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class StaffUser(Base):
    """A staff login: agent, supervisor, editor, reviewer or admin."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerFeedback(Base):
    """A thumbs up or down from the chat page on one bot answer."""

    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    question_id: Mapped[str | None] = mapped_column(String(32), index=True)
    value: Mapped[str] = mapped_column(String(8))  # up | down
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- Diagnosis trees -----------------------------------------------------------------------


class DiagnosisSession(Base):
    """One walk through a diagnosis tree: the path taken goes to the engineer on handoff."""

    __tablename__ = "diagnosis_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"), index=True)
    tree_id: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(
        String(12), default="active"
    )  # active|paused|solved|escalated
    node_id: Mapped[str] = mapped_column(String(64))  # current (or last) node
    path: Mapped[list[Any]] = mapped_column(default=list)  # records: kind, node, detail, at
    handoff: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()


class DiagnosisNodeStat(Base):
    """Counters per tree node, for the editor and the dashboard."""

    __tablename__ = "diagnosis_node_stats"
    __table_args__ = (UniqueConstraint("tree_id", "node_id", name="uq_diagnosis_node"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_id: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[str] = mapped_column(String(64))
    entered: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)
    escalated: Mapped[int] = mapped_column(default=0)
    abandoned: Mapped[int] = mapped_column(default=0)
