"""Tables of the app database (SQLAlchemy 2.0 declarative)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
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
    # Part of every token issued to the user; raising it revokes them all (bot.auth.sessions).
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginThrottleCount(Base):
    """Failed logins of one account or one client address, shared by every app process
    (`bot.auth.throttle`). Times are seconds since the epoch."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # user:<name> | addr:<ip>
    failures: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[float] = mapped_column(Float, default=0.0, index=True)
    locked_until: Mapped[float] = mapped_column(Float, default=0.0)


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


# -- Customer profiles, channel binding and tier decisions ----------------------------------


class CustomerDevice(Base):
    """A device a customer owns (from the CRM or the sample data)."""

    __tablename__ = "customer_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    line: Mapped[str] = mapped_column(String(20))  # product-line id of catalog.yml
    model: Mapped[str] = mapped_column(String(32))
    serial: Mapped[str | None] = mapped_column(String(40), index=True)
    purchased_on: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[str | None] = mapped_column(String(40))
    warranty_until: Mapped[date | None] = mapped_column(Date)


class CustomerOrder(Base):
    """A mall order of a customer."""

    __tablename__ = "customer_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    order_no: Mapped[str] = mapped_column(String(40), unique=True)
    placed_at: Mapped[datetime] = mapped_column()
    status: Mapped[str] = mapped_column(String(20))
    amount: Mapped[float] = mapped_column(Float, default=0.0)  # yuan
    items: Mapped[list[Any]] = mapped_column(default=list)


class BindingCode(Base):
    """A one-time code sent to a customer's phone to link a channel user to them."""

    __tablename__ = "binding_codes"
    __table_args__ = (Index("ix_binding_codes_channel_sender", "channel", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(128))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TierDecisionRecord(Base):
    """One tier decision with its inputs and reason, for editors, engineers and the dashboard."""

    __tablename__ = "tier_decisions"
    __table_args__ = (Index("ix_tier_decisions_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    tier: Mapped[int] = mapped_column()
    route: Mapped[str] = mapped_column(String(120))  # bot | diagnosis | queue:<skill,...>
    priority: Mapped[int] = mapped_column(default=3)
    rule: Mapped[str] = mapped_column(String(64))  # id of the policy rule that fired
    reason: Mapped[str] = mapped_column(Text)
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WechatInbound(Base):
    """One callback from WeChat, keyed by MsgId (events: FromUserName + CreateTime).

    The unique key makes WeChat's retries and replays land on this row, in every process
    and after a restart; `state` says how the answer went out (or is going out).
    """

    __tablename__ = "wechat_inbound"
    __table_args__ = (
        UniqueConstraint("app_id", "msg_key", name="uq_wechat_inbound_key"),
        Index("ix_wechat_inbound_state", "state", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[str] = mapped_column(String(64))
    msg_key: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    msg_type: Mapped[str] = mapped_column(String(40))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # processing | passive | async | sent | ticket | failed | done
    state: Mapped[str] = mapped_column(String(12), default="processing")
    owner: Mapped[str] = mapped_column(String(40))
    lease_until: Mapped[float] = mapped_column(Float)  # epoch seconds
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    deliveries: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WechatAccessToken(Base):
    """The shared access_token of one Official Account and the lock on refreshing it."""

    __tablename__ = "wechat_access_tokens"

    app_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[float] = mapped_column(Float, default=0.0)  # epoch seconds
    lock_owner: Mapped[str | None] = mapped_column(String(40))
    lock_until: Mapped[float] = mapped_column(Float, default=0.0)  # epoch seconds
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Ticket(Base):
    """Work for a person: e.g. an answer that could not be delivered to the user."""

    __tablename__ = "tickets"
    __table_args__ = (Index("ix_tickets_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(40))  # e.g. undelivered_reply
    # open | assigned | processing | closed
    status: Mapped[str] = mapped_column(String(12), default="open")
    summary: Mapped[str] = mapped_column(Text)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignee: Mapped[str | None] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()
    # As a work order (bot.quality.workorders): where it came from, who owns it, by when.
    source: Mapped[str] = mapped_column(String(20), default="customer_request")
    severity: Mapped[str] = mapped_column(String(12), default="normal")
    owner_kind: Mapped[str | None] = mapped_column(String(8))  # rule | queue | hand
    due_at: Mapped[datetime | None] = mapped_column()
    reminded: Mapped[int] = mapped_column(default=0)  # 0, 50 or 100: the last reminder sent
    escalated_at: Mapped[datetime | None] = mapped_column()
    closing_cause: Mapped[str | None] = mapped_column(String(20))


# -- Knowledge editor: drafts, published versions and the audit log -------------------------


class KbVersion(Base):
    """A published state of the knowledge: a full snapshot plus its diff against the previous.

    `number` counts 1, 2, 3...; the highest number is what is live.
    """

    __tablename__ = "kb_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    kind: Mapped[str] = mapped_column(String(12))  # files | publish | rollback
    author: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("kb_drafts.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # of the files it was read from
    snapshot: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed JSON
    diff: Mapped[dict[str, Any]] = mapped_column(default=dict)  # against the previous version
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbDraft(Base):
    """A set of edits (questions and trees) on its way through review to publishing."""

    __tablename__ = "kb_drafts"
    __table_args__ = (Index("ix_kb_drafts_status", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(64))
    # editing | submitted | approved | published | discarded
    status: Mapped[str] = mapped_column(String(12), default="editing")
    base_version: Mapped[int | None] = mapped_column()
    changes: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # see bot/editor/drafting/drafts.py
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    published_version: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbImportJob(Base):
    """An import of a zip or workbook into a draft, run in the background
    (bot/editor/transfer/import_jobs.py).

    `job` holds the whole job as the API shows it (state, file, result or error); the upload
    itself stays on the disk of the replica that took it until the job ends.
    """

    __tablename__ = "kb_import_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    author: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))  # queued | running | done | failed
    job: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class KbAudit(Base):
    """One change made through the editor: who, when, what, on which item."""

    __tablename__ = "kb_audit"
    __table_args__ = (Index("ix_kb_audit_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)  # e.g. draft.publish
    target_type: Mapped[str] = mapped_column(String(20))  # question | tree | draft | version
    target_id: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AccessAudit(Base):
    """One read or change of customer data by staff: conversations, handoffs, tickets.

    The editor's own log (`KbAudit`) keeps the knowledge changes; this one who looked at or
    acted on which customer's conversation, handoff or ticket (`bot.storage.audit`).
    """

    __tablename__ = "access_audit"
    __table_args__ = (Index("ix_access_audit_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)  # e.g. handoff.read
    target_type: Mapped[str] = mapped_column(String(20))  # conversation | handoff | ticket
    target_id: Mapped[str] = mapped_column(String(128))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


class MediaFile(Base):
    """A picture or file a customer, an engineer or the bot sent (`bot.media`).

    The bytes live in a backend (`backend`, under the key `id`); `channel` and `sender` name
    the customer whose conversation it belongs to (both None: public, e.g. the bot's own).
    """

    __tablename__ = "media_files"
    __table_args__ = (Index("ix_media_files_owner", "channel", "sender"),)

    id: Mapped[str] = mapped_column(String(48), primary_key=True)  # random, unguessable
    kind: Mapped[str] = mapped_column(String(8))  # image | file
    content_type: Mapped[str] = mapped_column(String(100))  # sniffed from the bytes
    size: Mapped[int]
    name: Mapped[str] = mapped_column(String(200))
    width: Mapped[int | None]
    height: Mapped[int | None]
    sha256: Mapped[str] = mapped_column(String(64))
    backend: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str | None] = mapped_column(String(20))
    sender: Mapped[str | None] = mapped_column(String(128))
    uploaded_by: Mapped[str] = mapped_column(String(80))  # customer | agent:<user> | bot
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# -- Handoff to engineers: agent profiles, handoffs and their events, ratings --------------


class AgentProfile(Base):
    """What an engineer can take: skills, how many conversations at once, and presence.

    `status` is what the engineer chose in the console (online | busy | away); `seen_until` is
    when the console's last heartbeat expires (epoch seconds), so a closed console is offline.
    """

    __tablename__ = "agent_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # staff_users.username
    skills: Mapped[list[Any]] = mapped_column(default=list)  # skill ids of skills.yml
    capacity: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(String(10), default="online")
    seen_until: Mapped[float] = mapped_column(Float, default=0.0)
    last_assigned_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Handoff(Base):
    """One request for an engineer, from the decision to close, return or ticket.

    status: queued (waiting) | offered (routed to `agent`, not yet accepted) | active (the
    engineer holds the conversation) | closed | returned (to the bot) | ticket | cancelled.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_status", "status", "priority", "requested_at"),
        Index("ix_handoffs_conversation", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(12), default="queued")
    queue: Mapped[str] = mapped_column(String(40))  # skill group: the first required skill
    skills: Mapped[list[Any]] = mapped_column(default=list)
    priority: Mapped[int] = mapped_column(default=3)  # 1-5, 5 = most urgent
    tier: Mapped[int | None] = mapped_column()
    source: Mapped[str] = mapped_column(String(20))  # tree | request_human | tier | ...
    reason: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    agent: Mapped[str | None] = mapped_column(String(64), index=True)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)  # snapshot at handoff
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)  # the handoff decision
    offered_at: Mapped[datetime | None] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()


class HandoffEvent(Base):
    """What happened to a handoff: queued, offered, accepted, note, transferred, closed, ..."""

    __tablename__ = "handoff_events"
    __table_args__ = (Index("ix_handoff_events_handoff", "handoff_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"))
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))  # a username, "customer" or "system"
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ServiceRating(Base):
    """The customer's rating (1-5) of an engineer's service, with an optional comment."""

    __tablename__ = "service_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"), index=True)
    agent: Mapped[str | None] = mapped_column(String(64), index=True)
    score: Mapped[int] = mapped_column()
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
