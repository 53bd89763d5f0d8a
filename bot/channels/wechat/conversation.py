"""What the bot answers to each kind of WeChat message or event.

Text (and voice with WeChat's recognition, and menu clicks) goes through the gateway like any
channel. A bare number picks one of the numbered choices the user was last shown. Follows,
unfollows and media are stored here, with a polite reply where one is due.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from bot.channels.choices import chosen_button
from bot.channels.wechat.menu import Menu
from bot.channels.wechat.protocol import Incoming
from bot.dialogue.answering import category_buttons
from bot.gateway.types import Button, Inbound, Outbound
from bot.services import Services
from bot.storage import repository as repo
from bot.storage.models import Conversation, Message
from bot.storage.payload import Payload

CHANNEL = "wechat"
FetchPicture = Callable[[Incoming], Awaitable[dict[str, Any] | None]]
MEDIA_TEXTS = {
    "image": "wechat_image_received",
    "video": "wechat_video_received",
    "shortvideo": "wechat_video_received",
    "voice": "wechat_voice_unrecognized",
    "location": "wechat_location_received",
    "link": "wechat_link_received",
}
TEXT_KEYS = (
    *set(MEDIA_TEXTS.values()),
    "wechat_unsupported",
    "wechat_welcome",
    "wechat_menu_unknown",
    "wechat_choices_hint",
    "wechat_truncated",
    "ticket_outside_window",
    "ticket_undelivered",
)
# The parts of a callback kept with the stored message (media ids, location, link).
KEPT_FIELDS = (
    "MsgType", "MsgId", "Event", "EventKey", "MediaId", "PicUrl", "Format", "Recognition",
    "ThumbMediaId", "Location_X", "Location_Y", "Scale", "Label", "Title", "Description", "Url",
)  # fmt: skip


@dataclass
class Answer:
    """The bot's replies to one callback and where the user's message was stored."""

    replies: list[Outbound]
    conversation_id: int | None = None
    message_id: int | None = None


class Responder:
    """Turns one parsed callback into the bot's answer, storing both."""

    def __init__(
        self, services: Services, menu: Menu | None, fetch_picture: FetchPicture | None = None
    ) -> None:
        self.svc = services
        self.menu = menu
        # keeps the picture of an image message (bot.channels.wechat.media); None = refuse
        self.fetch_picture = fetch_picture
        for key in TEXT_KEYS:  # fail at start-up, not at a user's first photo
            services.texts.get(key)

    async def answer(self, incoming: Incoming) -> Answer:
        """Store the message, get the answer, store the answer (once per dedupe key)."""
        kind, f = incoming.kind, incoming.fields
        if kind == "text" or (kind == "voice" and str(f.get("Recognition") or "").strip()):
            text = str(f.get("Content") if kind == "text" else f.get("Recognition") or "")
            return await self._text(incoming, text)
        if kind == "event:click":
            topic = self.menu.topic(str(f.get("EventKey"))) if self.menu else None
            if topic:
                return await self._gateway(incoming, topic)
            return await self._local(incoming, None, "wechat_menu_unknown", self.topics())
        if kind in ("event:subscribe", "event:subscribe_scan"):
            return await self._local(incoming, None, "wechat_welcome", self.topics())
        if kind == "event:unsubscribe":
            return await self._local(incoming, None, None)
        if kind.startswith("event:"):
            return Answer([])  # menu links, location reports, scans: kept in wechat_inbound only
        if kind == "image" and self.fetch_picture is not None:
            attachment = await self.fetch_picture(incoming)
            if attachment is not None:  # kept: to the engineer, or the bot's offer of one
                return await self._gateway(incoming, "", attachment=attachment)
        return await self._local(incoming, None, MEDIA_TEXTS.get(kind, "wechat_unsupported"))

    def topics(self) -> list[Button]:
        """The main topics: the menu's, or else the biggest knowledge categories."""
        if self.menu and self.menu.topic_buttons():
            return self.menu.topic_buttons()
        return [Button(title=b["title"], payload=b["payload"]) for b in self._categories()]

    def _categories(self) -> list[dict[str, str]]:
        return category_buttons(self.svc.knowledge)

    async def _text(self, incoming: Incoming, text: str) -> Answer:
        if not text.strip():
            return await self._local(incoming, text, "empty_message")
        limit = self.svc.settings.max_message_chars
        if len(text) > limit:
            return await self._local(incoming, text, "message_too_long", limit=limit)
        buttons = await asyncio.to_thread(self._last_buttons, incoming.openid)
        picked = chosen_button(text, buttons)
        if picked is None:
            return await self._gateway(incoming, text)
        n, button = picked
        return await self._gateway(incoming, text, payload=button["payload"], choice=n)

    async def _gateway(
        self,
        incoming: Incoming,
        text: str,
        payload: str | None = None,
        attachment: dict[str, Any] | None = None,
        **extra: Any,
    ) -> Answer:
        inbound = Inbound(
            channel=CHANNEL,
            sender=incoming.openid,
            text=text,
            payload=payload,
            metadata={"wechat": {**_kept(incoming), **extra}},
            client_id=incoming.key,
            attachment=attachment,
        )
        turn = await self.svc.gateway.handle(inbound)
        return Answer(turn.replies, turn.conversation_id, turn.inbound_id)

    async def _local(
        self,
        incoming: Incoming,
        text: str | None,
        reply_key: str | None,
        buttons: list[Button] | None = None,
        **values: object,
    ) -> Answer:
        replies = []
        if reply_key is not None:
            reply_text = self.svc.texts.get(reply_key, **values)
            replies = [Outbound(role="bot", text=reply_text, buttons=list(buttons or []))]
        async with self.svc.gateway.locks.get(f"{CHANNEL}:{incoming.openid}"):
            return await asyncio.to_thread(self._store, incoming, text, replies)

    def _store(self, incoming: Incoming, text: str | None, replies: list[Outbound]) -> Answer:
        with self.svc.db.session() as s:
            conv = repo.open_conversation(s, CHANNEL, incoming.openid)
            prior = repo.find_message_by_client_id(s, conv.id, incoming.key)
            if prior is not None:  # a replay: the stored answer stands
                stored = repo.replies_to(s, conv.id, prior.id)
                again = [Outbound.stored(m) for m in stored]
                return Answer(again, conv.id, prior.id)
            msg = repo.add_message(
                s,
                conv,
                direction="in",
                role="user",
                text=text,
                payload={"metadata": {"wechat": _kept(incoming)}},
                client_id=incoming.key,
                status="answered",
            )
            for r in replies:
                repo.add_message(
                    s,
                    conv,
                    direction="out",
                    role=r.role,
                    text=r.text,
                    payload=r.payload(msg.id),
                )
            return Answer(replies, conv.id, msg.id)

    def _last_buttons(self, openid: str) -> list[Button]:
        """The numbered choices of the bot's last turn to this user."""
        with self.svc.db.session() as s:
            last = s.scalar(
                select(Message)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(
                    Conversation.channel == CHANNEL,
                    Conversation.sender == openid,
                    Conversation.status != "closed",
                    Message.direction == "out",
                )
                .order_by(Message.id.desc())
                .limit(1)
            )
            if last is None:
                return []
            reply_to = Payload.of(last).reply_to
            turn = repo.replies_to(s, last.conversation_id, reply_to) if reply_to else [last]
            return [b for m in turn for b in Outbound.stored(m).buttons]


def _kept(incoming: Incoming) -> dict[str, Any]:
    return {k: incoming.fields[k] for k in KEPT_FIELDS if incoming.fields.get(k) is not None}
