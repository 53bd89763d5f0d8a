"""The handoff service on a real database, with the real matcher, emotion model and gateway.

Rasa is a closed loopback port: a message that reaches Rasa is answered with the
`rasa_unavailable` text, so a test sees exactly whether the bot was asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.auth.staff import seed_demo_accounts
from bot.config import ROOT, HandoffSettings, Settings
from bot.gateway.rasa_client import RasaClient
from bot.gateway.service import Gateway
from bot.gateway.types import Inbound, Turn
from bot.handoff import HandoffRequest, HandoffService
from bot.handoff.agents import heartbeat
from bot.handoff.hub import Connection
from bot.runtime.stack import free_port
from bot.services import KnowledgeService
from bot.storage.db import Database
from bot.storage.models import AgentProfile
from bot.texts import Texts
from tests.conftest import run_async


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeService:
    """The shipped knowledge base with the default matcher, loaded once."""
    service = KnowledgeService(Settings())
    service.warm_up()
    return service


@pytest.fixture(scope="session")
def emotion() -> Any:
    """The real emotion scorer, warmed once."""
    from bot.nlp import EmotionScorer

    scorer = EmotionScorer(ROOT / "knowledge" / "emotion.yml")
    scorer.warm_up()
    return scorer


class Clock:
    """A clock the test moves (epoch seconds)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class ServiceFloor:
    """The service, its gateway (Rasa down) and what consoles and customers received."""

    service: HandoffService
    gateway: Gateway
    clock: Clock
    console: list[dict[str, Any]] = field(default_factory=list)
    customer: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def texts(self) -> Texts:
        return self.service.texts

    def online(self, username: str, *, capacity: int | None = None, status: str = "online") -> None:
        """An engineer's console is open (and their capacity / status as given)."""
        heartbeat(self.service.db, username, self.clock() + 3600, 3)
        with self.service.db.session() as s:
            profile = s.query(AgentProfile).filter_by(username=username).one()
            profile.status = status
            if capacity is not None:
                profile.capacity = capacity

    def watch(self, sender: str) -> list[dict[str, Any]]:
        """Frames pushed to a web customer's chat page."""
        frames = self.customer.setdefault(sender, [])

        async def send(frame: dict[str, Any]) -> None:
            frames.append(frame)

        self.service.customers.add(Connection(f"web:{sender}", send))
        return frames

    def say(self, sender: str, text: str, payload: str | None = None, channel: str = "web") -> Turn:
        """A customer's message through the gateway (a web visitor unless `channel` says)."""
        return run_async(self.gateway.handle(Inbound(channel, sender, text, payload=payload)))

    def request(
        self,
        sender: str,
        skills: tuple[str, ...] = (),
        tier: int = 3,
        channel: str = "web",
        **kw: Any,
    ) -> int:
        """The bot decided `sender` goes to engineers; returns the handoff id."""
        turn = self.say(sender, "我要找人工", channel=channel)
        req = HandoffRequest(turn.conversation_id, turn.inbound_id, "tier", skills, tier, **kw)
        replies = run_async(self.service.open(req))
        self.last_replies = replies
        with self.service.db.session() as s:
            from bot.handoff.store import listed

            return max(h.id for h in listed(s, None, None, 1000) if h.sender == sender)

    def act(self, user: str, handoff_id: int, action: str, role: str = "agent", **kw: Any) -> None:
        run_async(self.service.act(user, role, handoff_id, action, **kw))

    def handoff(self, handoff_id: int) -> Any:
        from bot.storage.models import Handoff

        with self.service.db.session() as s:
            return s.get(Handoff, handoff_id)


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    """Embedded settings (demo accounts) with default handoff settings."""
    return Settings(var_dir=tmp_path, handoff=HandoffSettings())


@pytest.fixture
def floor(
    db_url: str, settings: Settings, knowledge: KnowledgeService, emotion: Any
) -> Iterator[ServiceFloor]:
    """A started handoff service (no ticker: tests route explicitly) on a migrated database."""
    db = Database(db_url)
    seed_demo_accounts(db, settings)
    texts = Texts.load(ROOT / "knowledge")
    rasa = RasaClient(f"http://127.0.0.1:{free_port()}", timeout_s=2)
    gateway = Gateway(db, rasa, texts)
    clock = Clock(1_800_000_000.0)
    service = HandoffService(
        db, texts, settings, knowledge, gateway.locks, emotion=emotion, clock=clock
    )
    service.warm_up()
    gateway.handoff = service
    d = ServiceFloor(service, gateway, clock)

    async def to_console(frame: dict[str, Any]) -> None:
        d.console.append(frame)

    run_async(service.start(ticker=False))
    service.consoles.add(Connection("observer", to_console, "supervisor"))
    yield d
    run_async(service.stop())
    run_async(rasa.aclose())
    db.dispose()
