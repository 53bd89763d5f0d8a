"""Engineers' profiles (skills, capacity), their status and console presence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.handoff import store
from bot.handoff.errors import HandoffError
from bot.storage.db import Database
from bot.storage.models import AgentProfile, StaffUser

STATUSES = ("online", "busy", "away")
# The embedded profile's demo engineers: a technical one and a sales / after-sales one.
DEMO_AGENTS: dict[str, tuple[list[str], int]] = {
    "agent1": (
        ["hardware", "software", "network", "display", "battery", "audio", "input", "gaming"]
        + ["data", "book", "raptor", "desktop", "senior"],
        3,
    ),
    "agent2": (
        ["sales", "aftersales", "order", "account", "enterprise", "complaint", "phone", "pad"]
        + ["accessory", "english"],
        3,
    ),
}


def seed_demo_agents(db: Database, settings: Settings) -> None:
    """Give the demo engineers their skills (embedded profile only, never overwriting)."""
    if settings.profile != "embedded":
        return
    with db.session() as s:
        for username, (skills, capacity) in DEMO_AGENTS.items():
            if _staff_id(s, username) is None:
                continue
            if store.profile(s, username) is None:
                s.add(AgentProfile(username=username, skills=skills, capacity=capacity))


def ensure_profile(session: Session, username: str, capacity: int) -> AgentProfile:
    """The engineer's profile, created (no skills, default capacity) on first use."""
    found = store.profile(session, username)
    if found is None:
        found = AgentProfile(username=username, skills=[], capacity=capacity, status="online")
        session.add(found)
        session.flush()
    return found


def heartbeat(db: Database, username: str, until: float, capacity: int) -> None:
    """The engineer's console is connected until `until` (epoch seconds) unless renewed."""
    with db.session() as s:
        ensure_profile(s, username, capacity).seen_until = until


def offline(db: Database, username: str) -> None:
    """The engineer's last console closed."""
    with db.session() as s:
        found = store.profile(s, username)
        if found is not None:
            found.seen_until = 0.0


def set_status(session: Session, username: str, status: str, capacity: int) -> AgentProfile:
    """Set online / busy / away (busy and away get no new conversations)."""
    if status not in STATUSES:
        raise HandoffError(422, "bad_status", f"状态应为 {'/'.join(STATUSES)}")
    found = ensure_profile(session, username, capacity)
    found.status = status
    return found


def update_profile(
    session: Session, username: str, skills: list[str] | None, capacity: int | None, default: int
) -> AgentProfile:
    """Change an engineer's skills or capacity (supervisors)."""
    if session.scalar(select(StaffUser).where(StaffUser.username == username)) is None:
        raise HandoffError(404, "no_agent", f"没有员工 {username}")
    found = ensure_profile(session, username, default)
    if skills is not None:
        found.skills = list(dict.fromkeys(skills))
    if capacity is not None:
        found.capacity = max(1, capacity)
    return found


def agents_view(session: Session, now: float) -> list[dict[str, Any]]:
    """Every engineer: skills, capacity, load, status and whether their console is open."""
    names = store.display_names(session)
    return [
        {
            "username": a.username,
            "name": names.get(a.username, a.username),
            "skills": sorted(a.skills),
            "capacity": a.capacity,
            "load": a.load,
            "status": a.status,
            "online": a.online,
        }
        for a in sorted(store.agent_states(session, now), key=lambda a: a.username)
    ]


def _staff_id(session: Session, username: str) -> int | None:
    return session.scalar(select(StaffUser.id).where(StaffUser.username == username))
