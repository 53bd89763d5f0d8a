"""Routing of waiting conversations: offers to engineers, expired offers, queue positions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from bot.config import HandoffSettings
from bot.handoff import store
from bot.handoff.routing import AgentState, can_serve, pick_agent, wait_estimate
from bot.storage.models import Handoff

Position = tuple[int, int]  # (place in its queue, estimated minutes)


def route_waiting(session: Session, conf: HandoffSettings, now: float) -> list[Handoff]:
    """Take back offers nobody accepted in time, then offer waiting conversations.

    Returns:
        Every handoff whose status or engineer changed.
    """
    agents = {a.username: a for a in store.agent_states(session, now)}
    changed = _expire_offers(session, agents, conf, now)
    if not conf.auto_route:
        return changed
    for h in store.waiting(session):
        if h.status != "queued":
            continue
        overflow = now - store.aware(h.requested_at).timestamp() >= conf.overflow_after_s
        declined = list((h.context or {}).get("declined") or [])
        agent = pick_agent(agents.values(), h.skills, overflow=overflow, exclude=declined)
        if agent is None and overflow and declined:  # waited long: try those who let it pass
            agent = pick_agent(agents.values(), h.skills, overflow=True)
        if agent is not None and offer(session, h, agent.username, now):
            agents[agent.username] = replace(agent, load=agent.load + 1, idle_since=now)
            changed.append(h)
    return changed


def offer(session: Session, h: Handoff, username: str, now: float) -> bool:
    """Offer a queued conversation to one engineer (False if someone got there first)."""
    when = datetime.fromtimestamp(now, UTC)
    if not store.claim(
        session, h.id, ("queued",), status="offered", agent=username, offered_at=when
    ):
        return False
    session.refresh(h)
    store.touch_assigned(session, username, when)
    store.add_event(session, h, "offered", "system", agent=username)
    return True


def positions(
    session: Session, conf: HandoffSettings, now: float, waiting: list[Handoff] | None = None
) -> dict[int, Position]:
    """Place in queue and estimated wait of every waiting conversation."""
    agents = [a for a in store.agent_states(session, now) if a.online and a.status != "away"]
    ahead: dict[str, int] = defaultdict(int)
    out: dict[int, Position] = {}
    for h in waiting if waiting is not None else store.waiting(session):
        if h.status == "offered":
            out[h.id] = (1, 1)
            continue
        ahead[h.queue] += 1
        capacity = sum(a.capacity for a in agents if can_serve(a, h.skills))
        place = ahead[h.queue]
        out[h.id] = (place, wait_estimate(place, capacity, conf.handle_minutes))
    return out


def anyone_on_duty(session: Session, now: float) -> bool:
    """Whether any engineer's console is connected and not set to away."""
    return any(a.online and a.status != "away" for a in store.agent_states(session, now))


def _expire_offers(
    session: Session, agents: dict[str, AgentState], conf: HandoffSettings, now: float
) -> list[Handoff]:
    changed = []
    for h in store.waiting(session):
        if h.status != "offered" or h.agent is None:
            continue
        agent = agents.get(h.agent)
        offered = store.aware(h.offered_at).timestamp() if h.offered_at else now
        gone = agent is None or not agent.online or agent.status == "away"
        if not gone and now - offered < conf.offer_timeout_s:
            continue
        declined = [*((h.context or {}).get("declined") or []), h.agent]
        who = h.agent
        if store.claim(session, h.id, ("offered",), status="queued", agent=None, offered_at=None):
            session.refresh(h)
            h.context = {**(h.context or {}), "declined": declined}
            store.add_event(session, h, "offer_expired", "system", agent=who)
            if agent is not None:
                agents[who] = replace(agent, load=max(0, agent.load - 1))
            changed.append(h)
    return changed
