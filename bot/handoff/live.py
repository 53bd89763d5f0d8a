"""Live signals between a customer's chat page and the engineer's console: typing, rating."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.handoff import callback, customer, store
from bot.handoff.effects import Effects
from bot.handoff.errors import HandoffError
from bot.storage.models import Conversation, Handoff

if TYPE_CHECKING:
    from bot.handoff.service import HandoffService


async def customer_typing(svc: HandoffService, channel: str, sender: str) -> None:
    """The customer is typing: the engineer holding the conversation sees it."""

    def run() -> int | None:
        with svc.db.session() as s:
            conv = s.scalar(
                select(Conversation)
                .where(Conversation.channel == channel, Conversation.sender == sender)
                .order_by(Conversation.id.desc())
                .limit(1)
            )
            h = store.live_handoff(s, conv.id) if conv is not None else None
            return h.id if h is not None else None

    handoff_id = await asyncio.to_thread(run)
    if handoff_id is not None:
        frame = {"type": "typing", "handoff_id": handoff_id, "who": "customer"}
        await svc.bus.publish("console", frame)


async def agent_typing(svc: HandoffService, username: str, handoff_id: int, on: bool) -> None:
    """The engineer is typing (or stopped): the customer's chat page shows it."""

    def run() -> tuple[str, str, str] | None:
        with svc.db.session() as s:
            h = s.get(Handoff, handoff_id)
            if h is None or h.status != "active" or h.agent != username:
                return None
            name = store.display_names(s).get(username, username)
            return h.channel, h.sender, name

    found = await asyncio.to_thread(run)
    if found is not None and found[0] == "web":
        frame = {"type": "typing", "on": on, "who": "agent", "name": found[2]}
        await svc.bus.publish("customer", {"key": f"web:{found[1]}", "frame": frame})


async def rate(
    svc: HandoffService,
    channel: str,
    sender: str,
    handoff_id: int,
    score: int,
    comment: str | None,
) -> str:
    """Store a rating from the chat page; returns the thank-you text."""

    def run() -> dict[str, Any]:
        with svc.db.session() as s:
            r = customer.rate(s, handoff_id, channel, sender, score, comment)
            return {"score": r.score, "agent": r.agent}

    stored = await asyncio.to_thread(run)
    frame = {"type": "rating", "handoff_id": handoff_id, **stored}
    await svc.bus.publish("console", frame)
    return svc.texts.get("rating_thanks" if stored["score"] >= 4 else "rating_thanks_low")


def callback_slots(svc: HandoffService) -> list[dict[str, str]]:
    """The call-back slots a customer may book now (the chat page's form)."""
    now = datetime.fromtimestamp(svc.clock(), UTC)
    return [
        {"start": s.key, "end": s.end.isoformat(), "label": callback.slot_label(s, now)}
        for s in callback.next_slots(svc.conf, now)
    ]


async def book_callback(
    svc: HandoffService, channel: str, sender: str, phone: str, slot: str, note: str
) -> dict[str, Any]:
    """Book a call-back from the chat page's form; returns the stored confirmation's frame.

    Raises `HandoffError` (`bad_phone`, `bad_slot`) with the Chinese text to show.
    """
    number = callback.normalize_phone(phone)
    if number is None:
        raise HandoffError(422, "bad_phone", svc.texts.get("callback_bad_phone"))
    now = datetime.fromtimestamp(svc.clock(), UTC)
    try:
        chosen = callback.slot_of(slot, svc.conf, now)
    except HandoffError:
        raise HandoffError(422, "bad_slot", svc.texts.get("callback_slot_gone")) from None

    def run() -> tuple[dict[str, Any], Effects]:
        with svc.db.session() as s:
            booking = callback.book(
                s, channel, sender, phone=number, slot=chosen, note=note, texts=svc.texts, now=now
            )
            return booking.tell.frame, booking.effects

    frame, effects = await asyncio.to_thread(run)
    await svc.apply(effects)  # the engineers' consoles list it
    return frame
