"""Tables of the supervisors' side: analytics facts, alerts, work-order notes, job leases.

The facts (`analytics_*`) are derived from conversations, messages, handoffs, ratings and
diagnosis sessions by the rollup (`bot.analytics.rollup`); they can be dropped and rebuilt.
Import this module wherever `Base.metadata` must know every table (migrations, tests).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, utcnow


class AnalyticsContact(Base):
    """One contact: a customer's messages on one channel with no pause longer than the gap.

    One stored conversation of a web visitor may hold many contacts (visits); the figures of
    the dashboard count contacts as "conversations".
    """

    __tablename__ = "analytics_contacts"
    __table_args__ = (
        UniqueConstraint("conversation_id", "seq", name="uq_analytics_contact_seq"),
        Index("ix_analytics_contacts_started", "started_at"),
        Index("ix_analytics_contacts_ended", "ended_at"),
        Index("ix_analytics_contacts_customer", "customer_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    seq: Mapped[int] = mapped_column()  # 0, 1, 2 ... within the conversation
    customer_id: Mapped[int | None] = mapped_column()
    channel: Mapped[str] = mapped_column(String(20))
    sender: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()
    first_message_id: Mapped[int] = mapped_column()
    last_message_id: Mapped[int] = mapped_column()
    messages: Mapped[int] = mapped_column(default=0)
    user_messages: Mapped[int] = mapped_column(default=0)
    first_text: Mapped[str | None] = mapped_column(Text)  # the customer's first words
    question_id: Mapped[str | None] = mapped_column(String(32))  # first answered question
    category: Mapped[str | None] = mapped_column(String(64))
    product_line: Mapped[str | None] = mapped_column(String(20))
    tree_id: Mapped[str | None] = mapped_column(String(64))
    tier: Mapped[int | None] = mapped_column()  # the highest tier decided
    complaint: Mapped[bool] = mapped_column(default=False)  # complaint intent or tier 5
    answered: Mapped[int] = mapped_column(default=0)  # bot turns by decision
    clarified: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)
    clarify_ok: Mapped[int] = mapped_column(default=0)  # clarifications followed by an answer
    bot_answered: Mapped[bool] = mapped_column(default=False)  # an answer or a solved tree
    transferred: Mapped[bool] = mapped_column(default=False)  # a handoff was requested
    handoff_id: Mapped[int | None] = mapped_column()
    handoff_status: Mapped[str | None] = mapped_column(String(12))
    queue: Mapped[str | None] = mapped_column(String(40))
    agent: Mapped[str | None] = mapped_column(String(64))
    wait_s: Mapped[float | None] = mapped_column(Float)  # request -> accepted
    first_response_s: Mapped[float | None] = mapped_column(Float)  # accepted -> first reply
    handle_s: Mapped[float | None] = mapped_column(Float)  # accepted -> ended
    rating: Mapped[int | None] = mapped_column()
    negative_max: Mapped[float | None] = mapped_column(Float)  # the customer's worst message
    recontact_at: Mapped[datetime | None] = mapped_column()  # next contact within the window
    self_service: Mapped[bool] = mapped_column(default=False)
    fcr: Mapped[bool] = mapped_column(default=False)


class AnalyticsTurn(Base):
    """One customer message the bot answered, with the match decision behind the answer."""

    __tablename__ = "analytics_turns"
    __table_args__ = (
        Index("ix_analytics_turns_at", "at"),
        Index("ix_analytics_turns_contact", "contact_id"),
        Index("ix_analytics_turns_question", "question_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("analytics_contacts.id"))
    message_id: Mapped[int] = mapped_column()  # the customer's message
    at: Mapped[datetime] = mapped_column()
    channel: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(12))  # answer | clarify | none | unavailable
    question_id: Mapped[str | None] = mapped_column(String(32))  # answered, or the top candidate
    category: Mapped[str | None] = mapped_column(String(64))
    product_line: Mapped[str | None] = mapped_column(String(20))
    intent: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(String(40))  # of unmatched words (words.subject)


class AnalyticsStep(Base):
    """One record of a diagnosis walk (entered a node, solved, escalated, abandoned)."""

    __tablename__ = "analytics_steps"
    __table_args__ = (
        Index("ix_analytics_steps_at", "at"),
        Index("ix_analytics_steps_contact", "contact_id"),
        Index("ix_analytics_steps_node", "tree_id", "node_id", "kind", "contact_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("analytics_contacts.id"))
    session_id: Mapped[int] = mapped_column()  # diagnosis_sessions.id
    at: Mapped[datetime] = mapped_column()
    tree_id: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12))  # enter | answer | solved | escalated | ...


class _Measures:
    """The sums a rollup row keeps of its contacts (`bot.analytics.cubes.MEASURES`): every
    figure of the dashboard is a ratio of two of them, so rows add up exactly. Durations are
    summed in whole microseconds (what the facts hold), so their sums are exact whatever the
    order of adding."""

    contacts: Mapped[int] = mapped_column(default=0)
    self_service: Mapped[int] = mapped_column(default=0)
    transferred: Mapped[int] = mapped_column(default=0)
    fcr: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)  # bot turns by decision
    clarified: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)
    clarify_ok: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)
    rating_sum: Mapped[int] = mapped_column(default=0)
    satisfied: Mapped[int] = mapped_column(default=0)  # rated 4 or 5
    waited: Mapped[int] = mapped_column(default=0)  # accepted handoffs
    wait_sum: Mapped[int] = mapped_column(BigInteger, default=0)  # microseconds
    in_service_level: Mapped[int] = mapped_column(default=0)
    complaints: Mapped[int] = mapped_column(default=0)
    with_answer: Mapped[int] = mapped_column(default=0)  # contacts with such a turn
    with_clarify: Mapped[int] = mapped_column(default=0)
    with_none: Mapped[int] = mapped_column(default=0)
    response_n: Mapped[int] = mapped_column(default=0)  # with an engineer's first response
    response_sum: Mapped[int] = mapped_column(BigInteger, default=0)  # microseconds
    handle_n: Mapped[int] = mapped_column(default=0)  # with a handle time
    handle_sum: Mapped[int] = mapped_column(BigInteger, default=0)  # microseconds


class _Slice:
    """What a rollup row is summed by: a day (the centre's clock) and every filter of the page."""

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    product_line: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(64))
    tier: Mapped[int | None] = mapped_column()
    queue: Mapped[str | None] = mapped_column(String(40))


class AnalyticsDaily(_Slice, _Measures, Base):
    """Contacts summed per day, filter and engineer.

    Rebuilt, a day at a time, from `analytics_contacts` by the rollup for the days it touched.
    """

    __tablename__ = "analytics_daily"
    __table_args__ = (Index("ix_analytics_daily_day", "day"),)

    agent: Mapped[str | None] = mapped_column(String(64))


class AnalyticsHourly(_Slice, _Measures, Base):
    """Contacts summed per day, hour of the day and filter."""

    __tablename__ = "analytics_hourly"
    __table_args__ = (Index("ix_analytics_hourly_day", "day"),)

    hour: Mapped[int] = mapped_column()


class AnalyticsFunnel(_Slice, Base):
    """Contacts that reached a diagnosis step, per day, filter, tree, node and kind of step.

    `node_id` None: the contacts of the whole tree with that kind of step (a contact that
    entered three nodes is one contact of the tree).
    """

    __tablename__ = "analytics_funnel"
    __table_args__ = (Index("ix_analytics_funnel_day", "day"),)

    tree_id: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(12))
    contacts: Mapped[int] = mapped_column(default=0)


class AnalyticsState(Base):
    """Watermarks and small state of the periodic jobs, by name."""

    __tablename__ = "analytics_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Alert(Base):
    """A quality-rule hit, an emotion trough or a spike of a hot issue.

    `key` groups what is one alert while it lasts (a spike's dimension and value); `review` is
    a reviewer's verdict (confirmed | false_alarm), from which each rule's precision is read.
    """

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("rule_id", "message_id", name="uq_alert_rule_message"),
        Index("ix_alerts_created", "created_at"),
        Index("ix_alerts_key", "key", "last_at"),
        Index("ix_alerts_last", "last_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # rule | emotion | spike
    rule_id: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(12))
    title: Mapped[str] = mapped_column(String(200))
    key: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | closed
    review: Mapped[str | None] = mapped_column(String(12))
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column()
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("conversations.id"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    channel: Mapped[str | None] = mapped_column(String(20))
    role: Mapped[str | None] = mapped_column(String(10))  # whose message: user | agent
    text: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkOrderNote(Base):
    """A note or state change on a work order (a ticket), in order."""

    __tablename__ = "workorder_notes"
    __table_args__ = (Index("ix_workorder_notes_ticket", "ticket_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    author: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))  # note | status | assign | remind | escalate
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobLease(Base):
    """Who runs a periodic job until when, so that it runs once across replicas."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80))
    until: Mapped[float] = mapped_column(Float)  # epoch seconds
