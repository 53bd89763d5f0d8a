"""Messages accepted and never answered: the process died mid-turn and left them `received`.

When an app starts, and then every `interval_s`, one replica (the holder of the
`gateway:recover` lease) looks for `received` customer messages older than a grace period
(younger ones may still be in a live turn elsewhere). A recent one goes through the gateway
again (the customer is likely still there; Rasa's tracker says whether it saw the message
already); an older one gets a stored apology. Both happen under the customer's turn lock and
only while the message is still `received`, so a re-send by the customer, a second replica or
a restart never answers it twice. The answer is then pushed to the customer where possible.

WeChat messages are left to the WeChat channel's own sweep (`bot.channels.wechat.channel`):
its inbox knows whether an answer already went out passively or through the API.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from bot.config import RecoverySettings
from bot.coordination.lease import Leader
from bot.gateway.service import Gateway
from bot.gateway.types import Outbound
from bot.storage import repository as repo
from bot.storage.models import Conversation, Message, utcnow

log = logging.getLogger(__name__)

LEASE = "gateway:recover"
APOLOGY = "recovered_apology"  # key in knowledge/messages.yml
OWN_SWEEP = ("wechat",)  # channels that answer their own orphans


@dataclass(frozen=True)
class Orphan:
    """A customer message left `received`."""

    message_id: int
    conversation_id: int
    channel: str
    sender: str
    client_id: str | None
    created_at: datetime


# (orphan, replies) -> pushed to the customer's channel where it can be (the app wires it)
Deliver = Callable[[Orphan, list[Outbound]], Awaitable[None]]


class Recovery:
    """Answers, once, the messages dead turns left `received`.

    Args:
        gateway: the gateway (database, texts, turn locks, Rasa).
        settings: grace period, re-run window, interval.
        leader: the lease that makes one replica do it; None = this process alone.
        deliver: pushes an answer to the customer; None = stored only.
    """

    def __init__(
        self,
        gateway: Gateway,
        settings: RecoverySettings,
        leader: Leader | None = None,
        deliver: Deliver | None = None,
    ) -> None:
        self.gateway = gateway
        self.settings = settings
        self.leader = leader
        self.deliver = deliver
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Sweep now, then every `interval_s`."""
        self._task = asyncio.create_task(self._forever())

    async def stop(self) -> None:
        """Stop sweeping (a sweep under way is cancelled; what it stored stays)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def sweep(self) -> int:
        """Answer the orphans of one batch; returns how many this call answered."""
        done = 0
        for orphan in await asyncio.to_thread(self.orphans):
            if self.gateway.draining:
                break  # stopping: the next replica or start answers the rest
            replies = await self._answer(orphan)
            if replies is None:
                continue  # answered meanwhile, elsewhere
            done += 1
            if self.deliver is not None and replies:
                try:
                    await self.deliver(orphan, replies)
                except Exception:  # noqa: BLE001 - stored; the page shows it with the history
                    log.exception("recovered answer to message %s not pushed", orphan.message_id)
        return done

    def orphans(self) -> list[Orphan]:
        """`received` customer messages past the grace period, oldest first."""
        before = utcnow() - timedelta(seconds=self.settings.grace_s)
        with self.gateway.db.session() as s:
            rows = s.execute(
                select(Message, Conversation)
                .join(Conversation, Conversation.id == Message.conversation_id)
                .where(
                    Message.status == "received",
                    Message.direction == "in",
                    Message.created_at <= before,
                    Conversation.channel.not_in(OWN_SWEEP),
                )
                .order_by(Message.id)
                .limit(self.settings.batch)
            ).all()
            return [
                Orphan(m.id, c.id, c.channel, c.sender, m.client_id, m.created_at) for m, c in rows
            ]

    async def _answer(self, orphan: Orphan) -> list[Outbound] | None:
        age = utcnow() - _aware(orphan.created_at)
        if age <= timedelta(seconds=self.settings.rerun_within_s):
            log.info("message %s left unanswered by a dead turn: answering", orphan.message_id)
            turn = await self.gateway.resume(orphan.message_id, orphan.channel, orphan.sender)
            return None if turn is None else turn.replies
        log.info("message %s left unanswered for %s: apologising", orphan.message_id, age)
        async with self.gateway.locks.get(f"{orphan.channel}:{orphan.sender}"):
            return await asyncio.to_thread(self._apologise, orphan)

    def _apologise(self, orphan: Orphan) -> list[Outbound] | None:
        reply = Outbound(role="system", text=self.gateway.texts.get(APOLOGY))
        with self.gateway.db.session() as s:
            taken = s.execute(
                update(Message)
                .where(Message.id == orphan.message_id, Message.status == "received")
                .values(status="answered")
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None
            conv = s.get(Conversation, orphan.conversation_id)
            assert conv is not None
            repo.add_message(
                s,
                conv,
                direction="out",
                role=reply.role,
                text=reply.text,
                payload={"reply_to": orphan.message_id, "recovered": True},
            )
        return [reply]

    async def _forever(self) -> None:
        while True:
            try:
                if self.leader is None or await asyncio.to_thread(self.leader.held, LEASE):
                    while await self.sweep() >= self.settings.batch:
                        pass  # a full batch: more may wait
            except Exception:  # noqa: BLE001 - tried again next round
                log.exception("recovery sweep failed")
            await asyncio.sleep(self.settings.interval_s)


def _aware(when: datetime) -> datetime:
    """SQLite gives naive datetimes back; they were stored as UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
