"""Messages the handoff sends to customers: stored with the conversation, then delivered."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy.orm import Session

from bot.gateway.types import Button, Outbound
from bot.handoff.effects import Tell
from bot.storage import repository as repo
from bot.storage.models import Conversation, Message
from bot.texts import Texts

LEAVE_PAYLOAD = "/kefu_leave_message"
CANCEL_PAYLOAD = "/kefu_cancel_queue"
RATE_PAYLOAD = "/kefu_rate"
LEAVE_WORDS = frozenset({"留言", "我要留言", "留个言"})
CANCEL_WORDS = frozenset({"取消排队", "不等了", "取消"})
# A waiting customer asking after their request (还在吗, 怎么还没人): answered with its status.
STATUS_PHRASES = (
    "还在吗", "在吗", "在不在", "有人吗", "有人在吗", "人呢", "没人", "没有人", "没人理",
    "没人回", "等多久", "要多久", "排多久", "多久能", "多久回", "什么时候回", "什么时候联系",
    "什么时候有人", "还没回", "还没消息", "有消息吗", "有进展吗", "进展如何", "进度如何",
    "进度怎么样", "处理得怎么样", "处理到哪", "工单进度", "到我了吗", "轮到我", "排到我",
)  # fmt: skip
STATUS_MAX_CHARS = 16  # longer messages say more than "are you there": they are their own
_NOT_WORDS = re.compile(r"[\W_]+")

TEXT_KEYS = (
    "handoff_offered",
    "handoff_in_queue",
    "handoff_waiting",
    "handoff_waiting_offered",
    "handoff_position",
    "handoff_position_offered",
    "handoff_accepted",
    "handoff_transferred",
    "handoff_returned",
    "handoff_closed",
    "handoff_ticket_off_hours",
    "handoff_ticket_no_agent",
    "handoff_ticket_left",
    "handoff_ticket_open",
    "handoff_status_queued",
    "handoff_status_ticket",
    "handoff_cancelled",
    "handoff_not_waiting",
    "handoff_leave_button",
    "handoff_cancel_button",
    "rating_button",
    "rating_thanks",
    "rating_thanks_low",
    "ticket_answer",
    "callback_button",
    "callback_ask_phone",
    "callback_bad_phone",
    "callback_ask_slot",
    "callback_pick_slot",
    "callback_slot_gone",
    "callback_no_slot",
    "callback_booked",
    "callback_cancelled",
    "callback_invalid",
)


def check_texts(texts: Texts) -> None:
    """Fail at start-up, not at a customer's first handoff, when a text is missing."""
    for key in TEXT_KEYS:
        texts.get(key, **_blank_values())


def waiting_buttons(texts: Texts) -> list[Button]:
    """ "Leave a message" and "stop waiting", under every waiting notice."""
    return [
        Button(title=texts.get("handoff_leave_button"), payload=LEAVE_PAYLOAD),
        Button(title=texts.get("handoff_cancel_button"), payload=CANCEL_PAYLOAD),
    ]


def rating_buttons(texts: Texts, handoff_id: int) -> list[Button]:
    """Scores 5 .. 1 as buttons (numbered choices on WeChat)."""
    return [
        Button(
            title=texts.get("rating_button", score=n),
            payload=RATE_PAYLOAD + json.dumps({"handoff": handoff_id, "score": n}),
        )
        for n in range(5, 0, -1)
    ]


def say(
    session: Session,
    conv: Conversation,
    text: str,
    *,
    role: str = "system",
    buttons: list[Button] | None = None,
    reply_to: int | None = None,
    frame: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> tuple[Message, Tell]:
    """Store a message to the customer and return how to deliver it.

    Args:
        session: the open session.
        conv: the customer's conversation.
        text: what they read.
        role: system (notices), agent (an engineer's words) or bot.
        buttons: choices under the message.
        reply_to: the customer's message this answers, if any.
        frame: extra fields for the chat page frame (e.g. `mode`, `name`).
        payload: extra fields stored with the message (e.g. the engineer's name).
    """
    stored: dict[str, Any] = {"buttons": list(buttons or []), **(payload or {})}
    if reply_to is not None:
        stored["reply_to"] = reply_to
    msg = repo.add_message(session, conv, direction="out", role=role, text=text, payload=stored)
    web = {"type": role, "id": msg.id, "text": text, "buttons": list(buttons or [])}
    tell = Tell(conv.channel, conv.sender, conv.id, {**web, **(frame or {})}, text, buttons or [])
    return msg, tell


def as_outbound(tell: Tell) -> Outbound:
    """A stored notice as a reply of the gateway's turn."""
    return Outbound(
        role=str(tell.frame.get("type", "system")), text=tell.text, buttons=tell.buttons
    )


def _blank_values() -> dict[str, object]:
    names = (
        "agent",
        "team",
        "position",
        "eta",
        "hours",
        "ticket",
        "due",
        "score",
        "answer",
        "slot",
        "phone",
        "limit",
    )
    return dict.fromkeys(names, "")


def asks_status(text: str) -> bool:
    """Whether a short message asks after the customer's waiting request (还在吗, 人呢)."""
    words = _NOT_WORDS.sub("", text)
    return 0 < len(words) <= STATUS_MAX_CHARS and any(p in words for p in STATUS_PHRASES)
