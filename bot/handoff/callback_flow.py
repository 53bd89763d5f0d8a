"""Call-back booking by text, for channels without the chat page's form (WeChat, REST,
socket.io): ask the phone number, then the slot by number, then confirm.

Where the flow stands is kept with the bot's last message (`payload.callback`): `{"step":
"phone"}` or `{"step": "slot", "phone": ...}`. A message that is no answer to the step (a new
question) leaves the flow and goes to the bot as usual.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.config import HandoffSettings
from bot.gateway.types import Button, Outbound
from bot.handoff import callback
from bot.handoff.effects import Effects
from bot.handoff.errors import HandoffError
from bot.handoff.notices import as_outbound, say
from bot.storage.models import Conversation, Message
from bot.texts import Texts

START_WORDS = frozenset({"预约回电", "我要预约回电", "预约电话回访", "请给我回电"})
STOP_WORDS = frozenset({"取消", "不用了", "算了", "取消预约", "不预约了"})


def on_message(
    session: Session,
    conv: Conversation,
    msg: Message,
    *,
    conf: HandoffSettings,
    texts: Texts,
    now: float,
) -> tuple[list[Outbound], Effects] | None:
    """The flow's replies to a stored customer message; None when it is not the flow's."""
    if not conf.callback:
        return None
    text = (msg.text or "").strip()
    # REST clients send a button's payload as the message (Rasa's convention).
    payload = str((msg.payload or {}).get("button_payload") or "") or (
        text if text.startswith(callback.OFFER_PAYLOAD) else ""
    )
    when = datetime.fromtimestamp(now, UTC)
    if payload == callback.OFFER_PAYLOAD or text in START_WORDS:
        return _ask(session, conv, msg, texts.get("callback_ask_phone"), {"step": "phone"})
    state = _state(session, conv.id, msg.id)
    if state is None:
        return None
    if text in STOP_WORDS:
        return _ask(session, conv, msg, texts.get("callback_cancelled"), {})
    if state.get("step") == "phone":
        return _on_phone(session, conv, msg, text, conf, texts, when)
    if state.get("step") == "slot":
        return _on_slot(
            session, conv, msg, payload, text, str(state.get("phone")), conf, texts, when
        )
    return None


def _on_phone(
    session: Session,
    conv: Conversation,
    msg: Message,
    text: str,
    conf: HandoffSettings,
    texts: Texts,
    when: datetime,
) -> tuple[list[Outbound], Effects] | None:
    if not any(ch.isdigit() for ch in text):
        return None  # no number at all: a question of its own
    phone = callback.find_phone(text)
    if phone is None:
        return _ask(session, conv, msg, texts.get("callback_bad_phone"), {"step": "phone"})
    return _ask_slot(session, conv, msg, texts.get("callback_ask_slot"), phone, conf, when, texts)


def _on_slot(
    session: Session,
    conv: Conversation,
    msg: Message,
    payload: str,
    text: str,
    phone: str,
    conf: HandoffSettings,
    texts: Texts,
    when: datetime,
) -> tuple[list[Outbound], Effects] | None:
    if not payload.startswith(callback.SLOT_PAYLOAD):
        if text.isdigit():  # a number that is none of the choices
            return _ask_slot(
                session, conv, msg, texts.get("callback_pick_slot"), phone, conf, when, texts
            )
        return None
    try:
        key = str(json.loads(payload.removeprefix(callback.SLOT_PAYLOAD))["start"])
        slot = callback.slot_of(key, conf, when)
    except (ValueError, KeyError, TypeError, HandoffError):
        return _ask_slot(
            session, conv, msg, texts.get("callback_slot_gone"), phone, conf, when, texts
        )
    booking = callback.book(
        session,
        conv.channel,
        conv.sender,
        phone=phone,
        slot=slot,
        note="",
        texts=texts,
        now=when,
        reply_to=msg.id,
    )
    msg.status = "answered"
    return [as_outbound(booking.tell)], booking.effects


def _ask_slot(
    session: Session,
    conv: Conversation,
    msg: Message,
    text: str,
    phone: str,
    conf: HandoffSettings,
    when: datetime,
    texts: Texts,
) -> tuple[list[Outbound], Effects]:
    slots = callback.next_slots(conf, when)
    if not slots:
        return _ask(session, conv, msg, texts.get("callback_no_slot"), {})
    buttons = [
        Button(
            title=callback.slot_label(s, when),
            payload=callback.SLOT_PAYLOAD + json.dumps({"start": s.key}),
        )
        for s in slots
    ]
    return _ask(session, conv, msg, text, {"step": "slot", "phone": phone}, buttons)


def _ask(
    session: Session,
    conv: Conversation,
    msg: Message,
    text: str,
    state: dict[str, Any],
    buttons: list[Button] | None = None,
) -> tuple[list[Outbound], Effects]:
    msg.status = "answered"
    _, tell = say(session, conv, text, role="bot", buttons=buttons, reply_to=msg.id,
                  payload={"callback": state})  # fmt: skip
    return [as_outbound(tell)], Effects()


def _state(session: Session, conversation_id: int, before: int) -> dict[str, Any] | None:
    """Where the flow stands: the step the bot's last message asked, if it asked one."""
    last = session.scalar(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == "out",
            Message.id < before,
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    state = (last.payload or {}).get("callback") if last is not None else None
    return state if isinstance(state, dict) and state.get("step") else None
