"""The gateway: every channel's messages pass here, are stored, routed and answered."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, NamedTuple, Protocol

from bot.coordination.locks import LocalLocks, TurnLocks
from bot.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.gateway.types import Draining, Inbound, Outbound, Turn, merge_custom_only
from bot.handoff.opening import HandoffRequest, request_from_reply
from bot.media.replies import picture_reply
from bot.metrics import RASA_UP, TURN_SECONDS, TURNS_IN_FLIGHT, action_failed
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, Message
from bot.storage.payload import BotReport
from bot.texts import Texts

log = logging.getLogger(__name__)

OnStored = Callable[[int], Awaitable[None]]


class HandoffHooks(Protocol):
    """What the gateway needs of the handoff service (`bot.handoff.HandoffService`)."""

    async def on_customer_message(
        self, conversation_id: int, message_id: int
    ) -> list[Outbound] | None: ...

    async def open(self, request: HandoffRequest) -> list[Outbound]: ...


Enrich = Callable[[Inbound], Mapping[str, Any]]  # message -> extra Rasa metadata
# What of the enrichment is stored with the customer's message (read back by the tier
# decisions of later turns, the engineer's context package and the analytics).
STORED_FINDINGS = ("emotion", "entities")


class StoredInbound(NamedTuple):
    """What storing an inbound message found."""

    conversation_id: int
    customer_id: int
    message_id: int
    replay: list[Outbound] | None  # the stored answer of an earlier copy: send it again
    resumed: bool = False  # sent before by a turn that did not finish
    place: int = 0  # the message's place among the conversation's customer messages (1 = first)


class Gateway:
    """Stores every message in and out, and asks Rasa (or later an engineer) for the answer."""

    def __init__(
        self,
        db: Database,
        rasa: RasaClient,
        texts: Texts,
        enrich: Enrich | None = None,
        locks: TurnLocks | None = None,
        session_turns: int = 0,
    ) -> None:
        self.db = db
        self.rasa = rasa
        self.texts = texts
        # One turn per customer at a time (across replicas with Redis: bot.coordination).
        self.locks: TurnLocks = locks or LocalLocks()
        # Who is asking and how they sound: tags for the answer variants, emotion and entities
        # kept with the stored message (bot.dialogue.enrich); None = plain messages.
        self.enrich = enrich
        # Engineers (bot.handoff): set by the app once built; None = the bot answers everything.
        self.handoff: HandoffHooks | None = None
        # Rasa sends its whole session to every action call: a new session (slots carried
        # over) every this many customer messages keeps that bounded; 0 = never.
        self.session_turns = session_turns
        # Stopping (bot.api.drain): new messages are refused, turns under way finish.
        self.draining = False
        self.in_flight = 0

    async def handle(self, inbound: Inbound, on_stored: OnStored | None = None) -> Turn:
        """Store the message, get the answer, store the answer, return it.

        A message re-sent with the same client id is not processed twice: its stored
        answer is returned again.
        """
        if self.draining:
            raise Draining("the app is stopping")
        started = time.perf_counter()
        TURNS_IN_FLIGHT.inc()
        self.in_flight += 1
        try:
            return await self._turn(inbound, on_stored)
        finally:
            self.in_flight -= 1
            TURNS_IN_FLIGHT.dec()
            TURN_SECONDS.labels(inbound.channel).observe(time.perf_counter() - started)

    async def resume(self, message_id: int, channel: str, sender: str) -> Turn | None:
        """Answer a stored message that a turn left `received` (its process died).

        Runs under the customer's lock like any turn; None when it was answered meanwhile
        (a re-send of the customer, another replica), so it is never answered twice.
        """
        self.in_flight += 1
        try:
            async with self.locks.get(f"{channel}:{sender}"):
                found = await asyncio.to_thread(self._load_received, message_id)
                if found is None:
                    return None
                return await self._answer(*found)
        finally:
            self.in_flight -= 1

    async def _turn(self, inbound: Inbound, on_stored: OnStored | None) -> Turn:
        async with self.locks.get(f"{inbound.channel}:{inbound.sender}"):
            found = await self._enrich(inbound)
            stored = await asyncio.to_thread(self._store_inbound, inbound, found)
            if on_stored is not None:
                await on_stored(stored.message_id)
            if stored.replay is not None:
                return Turn(
                    stored.conversation_id, stored.message_id, stored.replay, duplicate=True
                )
            return await self._answer(inbound, stored, found)

    async def _enrich(self, inbound: Inbound) -> Mapping[str, Any]:
        """Who is asking and how they sound (nothing when no enricher is set)."""
        if self.enrich is None:
            return {}
        return await asyncio.to_thread(self.enrich, inbound)

    async def _answer(
        self, inbound: Inbound, stored: StoredInbound, found: Mapping[str, Any] | None = None
    ) -> Turn:
        """Ask the engineers' side or Rasa about a stored message; store the replies."""
        conv_id, customer_id, msg_id = stored[:3]
        metadata = {
            "channel": inbound.channel,
            "conversation_id": conv_id,
            "customer_id": customer_id,
            "message_id": msg_id,
            "client": inbound.metadata,
        }
        # A message stored by an earlier turn (recovered, resumed) is enriched again, for Rasa
        # only: its findings were stored with it the first time.
        metadata.update(found if found is not None else await self._enrich(inbound))
        if self.handoff is not None:
            # Queued or with an engineer: the message goes to them, not to Rasa.
            held = await self.handoff.on_customer_message(conv_id, msg_id)
            if held is not None:
                return Turn(conv_id, msg_id, held)
        if inbound.picture_only:  # Rasa reads words: the bot's own reply to a bare picture
            kind = str((inbound.attachment or {}).get("kind") or "image")
            replies = await asyncio.to_thread(self._picture_reply, conv_id, kind)
            await asyncio.to_thread(self._store_replies, conv_id, msg_id, replies, False)
            return Turn(conv_id, msg_id, replies)
        degraded = False
        try:
            # Sent before by a turn that did not finish (its replica died, Rasa timed out):
            # what Rasa made of it then, rather than a second pass through the dialogue.
            raw = await self.rasa.replies_to(inbound.sender, msg_id) if stored.resumed else None
            if raw is None:
                if self._new_session_due(stored.place):
                    await self.rasa.start_session(inbound.sender)
                raw = await self.rasa.send(inbound.sender, inbound.for_rasa, metadata)
            RASA_UP.set(1)
            replies = merge_custom_only([Outbound.from_rasa(m) for m in raw])
            if not replies:
                # Every message gets an answer; Rasa says nothing when an action failed.
                log.error("rasa returned no reply for %s", inbound.sender)
                action_failed("no_reply")
                replies = [Outbound(role="system", text=self.texts.get("internal_error"))]
        except RasaUnavailable as exc:
            RASA_UP.set(0)
            log.warning("rasa unavailable for %s: %s", inbound.sender, exc)
            replies = [Outbound(role="system", text=self.texts.get("rasa_unavailable"))]
            degraded = True
        request = await asyncio.to_thread(self._store_replies, conv_id, msg_id, replies, degraded)
        if request is not None and self.handoff is not None:
            replies = [*replies, *await self.handoff.open(request)]
        return Turn(conv_id, msg_id, replies, degraded=degraded)

    def _new_session_due(self, place: int) -> bool:
        """Whether the customer's message number `place` opens a new Rasa session."""
        return bool(self.session_turns) and place > 1 and (place - 1) % self.session_turns == 0

    def _store_inbound(self, inbound: Inbound, found: Mapping[str, Any]) -> StoredInbound:
        with self.db.session() as s:
            conv = repo.open_conversation(s, inbound.channel, inbound.sender)
            if inbound.client_id:
                prior = repo.find_message_by_client_id(s, conv.id, inbound.client_id)
                if prior is not None:
                    stored = repo.replies_to(s, conv.id, prior.id)
                    # Answered before: replay. Not answered (e.g. Rasa was down): answer now.
                    # With an engineer (`forwarded`): they have it; nothing to replay.
                    if prior.status == "forwarded" or (stored and prior.status == "answered"):
                        replay = [Outbound.stored(m) for m in stored]
                        return StoredInbound(conv.id, conv.customer_id, prior.id, replay)
                    return StoredInbound(conv.id, conv.customer_id, prior.id, None, resumed=True)
            payload: dict[str, Any] = {"metadata": inbound.metadata}
            payload.update({k: found[k] for k in STORED_FINDINGS if k in found})
            if inbound.payload:
                payload["button_payload"] = inbound.payload
            if inbound.attachment:
                payload["attachment"] = inbound.attachment
            msg = repo.add_message(
                s,
                conv,
                direction="in",
                role="user",
                text=inbound.text,
                payload=payload,
                client_id=inbound.client_id,
                status="received",
            )
            place = repo.count_customer_messages(s, conv.id)
            return StoredInbound(conv.id, conv.customer_id, msg.id, None, place=place)

    def _load_received(self, message_id: int) -> tuple[Inbound, StoredInbound] | None:
        """A stored customer message still `received`, as the turn that stored it saw it."""
        with self.db.session() as s:
            msg = s.get(Message, message_id)
            if msg is None or msg.direction != "in" or msg.status != "received":
                return None
            conv = msg.conversation
            payload = msg.payload or {}
            metadata = payload.get("metadata")
            inbound = Inbound(
                channel=conv.channel,
                sender=conv.sender,
                text=msg.text or "",
                payload=payload.get("button_payload"),
                metadata=dict(metadata) if isinstance(metadata, dict) else {},
                client_id=msg.client_id,
                attachment=payload.get("attachment"),
            )
            return inbound, StoredInbound(conv.id, conv.customer_id, msg.id, None, resumed=True)

    def _picture_reply(self, conv_id: int, kind: str) -> list[Outbound]:
        with self.db.session() as s:
            return picture_reply(s, conv_id, self.texts, kind)

    def _store_replies(
        self, conv_id: int, msg_id: int, replies: list[Outbound], degraded: bool
    ) -> HandoffRequest | None:
        """Store the replies; returns the handoff to engineers they ask for, if any."""
        request: HandoffRequest | None = None
        with self.db.session() as s:
            conv = s.get(Conversation, conv_id)
            assert conv is not None
            for r in replies:
                repo.add_message(
                    s,
                    conv,
                    direction="out",
                    role=r.role,
                    text=r.text,
                    payload=r.payload(msg_id),
                )
            for r in replies:
                # Recorded on the conversation, visible to staff via /api/conversations.
                report = BotReport.of(r.custom)
                route = report.route
                if route is not None:  # e.g. a diagnosis tree escalated to engineers
                    conv.route = route.route or "queue"
                    conv.tier = route.tier
                    conv.reason = route.reason or None
                elif report.request_human:
                    conv.route = "human_requested"
                    conv.reason = "用户要求转人工"
                request = request or request_from_reply(r.custom, conv_id, msg_id)
            inbound = s.get(Message, msg_id)
            assert inbound is not None
            inbound.status = "unanswered" if degraded else "answered"
        return request
