"""The WeChat channel: every user message answered exactly once, fast or late.

WeChat waits about 5 s for a callback's response and retries up to three times. A callback
starts the answer as a task and waits up to `passive_timeout_s` for it: a ready answer is the
passive reply; otherwise the response is `success` and the task delivers the answer through
the customer-service API when it is ready. `Inbox` rows settle races between the two ways, and
between processes; a sweeper finishes the messages of a process that died.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from bot.channels.wechat.api import WechatApi
from bot.channels.wechat.conversation import Answer, Responder
from bot.channels.wechat.inbox import Claim, Inbox
from bot.channels.wechat.media import WechatMedia
from bot.channels.wechat.menu import Menu, load_menu
from bot.channels.wechat.protocol import Incoming, Protocol, Query
from bot.channels.wechat.sender import CustomerService
from bot.channels.wechat.tokens import AccessTokens, DbTokenStore, RedisTokenStore, TokenStore
from bot.gateway.types import Outbound
from bot.services import Services

log = logging.getLogger(__name__)


@dataclass
class Pending:
    """An answer being computed in this process, and how it will go out."""

    incoming: Incoming
    done: asyncio.Future[Answer]
    mode: str = "passive"  # "async" once it must go through the customer-service API


class WechatChannel:
    """One Official Account's callbacks, answers and deliveries in this process."""

    def __init__(self, services: Services, menu: Menu | None = None) -> None:
        settings = services.settings
        self.settings = settings.wechat
        self.svc = services
        self.owner = uuid.uuid4().hex
        self.protocol = Protocol(self.settings)
        app_id = self.settings.app_id or "default"
        self.api = WechatApi(
            self.settings.api_base,
            app_id,
            self.settings.app_secret or "",
            self.settings.api_timeout_s,
        )
        self.store: TokenStore = (
            RedisTokenStore(settings.redis.url) if settings.redis.url else DbTokenStore(services.db)
        )
        self.tokens = AccessTokens(self.api, self.store, self.settings.token_margin_s, self.owner)
        self.sender = CustomerService(
            self.api, self.tokens, services.db, services.texts, self.settings
        )
        self.media = WechatMedia(self.api, self.tokens, services.media, settings.base_url)
        self.responder = Responder(services, menu, self.media.fetch)
        # A row's owner keeps it while an answer may still be computed and sent.
        lease_s = 60.0 + settings.rasa.timeout_s
        self.inbox = Inbox(services.db, app_id, self.owner, lease_s)
        self.pending: dict[str, Pending] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._sweeper: asyncio.Task[None] | None = None
        self.leader = services.leader

    @classmethod
    def create(cls, services: Services) -> WechatChannel:
        """The channel with the menu file of the settings (if there is one)."""
        path = services.settings.wechat.menu_file or (
            services.settings.knowledge_dir / "wechat_menu.yml"
        )
        return cls(services, load_menu(path) if path.exists() else None)

    async def start(self) -> None:
        """Start looking for messages a dead process left unanswered."""
        self._sweeper = asyncio.create_task(self._sweep_forever())

    async def stop(self) -> None:
        """Let answers and deliveries under way finish briefly, then stop."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        tasks = list(self._background)
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=5)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        await self.api.aclose()
        if isinstance(self.store, RedisTokenStore):
            self.store.close()

    async def handle(self, query: Query, body: bytes) -> str:
        """A callback's response body: a passive reply, or `success` (raises ProtocolError)."""
        incoming = self.protocol.parse(query, body)
        text = await self.respond(incoming)
        return self.protocol.reply(incoming, text) if text else "success"

    async def respond(self, incoming: Incoming) -> str | None:
        """The passive reply text, or None when nothing (more) goes into this response."""
        claim = await asyncio.to_thread(self.inbox.claim, incoming)
        if claim.outcome == "replay":  # WeChat missed our passive reply: send it again
            return await self._replay(claim)
        if claim.outcome in ("new", "taken"):
            entry = self._start(incoming)
        elif claim.outcome == "mine" and incoming.key in self.pending:
            entry = self.pending[incoming.key]
        else:
            return None
        if entry.mode == "async":
            return None
        return await self._wait_passive(entry)

    async def _replay(self, claim: Claim) -> str | None:
        replies = await asyncio.to_thread(self.inbox.stored_replies, claim)
        parts = self.sender.render(replies)
        return parts[0] if len(parts) == 1 else None

    def _start(self, incoming: Incoming, mode: str = "passive") -> Pending:
        entry = Pending(incoming, asyncio.get_running_loop().create_future(), mode)
        self.pending[incoming.key] = entry
        self._spawn(self._run(entry))
        return entry

    async def _run(self, entry: Pending) -> None:
        key = entry.incoming.key
        try:
            answer = await self.responder.answer(entry.incoming)
            await asyncio.to_thread(self.inbox.link, key, answer.conversation_id, answer.message_id)
        except Exception:
            log.exception("wechat message %s could not be answered", key)
            answer = Answer([Outbound(role="system", text=self.svc.texts.get("internal_error"))])
        if not self.sender.render(answer.replies):  # nothing to say (e.g. an unfollow)
            await asyncio.to_thread(self.inbox.finish, key, "done")
            self.pending.pop(key, None)
            entry.done.set_result(answer)
            return
        entry.done.set_result(answer)
        if entry.mode == "async":
            await self._deliver(entry, answer)

    async def _wait_passive(self, entry: Pending) -> str | None:
        try:
            answer = await asyncio.wait_for(
                asyncio.shield(entry.done), self.settings.passive_timeout_s
            )
        except TimeoutError:
            if not entry.done.done():
                self._go_async(entry)
                return None
            answer = entry.done.result()
        except asyncio.CancelledError:
            self._go_async(entry)
            raise
        parts = self.sender.render(answer.replies)
        if entry.mode == "async" or not parts:
            return None
        if len(parts) == 1 and await asyncio.to_thread(
            self.inbox.settle_passive, entry.incoming.key
        ):
            self.pending.pop(entry.incoming.key, None)
            self._spawn(self._pictures(entry.incoming.openid, answer))  # after the words
            return parts[0]
        # Too long for one message, or a retry elsewhere asked for the API way.
        self._go_async(entry)
        return None

    def _go_async(self, entry: Pending) -> None:
        """From now on the answer goes through the API (now, or when it is ready)."""
        if entry.mode == "async":
            return
        entry.mode = "async"
        if entry.done.done():
            self._spawn(self._deliver(entry, entry.done.result()))

    async def _deliver(self, entry: Pending, answer: Answer) -> None:
        key = entry.incoming.key
        try:
            if not await asyncio.to_thread(self.inbox.go_async, key):
                return  # answered passively after all, or another process took it over
            result = await self.sender.deliver(
                entry.incoming.openid, answer.replies, conversation_id=answer.conversation_id
            )
            state = "sent" if result.ok else ("ticket" if result.ticket_id else "failed")
            await asyncio.to_thread(self.inbox.finish, key, state, result.sent)
            if result.ok:
                await self._pictures(entry.incoming.openid, answer)
        except Exception:
            log.exception("wechat delivery of %s failed", key)
            await asyncio.to_thread(self.inbox.finish, key, "failed")
        finally:
            self.pending.pop(key, None)

    async def _pictures(self, openid: str, answer: Answer) -> None:
        """The pictures of the bot's answer, as image messages (the words went first)."""
        for url in [r.image for r in answer.replies if r.image]:
            try:
                await self.media.send_url(openid, url)
            except Exception:  # noqa: BLE001 - the words are delivered; the picture is extra
                log.exception("picture %s to %s not sent", url, openid)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                if self.leader is None or await asyncio.to_thread(self.leader.held, "wechat:sweep"):
                    await self.sweep()  # once across replicas (bot.coordination.lease)
            except Exception:
                log.exception("wechat sweep failed")
            await asyncio.sleep(self.settings.sweep_interval_s)

    async def sweep(self) -> int:
        """Answer, through the API, messages whose process died before answering them."""
        taken = 0
        for row in await asyncio.to_thread(self.inbox.orphans):
            key = str(row["key"])
            if key in self.pending or not await asyncio.to_thread(self.inbox.take_over, key):
                continue
            fields = dict(row["fields"])  # type: ignore[call-overload]
            incoming = self.protocol.from_fields(fields, key)
            log.info("wechat message %s left unanswered by another process: answering", key)
            self._start(incoming, mode="async")
            taken += 1
        return taken

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
