"""JSON shapes of handoffs and messages, for the console, the API and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from bot.handoff.store import aware
from bot.storage.models import Handoff, Message
from bot.storage.payload import Payload

CHANNEL_NAMES = {"web": "网页", "wechat": "微信"}


class MessageView(TypedDict):
    """One message as the console shows it."""

    id: int
    direction: str  # in | out
    role: str  # user | bot | agent | system
    text: str | None
    buttons: list[dict[str, Any]]
    links: list[dict[str, Any]]
    name: str | None  # the engineer's display name (agent messages)
    at: str  # ISO time
    attachment: dict[str, Any] | None  # a picture or file (bot.media: id, kind, type, name, url)


def iso(when: datetime | None) -> str | None:
    """ISO 8601 in UTC, or None."""
    return aware(when).isoformat() if when is not None else None


def epoch_ms(when: datetime | None) -> int | None:
    """Milliseconds since the epoch, or None (for the console's clocks and the benchmark)."""
    return int(aware(when).timestamp() * 1000) if when is not None else None


def message_view(m: Message) -> MessageView:
    """A stored message for the console."""
    payload = Payload.of(m)
    return MessageView(
        id=m.id,
        direction=m.direction,
        role=m.role,
        text=m.text,
        buttons=payload.buttons,
        links=payload.links,
        name=payload.agent_name,
        at=iso(m.created_at) or "",
        attachment=payload.attachment,
    )


def customer_label(h: Handoff) -> str:
    """How the console names the customer: 王先生, or 网页访客 ·1a2b."""
    profile = (h.context or {}).get("profile") or {}
    name = profile.get("honorific") or profile.get("name")
    if name:
        return str(name)
    return f"{CHANNEL_NAMES.get(h.channel, h.channel)}访客 ·{h.sender[-4:]}"


def summary(
    h: Handoff,
    *,
    names: dict[str, str],
    skill_names: dict[str, str],
    position: tuple[int, int] | None = None,
    flag: str | None = None,
    last: Message | None = None,
    words: str = "",
) -> dict[str, Any]:
    """A handoff as the queue and conversation lists show it.

    Args:
        h: the handoff.
        names: staff username -> display name.
        skill_names: skill id -> Chinese name.
        position: (position in its queue, estimated minutes) while it waits.
        flag: the emotion trough's label, when the customer is in one.
        last: the conversation's latest message.
        words: what the customer wrote, for the console's search.
    """
    profile = (h.context or {}).get("profile") or {}
    return {
        "id": h.id,
        "conversation_id": h.conversation_id,
        "customer_id": h.customer_id,
        "channel": h.channel,
        "sender": h.sender,
        "customer": customer_label(h),
        "tags": list(profile.get("tags") or []),
        # what the console's search matches besides the name (the phone only masked)
        "member_id": profile.get("member_id"),
        "phone_masked": profile.get("phone_masked"),
        "words": words,
        "status": h.status,
        "queue": h.queue,
        "queue_name": skill_names.get(h.queue, "综合"),
        "skills": list(h.skills or []),
        "skill_names": [skill_names.get(s, s) for s in h.skills or []],
        "priority": h.priority,
        "tier": h.tier,
        "source": h.source,
        "reason": h.reason,
        "summary": h.summary,
        "agent": h.agent,
        "agent_name": names.get(h.agent or "", h.agent),
        "ticket_id": h.ticket_id,
        "requested_at": iso(h.requested_at),
        "requested_ms": epoch_ms(h.requested_at),
        "offered_at": iso(h.offered_at),
        "accepted_at": iso(h.accepted_at),
        "ended_at": iso(h.ended_at),
        "position": position[0] if position else None,
        "eta_minutes": position[1] if position else None,
        "flag": flag,
        "last_message": (
            {"role": last.role, "text": last.text, "at": iso(last.created_at)} if last else None
        ),
    }
