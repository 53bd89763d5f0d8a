"""Queries and writes on handoffs and engineers' profiles (one session, the caller commits)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.handoff.routing import AgentState, queue_order
from bot.storage.models import AgentProfile, Handoff, HandoffEvent, StaffUser, utcnow

LIVE = ("queued", "offered", "active")  # the engineer side owns the conversation
WAITING = ("queued", "offered")  # nobody has accepted yet


def live_handoff(session: Session, conversation_id: int) -> Handoff | None:
    """The conversation's handoff that is waiting or held, if any."""
    return session.scalar(
        select(Handoff)
        .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(LIVE))
        .order_by(Handoff.id.desc())
        .limit(1)
    )


def add_event(session: Session, handoff: Handoff, kind: str, actor: str, **detail: Any) -> None:
    """Record what happened to a handoff."""
    session.add(HandoffEvent(handoff_id=handoff.id, kind=kind, actor=actor, detail=detail))


def events_of(session: Session, handoff_id: int) -> list[HandoffEvent]:
    """A handoff's events, oldest first."""
    return list(
        session.scalars(
            select(HandoffEvent)
            .where(HandoffEvent.handoff_id == handoff_id)
            .order_by(HandoffEvent.id)
        )
    )


def waiting(session: Session) -> list[Handoff]:
    """Handoffs nobody accepted yet, in the order they are served."""
    rows = session.scalars(select(Handoff).where(Handoff.status.in_(WAITING)))
    return sorted(rows, key=lambda h: queue_order(h.priority, _epoch(h.requested_at), h.id))


def listed(
    session: Session, statuses: tuple[str, ...] | None, agent: str | None, limit: int
) -> list[Handoff]:
    """Handoffs of some statuses (all when None), of one engineer (any when None), newest first."""
    query = select(Handoff).order_by(Handoff.id.desc()).limit(limit)
    if statuses is not None:
        query = query.where(Handoff.status.in_(statuses))
    if agent is not None:
        query = query.where(Handoff.agent == agent)
    return list(session.scalars(query))


def claim(session: Session, handoff_id: int, from_statuses: tuple[str, ...], **values: Any) -> bool:
    """Move a handoff on only if it is still in one of `from_statuses` (races between
    engineers and replicas are settled here)."""
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status.in_(from_statuses))
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    return bool(getattr(result, "rowcount", 0))


def agent_states(session: Session, now: float) -> list[AgentState]:
    """Every engineer with a profile, with their load and presence."""
    loads = Counter(
        session.scalars(select(Handoff.agent).where(Handoff.status.in_(("offered", "active"))))
    )
    rows = session.execute(
        select(AgentProfile, StaffUser.role)
        .join(StaffUser, StaffUser.username == AgentProfile.username)
        .where(StaffUser.active.is_(True), StaffUser.role == "agent")
    )
    return [
        AgentState(
            username=p.username,
            skills=frozenset(p.skills or []),
            capacity=max(1, p.capacity),
            load=loads.get(p.username, 0),
            status=p.status,
            online=p.seen_until > now,
            idle_since=_epoch(p.last_assigned_at) if p.last_assigned_at else 0.0,
        )
        for p, _role in rows
    ]


def profile(session: Session, username: str) -> AgentProfile | None:
    """An engineer's profile."""
    return session.scalar(select(AgentProfile).where(AgentProfile.username == username))


def display_names(session: Session) -> dict[str, str]:
    """Staff username -> display name."""
    return dict(session.execute(select(StaffUser.username, StaffUser.display_name)).all())


def touch_assigned(session: Session, username: str, when: datetime | None = None) -> None:
    """Remember when an engineer last got a conversation (routing prefers the idlest)."""
    session.execute(
        update(AgentProfile)
        .where(AgentProfile.username == username)
        .values(last_assigned_at=when or utcnow())
    )


def aware(when: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite gives back naive ones)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def _epoch(when: datetime) -> float:
    return aware(when).timestamp()
