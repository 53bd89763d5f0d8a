"""Messages to a WeChat user through the customer-service API, outside a callback.

Used for answers that missed the callback's time window, and by anything else that needs to
write to a WeChat user later (e.g. an engineer's reply from the agent console): texts become
numbered choices and fit WeChat's size limits, the token is refreshed when rejected, transient
errors are retried with backoff, and an answer that cannot be delivered (45015: the user has
not written within 48 hours) becomes a ticket for a person instead of an error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.channels.choices import render_turn, split_text
from bot.channels.wechat.api import OUTSIDE_WINDOW, WechatApi, WechatApiError
from bot.channels.wechat.tokens import AccessTokens
from bot.config import WechatSettings
from bot.gateway.types import Button, Outbound
from bot.handoff.tickets import open_ticket
from bot.storage.db import Database
from bot.texts import Texts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    """The outcome of one delivery: how many messages went out, or the ticket instead."""

    sent: int
    parts: int
    error: WechatApiError | None = None
    ticket_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class CustomerService:
    """Delivers texts to WeChat users through `/cgi-bin/message/custom/send`."""

    def __init__(
        self,
        api: WechatApi,
        tokens: AccessTokens,
        db: Database,
        texts: Texts,
        settings: WechatSettings,
    ) -> None:
        self.api = api
        self.tokens = tokens
        self.db = db
        self.texts = texts
        self.settings = settings

    def render(self, replies: Sequence[Outbound]) -> list[str]:
        """The WeChat messages for one turn: numbered choices, split to the size limit."""
        text = render_turn(replies, self.texts.get("wechat_choices_hint"))
        return split_text(
            text,
            self.settings.max_text_bytes,
            self.settings.max_parts,
            self.texts.get("wechat_truncated"),
        )

    async def send_text(
        self,
        openid: str,
        text: str,
        buttons: Sequence[Button] = (),
        *,
        conversation_id: int | None = None,
        role: str = "agent",
    ) -> Delivery:
        """Send one text (and numbered choices) to a user, e.g. an engineer's message."""
        reply = Outbound(role=role, text=text, buttons=list(buttons))
        return await self.deliver(openid, [reply], conversation_id=conversation_id)

    async def deliver(
        self, openid: str, replies: Sequence[Outbound], *, conversation_id: int | None = None
    ) -> Delivery:
        """Send a turn's replies in order; what cannot be sent becomes a ticket."""
        parts = self.render(replies)
        for i, part in enumerate(parts):
            try:
                await self._send_one(openid, part)
            except WechatApiError as exc:
                ticket_id = await asyncio.to_thread(
                    self._ticket, openid, conversation_id, parts[i:], exc
                )
                log.error(
                    "wechat delivery to %s failed after %d of %d parts (%s); ticket %s",
                    openid,
                    i,
                    len(parts),
                    exc,
                    ticket_id,
                )
                return Delivery(i, len(parts), exc, ticket_id)
        return Delivery(len(parts), len(parts))

    async def _send_one(self, openid: str, content: str) -> None:
        delay = self.settings.api_backoff_s
        attempts = self.settings.api_attempts
        for attempt in range(1, attempts + 1):
            token = ""
            try:
                token = await self.tokens.get()
                await self.api.send_text(token, openid, content)
                return
            except WechatApiError as exc:
                if exc.bad_token and token:
                    await self.tokens.invalidate(token)
                if exc.permanent or attempt == attempts:
                    raise
                log.warning("wechat send to %s, try %d of %d: %s", openid, attempt, attempts, exc)
                if not exc.bad_token:
                    await asyncio.sleep(delay)
                    delay *= 2

    def _ticket(
        self, openid: str, conversation_id: int | None, undelivered: list[str], exc: WechatApiError
    ) -> int:
        key = "ticket_outside_window" if exc.errcode == OUTSIDE_WINDOW else "ticket_undelivered"
        with self.db.session() as s:
            ticket = open_ticket(
                s,
                channel="wechat",
                sender=openid,
                kind="undelivered_reply",
                summary=self.texts.get(key),
                conversation_id=conversation_id,
                context={
                    "errcode": exc.errcode,
                    "errmsg": exc.errmsg,
                    "undelivered": undelivered,
                },
            )
            return ticket.id
