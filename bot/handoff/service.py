"""The handoff service: the gateway's hooks, engineers' actions, and live delivery.

Database work runs in threads, one transaction per step; each step returns `Effects`, which
are applied after commit: consoles get handoff summaries and messages over the bus, customers
get frames on their chat page (web) or texts through their channel's outlet (WeChat).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.config import Settings
from bot.coordination.lease import Leader
from bot.coordination.locks import TurnLocks
from bot.gateway.types import Button, Outbound
from bot.handoff import customer, store
from bot.handoff.agents import heartbeat, offline, seed_demo_agents
from bot.handoff.bus import Bus
from bot.handoff.context import ContextBuilder
from bot.handoff.desk import Desk
from bot.handoff.effects import Effects, Tell
from bot.handoff.errors import HandoffError
from bot.handoff.hours import ServiceHours
from bot.handoff.hub import Connection, Hub
from bot.handoff.notices import check_texts
from bot.handoff.offers import positions, route_waiting
from bot.handoff.opening import HandoffRequest, open_handoff
from bot.handoff.summaries import Reader
from bot.handoff.tickets import ticket_view
from bot.storage.db import Database
from bot.storage.models import Handoff, Ticket
from bot.texts import Texts

log = logging.getLogger(__name__)
Outlet = Callable[[str, str, Sequence[Button], int], Awaitable[None]]
# (sender, attachment view of bot.media, conversation id): a picture to a non-web channel
MediaOutlet = Callable[[str, dict[str, Any], int], Awaitable[None]]


class HandoffService:
    """Queues, routing, the engineers' consoles and the customers' live connections.

    Args:
        db: the app database.
        texts: customer texts (`knowledge/messages.yml`).
        settings: app settings (`handoff` group, Redis URL, knowledge directory).
        knowledge: the live `KnowledgeService` (suggestions, knowledge search).
        locks: the gateway's per-customer locks (actions and messages stay in order).
        profiles: a `ProfileService` to share; one of our own when None.
        emotion: a warmed `EmotionScorer` to share; one of our own when None.
        clock: epoch seconds (tests pass their own).
        leader: the leases of the periodic jobs (dispatch runs on the replica holding
            `handoff:dispatch`); None = this process runs it.
    """

    def __init__(
        self,
        db: Database,
        texts: Texts,
        settings: Settings,
        knowledge: Any,
        locks: TurnLocks,
        *,
        profiles: Any = None,
        emotion: Any = None,
        clock: Callable[[], float] = time.time,
        leader: Leader | None = None,
    ) -> None:
        self.db = db
        self.texts = texts
        self.settings = settings
        self.conf = settings.handoff
        self.hours = ServiceHours(self.conf)
        self.locks = locks
        self.clock = clock
        self.leader = leader
        self.context = ContextBuilder(db, settings, knowledge, profiles, emotion)
        self.bus = Bus(settings.redis.url)
        self.customers = Hub()  # web chat pages connected here, key "web:<sender>"
        self.consoles = Hub()  # consoles connected here, key = username
        self.outlets: dict[str, Outlet] = {}  # channel -> delivery of texts (e.g. WeChat)
        self.media_outlets: dict[str, MediaOutlet] = {}  # channel -> delivery of pictures
        self.skill_names = _skill_names(settings)
        self._dispatching = asyncio.Lock()
        self._ticker: asyncio.Task[None] | None = None
        self._pushed: dict[int, tuple[int, int, str]] = {}  # handoff -> last position frame
        self._overview: dict[str, Any] | None = None  # the last overview sent to consoles

    def warm_up(self) -> None:
        """Check texts, seed the demo engineers, load the emotion model (blocking)."""
        check_texts(self.texts)
        seed_demo_agents(self.db, self.settings)
        self.context.warm_up()

    async def start(self, *, ticker: bool = True) -> None:
        """Start the bus and (unless `ticker` is False) the ticker that renews presence,
        routes waiting conversations and tells waiting customers their place."""
        self.bus.subscribe("customer", self._to_customer)
        self.bus.subscribe("console", self._to_consoles)
        await self.bus.start()
        if ticker:
            self._ticker = asyncio.create_task(self._tick_forever())

    async def stop(self) -> None:
        """Stop the ticker and the bus."""
        if self._ticker is not None:
            self._ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._ticker
        await self.bus.stop()

    # -- the gateway's hooks (called under the customer's lock) --------------------------

    async def on_customer_message(
        self, conversation_id: int, message_id: int
    ) -> list[Outbound] | None:
        """Replies to a stored message when engineers own the conversation; None = ask the bot."""

        def run() -> customer.Held | None:
            with self.db.session() as s:
                return customer.on_message(
                    s,
                    conversation_id,
                    message_id,
                    conf=self.conf,
                    hours=self.hours,
                    texts=self.texts,
                    now=self.clock(),
                )

        try:
            held = await asyncio.to_thread(run)
        except Exception:  # noqa: BLE001 - better the bot answers than nobody does
            log.exception("handoff check of message %s failed: the bot answers", message_id)
            return None
        if held is None:
            return None
        await self._apply_quietly(held.effects)
        return held.replies

    async def open(self, req: HandoffRequest) -> list[Outbound]:
        """Open the handoff the bot decided on; returns the notice for the customer's turn."""

        def run() -> tuple[Any, Effects]:
            profile = self._profile_for(req.conversation_id)
            with self.db.session() as s:
                opening = open_handoff(
                    s,
                    req,
                    profile,
                    conf=self.conf,
                    hours=self.hours,
                    texts=self.texts,
                    skill_names=self.skill_names,
                    now=self.clock(),
                )
                return opening.replies, opening.effects

        try:
            replies, effects = await asyncio.to_thread(run)
        except Exception:  # noqa: BLE001 - the customer still has the bot's acknowledgement
            log.exception("handoff of conversation %s could not be opened", req.conversation_id)
            return []
        await self._apply_quietly(effects)
        return list(replies)

    # -- engineers -----------------------------------------------------------------------

    async def act(self, user: str, role: str, handoff_id: int, action: str, **kw: Any) -> None:
        """Run a `Desk` action (accept, send, note, transfer, return_to_bot, close) in order
        with the customer's messages."""
        key = await asyncio.to_thread(self._key_of, handoff_id)
        async with self.locks.get(key):

            def run() -> Effects:
                with self.db.session() as s:
                    overflow_s = self.settings.handoff.overflow_after_s
                    desk = Desk(s, self.texts, user, role, self.clock(), overflow_s)
                    return getattr(desk, action)(handoff_id, **kw)  # type: ignore[no-any-return]

            effects = await asyncio.to_thread(run)
        await self.apply(effects)

    async def dispatch(self) -> None:
        """Offer waiting conversations to engineers with room (and take back stale offers)."""
        async with self._dispatching:

            def run() -> list[int]:
                with self.db.session() as s:
                    return [h.id for h in route_waiting(s, self.conf, self.clock())]

            changed = await asyncio.to_thread(run)
        if changed:
            await self.apply(Effects(handoffs=changed))

    def reader(self, session: Any) -> Reader:
        """Read models over an open session."""
        return Reader(session, self.conf, self.context, self.skill_names, self.clock())

    # -- delivery ------------------------------------------------------------------------

    async def apply(self, effects: Effects) -> None:
        """Send what a committed step produced; route again if capacity changed."""
        frames = list(effects.console)
        for ticket_id in effects.pack_tickets:
            view = await asyncio.to_thread(self._pack_ticket, ticket_id)
            frames += [{"type": "ticket", "ticket": view}] if view else []
        if effects.handoffs:
            frames += await asyncio.to_thread(self._handoff_frames, effects.handoffs)
        for frame in frames:
            await self.bus.publish("console", frame)
        for tell in effects.tells:
            await self.tell(tell)
        if effects.dispatch:
            await self.dispatch()

    async def _apply_quietly(self, effects: Effects) -> None:
        """`apply` for the gateway's hooks: a failed push never costs the customer a reply
        (what was stored is on the console at its next snapshot)."""
        try:
            await self.apply(effects)
        except Exception:  # noqa: BLE001
            log.exception("handoff frames could not be sent")

    async def tell(self, tell: Tell) -> None:
        """Deliver one stored message or notice to a customer on their channel."""
        if tell.channel == "web":
            await self.bus.publish("customer", {"key": f"web:{tell.sender}", "frame": tell.frame})
            return
        outlet = self.outlets.get(tell.channel)
        if outlet is not None and tell.text:
            try:
                await outlet(tell.sender, tell.text, tell.buttons, tell.conversation_id)
            except Exception:  # noqa: BLE001 - stored; the channel makes a ticket if it must
                log.exception("delivery to %s:%s failed", tell.channel, tell.sender)
        media_outlet = self.media_outlets.get(tell.channel)
        if media_outlet is not None and tell.attachment:
            try:
                await media_outlet(tell.sender, tell.attachment, tell.conversation_id)
            except Exception:  # noqa: BLE001 - stored; the engineer sees it in the transcript
                log.exception("picture to %s:%s failed", tell.channel, tell.sender)

    def connect_console(self, username: str, role: str, send: Any) -> int:
        """Register an open console socket."""
        return self.consoles.add(Connection(username, send, role))

    async def disconnect_console(self, username: str, cid: int) -> None:
        """Unregister a console; the engineer goes offline with their last one here."""
        if self.consoles.remove(username, cid):
            await asyncio.to_thread(offline, self.db, username)
            await self.dispatch()  # offers to them go back to the queue

    async def presence(self, username: str) -> None:
        """Renew an engineer's presence (console connected or heartbeat)."""
        until = self.clock() + self.conf.presence_ttl_s
        await asyncio.to_thread(heartbeat, self.db, username, until, self.conf.default_capacity)

    # -- internals -----------------------------------------------------------------------

    async def _to_customer(self, data: dict[str, Any]) -> None:
        await self.customers.send(str(data["key"]), dict(data["frame"]))

    async def _to_consoles(self, data: dict[str, Any]) -> None:
        await self.consoles.broadcast(data)

    async def customer_of(self, handoff_id: int) -> tuple[str, str]:
        """The channel and sender of a handoff's customer (HandoffError 404: no such)."""
        channel, sender = (await asyncio.to_thread(self._key_of, handoff_id)).split(":", 1)
        return channel, sender

    def _key_of(self, handoff_id: int) -> str:
        with self.db.session() as s:
            h = s.get(Handoff, handoff_id)
            if h is None:
                raise HandoffError(404, "no_handoff", f"没有会话 {handoff_id}")
            return f"{h.channel}:{h.sender}"

    def _profile_for(self, conversation_id: int) -> dict[str, Any]:
        from bot.storage.models import Conversation

        with self.db.session() as s:
            conv = s.get(Conversation, conversation_id)
            channel, sender = (conv.channel, conv.sender) if conv else ("", "")
        return self.context.profile(channel, sender) if conv else {}

    def _handoff_frames(self, ids: list[int]) -> list[dict[str, Any]]:
        with self.db.session() as s:
            reader = self.reader(s)
            rows = [h for h in (s.get(Handoff, i) for i in dict.fromkeys(ids)) if h]
            return [{"type": "handoff", "handoff": item} for item in reader.summaries(rows)]

    def _pack_ticket(self, ticket_id: int) -> dict[str, Any] | None:
        """Add the full context package to a new ticket; returns the ticket's view."""
        with self.db.session() as s:
            t = s.get(Ticket, ticket_id)
            h = s.get(Handoff, (t.context or {}).get("handoff_id")) if t else None
        if t is None or h is None:
            return None
        package = self.context.package(h)
        with self.db.session() as s:
            row = s.get(Ticket, ticket_id)
            if row is None:
                return None
            row.context = {**(row.context or {}), "package": package}
            return ticket_view(row)

    async def _tick_forever(self) -> None:
        while True:
            try:
                await self._tick()
            except Exception:  # noqa: BLE001 - the ticker must survive a bad tick
                log.exception("handoff tick failed")
            await asyncio.sleep(self.conf.tick_s)

    async def _tick(self) -> None:
        for username in self.consoles.open_keys():
            await self.presence(username)
        if self.leader is None or await asyncio.to_thread(self.leader.held, "handoff:dispatch"):
            await self.dispatch()  # once across replicas: offers, expired offers, overflow
        await self.push_positions()
        await self.push_overview()

    async def push_overview(self) -> None:
        """Send the consoles connected here the overview (queues, waiting times, engineers,
        flagged conversations) when it changed since the last tick."""
        if not self.consoles.open_keys():
            return

        def run() -> dict[str, Any]:
            with self.db.session() as s:
                return self.reader(s).overview()

        view = await asyncio.to_thread(run)
        if view != self._overview:
            self._overview = view
            await self.consoles.broadcast({"type": "overview", "overview": view})

    async def push_positions(self) -> None:
        """Tell waiting web customers connected here their place and estimated wait."""
        local = set(self.customers.open_keys())
        if not local:
            return

        def run() -> list[tuple[Handoff, tuple[int, int], str]]:
            with self.db.session() as s:
                waiting = [h for h in store.waiting(s) if f"{h.channel}:{h.sender}" in local]
                places = positions(s, self.conf, self.clock())
                names = store.display_names(s)
                return [
                    (h, places.get(h.id, (1, 1)), names.get(h.agent or "", "")) for h in waiting
                ]

        for h, (place, eta), agent in await asyncio.to_thread(run):
            if self._pushed.get(h.id) == (place, eta, h.status):
                continue
            self._pushed[h.id] = (place, eta, h.status)
            if h.status == "offered":
                text = self.texts.get("handoff_position_offered", agent=agent)
            else:
                text = self.texts.get("handoff_position", position=place, eta=eta)
            frame = {"type": "queue", "status": h.status, "position": place, "eta": eta}
            await self.customers.send(f"{h.channel}:{h.sender}", {**frame, "text": text})


def _skill_names(settings: Settings) -> dict[str, str]:
    try:
        from bot.tiering.loader import load_skills

        return load_skills(settings.knowledge_dir)
    except (ImportError, OSError):
        return {}
