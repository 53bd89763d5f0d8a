"""The customer's side while engineers have the conversation: nothing reaches the bot.

Every message is already stored by the gateway; here it goes to the engineers' consoles, and
the customer hears a waiting notice while queued, nothing while an engineer holds it. The
waiting customer may leave a message (a ticket) or stop waiting; after close they rate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import HandoffSettings
from bot.gateway.types import Outbound
from bot.handoff import callback_flow, store
from bot.handoff.effects import Effects
from bot.handoff.errors import HandoffError
from bot.handoff.hours import ServiceHours
from bot.handoff.notices import (
    CANCEL_PAYLOAD,
    CANCEL_WORDS,
    LEAVE_PAYLOAD,
    LEAVE_WORDS,
    RATE_PAYLOAD,
    as_outbound,
    asks_status,
    say,
    waiting_buttons,
)
from bot.handoff.offers import positions
from bot.handoff.tickets import handoff_to_ticket, open_ticket_of, ticket_no
from bot.handoff.views import message_view
from bot.storage.models import Conversation, Handoff, Message, ServiceRating, Ticket
from bot.texts import Texts


@dataclass
class Held:
    """A customer message the handoff took: the turn's replies (maybe none) and frames."""

    replies: list[Outbound]
    effects: Effects
    handoff_id: int | None = None


def on_message(
    session: Session,
    conversation_id: int,
    message_id: int,
    *,
    conf: HandoffSettings,
    hours: ServiceHours,
    texts: Texts,
    now: float,
) -> Held | None:
    """Take a stored customer message if the handoff owns the conversation; None = the bot's."""
    msg = session.get(Message, message_id)
    conv = session.get(Conversation, conversation_id)
    assert msg is not None and conv is not None
    payload = str((msg.payload or {}).get("button_payload") or "")
    text = (msg.text or "").strip()
    if payload.startswith(RATE_PAYLOAD):
        return _rate_by_button(session, conv, msg, payload, texts)
    booking = callback_flow.on_message(session, conv, msg, conf=conf, texts=texts, now=now)
    if booking is not None:  # 预约回电 asked for, or the customer answering its questions
        return Held(*booking)
    h = store.live_handoff(session, conversation_id)
    if h is None:
        if payload.startswith("/kefu_"):  # a stale button of an earlier wait
            return _reply(session, conv, msg, texts.get("handoff_not_waiting"), Effects())
        ticket = open_ticket_of(session, conversation_id) if asks_status(text) else None
        if ticket is not None:  # 还在吗 after a ticket was made: its number and promised time
            return _reply(session, conv, msg, _ticket_status(ticket, hours, texts), Effects())
        return None
    effects = Effects(console=[_message_frame(h, msg)])
    if h.status == "active":
        msg.status = "forwarded"
        return Held([], effects, h.id)
    when = datetime.fromtimestamp(now, UTC)
    if payload == LEAVE_PAYLOAD or text in LEAVE_WORDS:
        due = hours.ticket_due(when)
        ticket = handoff_to_ticket(session, h, "left_message", due, when)
        effects.pack_tickets.append(ticket.id)
        effects.handoffs.append(h.id)
        effects.dispatch = True
        text = texts.get(
            "handoff_ticket_left", ticket=ticket_no(ticket.id), due=hours.local_text(due)
        )
        return _reply(session, conv, msg, text, effects, h.id)
    if payload == CANCEL_PAYLOAD or text in CANCEL_WORDS:
        h.status, h.agent, h.ended_at = "cancelled", None, when
        conv.route = "bot"
        store.add_event(session, h, "cancelled", "customer")
        effects.handoffs.append(h.id)
        effects.dispatch = True
        return _reply(session, conv, msg, texts.get("handoff_cancelled"), effects, h.id, "bot")
    if h.status == "offered":
        name = store.display_names(session).get(h.agent or "", h.agent or "")
        text = texts.get("handoff_waiting_offered", agent=name)
        return _reply(session, conv, msg, text, effects, h.id)
    place, eta = positions(session, conf, now).get(h.id, (1, 1))
    key = "handoff_status_queued" if asks_status(text) else "handoff_waiting"
    text = texts.get(key, position=place, eta=eta)
    return _reply(session, conv, msg, text, effects, h.id, buttons=True, texts=texts)


def _ticket_status(ticket: Ticket, hours: ServiceHours, texts: Texts) -> str:
    due_text = (ticket.context or {}).get("due_at")
    due = datetime.fromisoformat(due_text) if due_text else ticket.due_at
    if due is not None and due.tzinfo is None:
        due = due.replace(tzinfo=UTC)  # stored as UTC
    when = hours.local_text(due) if due is not None else hours.describe()
    return texts.get("handoff_status_ticket", ticket=ticket_no(ticket.id), due=when)


def rate(
    session: Session, handoff_id: int, channel: str, sender: str, score: int, comment: str | None
) -> ServiceRating:
    """Store (or complete) the customer's rating of a closed handoff."""
    h = session.get(Handoff, handoff_id)
    if h is None or h.channel != channel or h.sender != sender:
        raise HandoffError(404, "no_handoff", "没有这次人工服务")
    if h.status != "closed":
        raise HandoffError(409, "not_closed", "人工服务尚未结束")
    if not 1 <= score <= 5:
        raise HandoffError(422, "bad_score", "评分应为 1-5 分")
    rating = session.scalar(select(ServiceRating).where(ServiceRating.handoff_id == h.id))
    if rating is None:
        rating = ServiceRating(handoff_id=h.id, conversation_id=h.conversation_id, agent=h.agent)
        session.add(rating)
    rating.score = score
    if comment and comment.strip():
        rating.comment = comment.strip()[:2000]
    store.add_event(session, h, "rated", "customer", score=score)
    session.flush()
    return rating


def _rate_by_button(
    session: Session, conv: Conversation, msg: Message, payload: str, texts: Texts
) -> Held:
    try:
        data = json.loads(payload.removeprefix(RATE_PAYLOAD) or "{}")
        rating = rate(
            session, int(data["handoff"]), conv.channel, conv.sender, int(data["score"]), None
        )
    except (ValueError, KeyError, TypeError, HandoffError):
        return _reply(session, conv, msg, texts.get("handoff_not_waiting"), Effects())
    key = "rating_thanks" if rating.score >= 4 else "rating_thanks_low"
    return _reply(session, conv, msg, texts.get(key), Effects(), rating.handoff_id)


def _reply(
    session: Session,
    conv: Conversation,
    msg: Message,
    text: str,
    effects: Effects,
    handoff_id: int | None = None,
    mode: str | None = None,
    *,
    buttons: bool = False,
    texts: Texts | None = None,
) -> Held:
    msg.status = "answered"
    choices = waiting_buttons(texts) if buttons and texts is not None else None
    frame = {"mode": mode} if mode else None
    _, tell = say(session, conv, text, buttons=choices, reply_to=msg.id, frame=frame)
    return Held([as_outbound(tell)], effects, handoff_id)


def _message_frame(h: Handoff, msg: Message) -> dict[str, object]:
    return {"type": "message", "handoff_id": h.id, "message": dict(message_view(msg))}
