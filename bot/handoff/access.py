"""Who may act on which handoff or ticket, and who may be given one.

An engineer acts on what is theirs (the handoff they hold or were offered, the ticket assigned
to them) and on unassigned work of a queue they serve (they hold one of its skills). The queue
lets others in when its own engineers cannot come: a waiting conversation once it waited past
the overflow time or while no engineer holding its skills is on duty, a ticket when no active
engineer holds them. Supervisors and admins act on everything. Whoever is given a handoff or
a ticket must be an active engineer (or supervisor) with a profile holding one of its skills.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff import store
from bot.handoff.errors import HandoffError
from bot.storage.models import Handoff, StaffUser, Ticket

SUPERVISORS = ("supervisor", "admin")
ENGINEER_ROLES = ("agent", "supervisor", "admin")


def serves(session: Session, username: str, skills: Sequence[str]) -> bool:
    """Whether the engineer holds one of `skills` (any engineer when none is needed)."""
    if not skills:
        return True
    profile = store.profile(session, username)
    return profile is not None and bool(set(profile.skills or []) & set(skills))


def check_target(session: Session, username: str, skills: Sequence[str]) -> None:
    """Refuse giving work to someone who is not an active engineer holding its skill (any
    engineer when no one holds it)."""
    user = session.scalar(select(StaffUser).where(StaffUser.username == username))
    if (
        user is None
        or not user.active
        or user.role not in ENGINEER_ROLES
        or store.profile(session, username) is None
    ):
        raise HandoffError(404, "no_agent", f"没有工程师 {username}")
    if not serves(session, username, skills) and _held_by_anyone(session, skills):
        raise HandoffError(409, "lacks_skill", f"工程师 {username} 不具备该队列所需的技能")


def check_handoff(
    session: Session, user: str, role: str, h: Handoff, *, now: datetime, overflow_s: float
) -> None:
    """Refuse an engineer acting on a handoff that is neither theirs nor open to them."""
    if role in SUPERVISORS or h.agent == user:
        return
    if h.agent is None and h.status in store.WAITING:
        skills = list(h.skills or [])
        waited = (now - _aware(h.requested_at, now)).total_seconds()
        if waited >= overflow_s or serves(session, user, skills):
            return
        on_duty = [a for a in store.agent_states(session, now.timestamp()) if a.online]
        if not any(a.coverage(skills) for a in on_duty if a.username != user):
            return  # nobody of its queue could take it now
    raise HandoffError(403, "not_yours", "该会话由其他工程师负责，或不在您的技能队列中")


def check_ticket(session: Session, user: str, role: str, t: Ticket) -> None:
    """Refuse an engineer acting on a ticket that is neither theirs nor open to them."""
    if role in SUPERVISORS or t.assignee == user:
        return
    skills = ticket_skills(t)
    if t.assignee is None and (
        serves(session, user, skills) or not _held_by_anyone(session, skills)
    ):
        return
    raise HandoffError(403, "not_yours", "该工单由其他工程师负责，或不在您的技能队列中")


def ticket_skills(t: Ticket) -> list[str]:
    """The skills a ticket needs (those of the handoff it came from)."""
    return [str(s) for s in (t.context or {}).get("skills") or [] if s]


def _held_by_anyone(session: Session, skills: Sequence[str]) -> bool:
    """Whether an active engineer holds one of `skills`."""
    states = store.agent_states(session, 0.0)
    return any(a.coverage(skills) for a in states)


def _aware(at: datetime, like: datetime) -> datetime:
    # SQLite gives naive datetimes back; they are UTC.
    return at.replace(tzinfo=like.tzinfo) if at.tzinfo is None and like.tzinfo else at
