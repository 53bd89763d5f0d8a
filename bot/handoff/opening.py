"""Opening a handoff: from the bot's decision to an offer, a place in a queue, or a ticket."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import HandoffSettings
from bot.gateway.types import Outbound
from bot.handoff import store
from bot.handoff.callback import offer_buttons
from bot.handoff.effects import Effects
from bot.handoff.hours import ServiceHours
from bot.handoff.notices import as_outbound, say, waiting_buttons
from bot.handoff.offers import anyone_on_duty, offer, positions
from bot.handoff.routing import pick_agent, priority_for, queue_of
from bot.handoff.tickets import handoff_to_ticket, open_ticket_of, ticket_no
from bot.storage.models import Conversation, Handoff, TierDecisionRecord
from bot.storage.payload import BotReport
from bot.texts import Texts


@dataclass(frozen=True)
class HandoffRequest:
    """The bot (or the tier policy) decided this conversation goes to people."""

    conversation_id: int
    message_id: int  # the customer's message the decision answered
    source: str  # tree (a diagnosis tree escalated) | request_human | tier
    skills: tuple[str, ...] = ()
    tier: int | None = None
    reason: str = ""
    summary: str = ""
    tree: str | None = None
    priority: int | None = None


def request_from_reply(
    custom: dict[str, Any], conversation_id: int, message_id: int
) -> HandoffRequest | None:
    """The handoff a bot reply asks for (`custom.kefu.route` or `.request_human`), if any."""
    report = BotReport.of(custom)
    route = report.route
    if route is not None and route.queues:
        source = "tree" if route.tree else "request_human"
        return HandoffRequest(
            conversation_id,
            message_id,
            source if report.request_human or route.tree else "tier",
            tuple(s for s in route.skills if s),
            route.tier,
            route.reason,
            route.summary,
            route.tree or None,
            route.priority,
        )
    if report.request_human:
        return HandoffRequest(conversation_id, message_id, "request_human", reason="用户要求转人工")
    return None


@dataclass
class Opening:
    """What opening did: the handoff, the notices for the customer's turn, frames to send."""

    handoff: Handoff | None
    replies: list[Outbound]
    effects: Effects


def open_handoff(
    session: Session,
    req: HandoffRequest,
    profile: dict[str, Any],
    *,
    conf: HandoffSettings,
    hours: ServiceHours,
    texts: Texts,
    skill_names: dict[str, str],
    now: float,
) -> Opening:
    """Create the handoff and place it: offered, queued, or (closed / nobody on duty) a ticket.

    Args:
        session: the open session.
        req: the decision.
        profile: the customer's profile snapshot (`ContextBuilder.profile`).
        conf: handoff settings.
        hours: service hours.
        texts: customer texts.
        skill_names: skill id -> Chinese name.
        now: epoch seconds of the decision.
    """
    conv = session.get(Conversation, req.conversation_id)
    if conv is None or store.live_handoff(session, conv.id) is not None:
        return Opening(None, [], Effects())  # already with the engineers: nothing new
    when = datetime.fromtimestamp(now, UTC)
    decided = _tier_decision(session, conv.id)
    skills = list(req.skills) or list(decided.get("skills") or [])
    tier = req.tier or decided.get("tier") or conv.tier
    prio = max(
        priority_for(tier, bool(profile.get("high_value"))),
        priority_for(tier, False, req.priority or decided.get("priority")),
    )
    h = Handoff(
        conversation_id=conv.id,
        customer_id=conv.customer_id,
        channel=conv.channel,
        sender=conv.sender,
        status="queued",
        queue=queue_of(skills),
        skills=skills,
        priority=prio,
        tier=tier,
        source=req.source,
        reason=req.reason or str(decided.get("reason") or conv.reason or ""),
        summary=req.summary,
        context={"profile": profile, "message_id": req.message_id, "tree": req.tree},
        requested_at=when,
    )
    session.add(h)
    session.flush()
    store.add_event(session, h, "requested", "system", source=req.source, skills=skills)
    effects = Effects(handoffs=[h.id])
    if not hours.is_open(when) or not anyone_on_duty(session, now):
        why = "off_hours" if not hours.is_open(when) else "no_agent"
        text = _to_ticket(session, h, why, hours, texts, when, effects)
        buttons = offer_buttons(texts, conf)  # nobody can take it now: a call-back may suit
    else:
        text, buttons = _place(session, h, conf, texts, skill_names, now)
    _, tell = say(session, conv, text, buttons=buttons, reply_to=req.message_id)
    return Opening(h, [as_outbound(tell)], effects)


def _place(
    session: Session,
    h: Handoff,
    conf: HandoffSettings,
    texts: Texts,
    skill_names: dict[str, str],
    now: float,
) -> tuple[str, list[Any]]:
    agent = pick_agent(store.agent_states(session, now), h.skills)
    if agent is not None and offer(session, h, agent.username, now):
        name = store.display_names(session).get(agent.username, agent.username)
        return texts.get("handoff_offered", agent=name), []
    place, eta = positions(session, conf, now).get(h.id, (1, 1))
    team = f"{skill_names[h.queue]}工程师" if h.queue in skill_names else "人工工程师"
    text = texts.get("handoff_in_queue", team=team, position=place, eta=eta)
    return text, waiting_buttons(texts)


def _to_ticket(
    session: Session,
    h: Handoff,
    why: str,
    hours: ServiceHours,
    texts: Texts,
    when: datetime,
    effects: Effects,
) -> str:
    existing = open_ticket_of(session, h.conversation_id)
    due = hours.ticket_due(when)
    if existing is not None:  # one ticket per conversation: this request joins it
        h.status, h.ticket_id, h.ended_at = "ticket", existing.id, when
        store.add_event(session, h, "ticket", "system", why=why, ticket_id=existing.id)
        due_text = (existing.context or {}).get("due_at")
        due = datetime.fromisoformat(due_text) if due_text else due
        return texts.get(
            "handoff_ticket_open", ticket=ticket_no(existing.id), due=hours.local_text(due)
        )
    ticket = handoff_to_ticket(session, h, why, due, when)
    effects.pack_tickets.append(ticket.id)
    key = "handoff_ticket_off_hours" if why == "off_hours" else "handoff_ticket_no_agent"
    return texts.get(
        key, ticket=ticket_no(ticket.id), due=hours.local_text(due), hours=hours.describe()
    )


def _tier_decision(session: Session, conversation_id: int) -> dict[str, Any]:
    """The conversation's latest tier decision that sent it to a queue (skills, priority)."""
    row = session.scalar(
        select(TierDecisionRecord)
        .where(
            TierDecisionRecord.conversation_id == conversation_id,
            TierDecisionRecord.route.startswith("queue"),
        )
        .order_by(TierDecisionRecord.id.desc())
        .limit(1)
    )
    if row is None:
        return {}
    skills = [s for s in row.route.partition(":")[2].split(",") if s]
    return {"skills": skills, "priority": row.priority, "tier": row.tier, "reason": row.reason}
