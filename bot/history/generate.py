"""Write weeks of history into a database through the code paths of the live service.

Every customer message goes through the `Gateway` (stored, enriched with profile, emotion and
entities, handed to engineers while they hold the conversation); the bot's answers come from
the real actions (matcher, tier policy, diagnosis trees) run in-process by `ScriptedRasa`;
handoffs, engineers' replies, closing and ratings go through the `HandoffService`; the
supervisors' jobs (rollup, quality scan, spike detection) run over the result. The clock is
moved to each visit's time (time-machine), so every stored time is the simulated one.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import func, select

from bot.api.composition import build_services, close
from bot.config import ROOT, Settings
from bot.coordination.lease import SoleLeader
from bot.diagnosis.engine import HUMAN_PAYLOAD
from bot.gateway.types import Inbound, Outbound
from bot.handoff import HandoffService
from bot.handoff.notices import CANCEL_PAYLOAD, RATE_PAYLOAD
from bot.handoff.store import aware
from bot.history.plan import Pools, Visit, schedule
from bot.history.scripted import ScriptedRasa
from bot.profile.token import issue_customer_token, token_secret
from bot.quality import board, workorders
from bot.services import Services, install
from bot.storage.models import Conversation, Customer, Handoff, Message, Ticket
from bot.storage.supervision import Alert, AnalyticsContact

log = logging.getLogger(__name__)
AGENTS = ("agent1", "agent2")
INTENTS = {
    "ask": "ask_question",
    "complaint": "complaint",
    "purchase": "purchase_intent",
    "human": "request_human",
    "thanks": "thanks",
}
SKIP_TITLES = {"上一步", "重新开始"}


@dataclass
class Written:
    """What a run wrote."""

    visits: int = 0
    messages: int = 0
    handoffs: int = 0
    contacts: int = 0


def is_empty(services: Services) -> bool:
    """Whether the database holds no conversation yet."""
    with services.db.session() as s:
        return not s.scalar(select(func.count(Conversation.id)))


class HistoryWriter:
    """Plays a schedule of visits against the services.

    Args:
        services: the app's services (built by `bot.api.app.build_services`).
        settings: app settings.
        seed: the random seed (the same seed writes the same history).
    """

    def __init__(self, services: Services, settings: Settings, seed: int = 7) -> None:
        self.svc = services
        self.settings = settings
        self.rng = random.Random(seed)
        self.seed = seed
        self.tz = ZoneInfo(settings.handoff.timezone)
        self.pools = Pools.load(ROOT)
        self.rasa = ScriptedRasa(ROOT)
        self.secret = token_secret(settings)
        self.handoff: HandoffService = services.handoff
        self.written = Written()

    async def run(
        self,
        days: int,
        per_day: int,
        end: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> Written:
        """Write `days` days of history ending with `end` (default: yesterday)."""
        end = end or (datetime.now(self.tz).date() - timedelta(days=1))
        members = self._members()
        visits = schedule(
            self.pools, members, days=days, per_day=per_day, end=end, tz=self.tz, seed=self.seed
        )
        await self._start()
        try:
            for i, visit in enumerate(visits, 1):
                with time_machine.travel(visit.at, tick=False) as clock:
                    await self._play(visit, clock)
                if progress is not None:
                    progress(i, len(visits))
        finally:
            await self._stop()
        self.written.visits = len(visits)
        self._supervise(visits[0].at if visits else None, end)
        return self.written

    # -- set-up ------------------------------------------------------------------------------

    def _members(self) -> list[str]:
        with self.svc.db.session() as s:
            refs = s.scalars(
                select(Customer.external_ref).where(Customer.external_ref.is_not(None))
            )
            return sorted(str(r) for r in refs)

    async def _start(self) -> None:
        svc = self.svc
        svc.gateway.rasa = self.rasa
        svc.handoff.warm_up()
        await svc.handoff.start(ticker=False)
        install(svc)

    async def _stop(self) -> None:
        await self.svc.handoff.stop()

    # -- one visit ---------------------------------------------------------------------------

    async def _play(self, visit: Visit, clock: Any) -> None:
        for agent in AGENTS:  # the engineers are on duty
            await self.handoff.presence(agent)
        sender = (
            f"{visit.channel}-{visit.person}" if visit.channel == "web" else self._openid(visit)
        )
        metadata: dict[str, Any] = {}
        if visit.known and self.secret:
            metadata["customer_token"] = issue_customer_token(visit.person, self.secret)
        for kind, text in visit.steps:
            self.rasa.intent = INTENTS[kind]
            replies = await self._say(visit.channel, sender, text, metadata, None)
            replies = await self._follow(visit.channel, sender, replies, metadata, clock)
            clock.shift(timedelta(seconds=self.rng.uniform(8, 60)))
            if await self._engineer(sender, clock):
                break

    def _openid(self, visit: Visit) -> str:
        return "o_" + uuid.uuid5(uuid.NAMESPACE_OID, f"{self.seed}:{visit.person}").hex[:26]

    async def _say(
        self, channel: str, sender: str, text: str, metadata: dict[str, Any], payload: str | None
    ) -> list[Outbound]:
        inbound = Inbound(channel, sender, text, payload, dict(metadata), uuid.uuid4().hex)
        turn = await self.svc.gateway.handle(inbound)
        self.written.messages += 1 + len(turn.replies)
        return turn.replies

    async def _follow(
        self,
        channel: str,
        sender: str,
        replies: list[Outbound],
        metadata: dict[str, Any],
        clock: Any,
    ) -> list[Outbound]:
        """Click what the bot offers: a clarification's first choices, a tree's options."""
        for _ in range(8):
            buttons = [
                b
                for r in replies
                for b in r.buttons
                if b["payload"].startswith(("/choose_question", "/diagnosis_reply"))
                and b["title"] not in SKIP_TITLES
            ]
            if not buttons or self.rng.random() < 0.15:
                return replies
            clock.shift(timedelta(seconds=self.rng.uniform(5, 40)))
            if buttons[0]["payload"].startswith("/choose_question"):
                button = buttons[0] if self.rng.random() < 0.75 else self.rng.choice(buttons)
            elif self.rng.random() < 0.05:
                button = {"title": "转人工", "payload": HUMAN_PAYLOAD}
            else:
                button = self.rng.choice(buttons)
            replies = await self._say(channel, sender, button["title"], metadata, button["payload"])
        return replies

    async def _engineer(self, sender: str, clock: Any) -> bool:
        """If the conversation went to engineers: one accepts, helps and closes; the customer
        rates. True when it did."""
        with self.svc.db.session() as s:
            h = s.scalar(
                select(Handoff)
                .where(Handoff.sender == sender, Handoff.status.in_(("queued", "offered")))
                .order_by(Handoff.id.desc())
                .limit(1)
            )
            if h is None:
                return False
            hid, agent, channel = h.id, h.agent or self.rng.choice(AGENTS), h.channel
        self.written.handoffs += 1
        scen = self.pools.scenarios["agent"]
        if self.rng.random() < 0.06:  # the customer gives up waiting
            clock.shift(timedelta(seconds=self.rng.uniform(60, 300)))
            await self._say(channel, sender, "取消排队", {}, CANCEL_PAYLOAD)
            return True
        clock.shift(timedelta(seconds=self.rng.lognormvariate(3.8, 0.7)))  # median ~45 s
        role = "agent"
        await self.handoff.act(agent, role, hid, "accept")
        clock.shift(timedelta(seconds=self.rng.uniform(5, 40)))
        await self.handoff.act(agent, role, hid, "send", text=self.rng.choice(scen["greet"]))
        for _ in range(self.rng.randint(1, 3)):
            clock.shift(timedelta(seconds=self.rng.uniform(20, 120)))
            customer = self.rng.choice(self.pools.scenarios["customer_to_agent"])
            await self._say(channel, sender, customer, {}, None)
            clock.shift(timedelta(seconds=self.rng.uniform(20, 150)))
            words = scen["rude"] if self.rng.random() < 0.01 else scen["work"]
            await self.handoff.act(agent, role, hid, "send", text=self.rng.choice(words))
        clock.shift(timedelta(seconds=self.rng.uniform(30, 120)))
        await self.handoff.act(agent, role, hid, "send", text=self.rng.choice(scen["bye"]))
        await self.handoff.act(agent, role, hid, "close")
        if self.rng.random() < 0.7:
            clock.shift(timedelta(seconds=self.rng.uniform(5, 60)))
            good = 0.85 if agent == "agent1" else 0.65
            pool = [4, 5, 5] if self.rng.random() < good else [1, 2, 3]
            score = self.rng.choice(pool)
            payload = RATE_PAYLOAD + json.dumps({"handoff": hid, "score": score})
            await self._say(channel, sender, f"{score} 分", {}, payload)
        return True

    # -- the supervisors' side ------------------------------------------------------------------

    def _supervise(self, first: datetime | None, end: date) -> None:
        sup = self.svc.supervision
        if first is None:
            return
        sup.roll_up()
        sup.scan(max_batches=10_000)
        start = first.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        last = datetime.combine(end + timedelta(days=1), datetime.min.time(), self.tz)
        every = timedelta(seconds=sup.conf.spike_interval_s)
        times = [start + every * k for k in range(1, int((last - start) / every) + 1)]
        if times:
            sup.backfill_spikes(times)
        self._review(sup, datetime.combine(end, datetime.min.time(), self.tz))
        with self.svc.db.session() as s:
            self.written.contacts = s.scalar(select(func.count(AnalyticsContact.id))) or 0
            self.written.messages = s.scalar(select(func.count(Message.id))) or 0

    def _review(self, sup: Any, before: datetime) -> None:
        """The supervisors worked the older alerts: most confirmed and their work orders
        closed, some marked false alarms; the last day's stay open."""
        with self.svc.db.session() as s:
            alerts = list(
                s.scalars(select(Alert).where(Alert.kind != "spike", Alert.first_at < before))
            )
            for a in alerts:
                verdict = "false_alarm" if self.rng.random() < 0.15 else "confirmed"
                board.review(s, a.id, verdict, "super", aware(a.last_at) + timedelta(hours=1))
                t = s.get(Ticket, a.ticket_id) if a.ticket_id else None
                if t is not None and t.status != "closed":
                    when = aware(t.created_at) + timedelta(hours=self.rng.uniform(0.5, 6))
                    workorders.act(s, t.id, "close", "super", when, cause="resolved")
        sup.remind()


async def fill(
    settings: Settings,
    days: int,
    per_day: int,
    *,
    seed: int = 7,
    only_if_empty: bool = False,
    end: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Written | None:
    """Build the services on `settings` and write the history (None: the database was not
    empty and `only_if_empty` was set)."""
    # The writer alone plays the engineers and routes the handoffs (no lease to wait for).
    services = build_services(settings, leader=SoleLeader())
    try:
        if only_if_empty and not is_empty(services):
            return None
        writer = HistoryWriter(services, settings, seed)
        return await writer.run(days, per_day, end=end, progress=progress)
    finally:
        install(None)
        close(services)
