"""Read models for the console: handoff summaries, the supervisor's overview, snapshots."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.config import HandoffSettings
from bot.handoff import store
from bot.handoff.agents import agents_view
from bot.handoff.context import ContextBuilder
from bot.handoff.offers import positions
from bot.handoff.views import summary
from bot.storage import repository as repo
from bot.storage.models import Handoff, ServiceRating, Ticket


class Reader:
    """Builds what consoles show, in one session.

    Args:
        session: an open session.
        conf: handoff settings (for waiting estimates).
        context: the context builder (emotion flags).
        skill_names: skill id -> Chinese name.
        now: epoch seconds.
    """

    def __init__(
        self,
        session: Session,
        conf: HandoffSettings,
        context: ContextBuilder,
        skill_names: dict[str, str],
        now: float,
    ) -> None:
        self.s = session
        self.conf = conf
        self.context = context
        self.skill_names = skill_names
        self.now = now
        self.names = store.display_names(session)
        self._positions: dict[int, tuple[int, int]] | None = None

    def summaries(self, handoffs: list[Handoff]) -> list[dict[str, Any]]:
        """Summaries with place in queue, emotion flag and latest message."""
        return [self.summary(h) for h in handoffs]

    def summary(self, h: Handoff) -> dict[str, Any]:
        """One handoff's summary."""
        if self._positions is None:
            self._positions = positions(self.s, self.conf, self.now)
        messages = repo.messages_of(self.s, h.conversation_id, limit=60)
        flag = None
        if h.status in store.LIVE:
            trough = self.context.emotion(messages)["trough"]
            flag = trough["label"] if trough else None
        return summary(
            h,
            names=self.names,
            skill_names=self.skill_names,
            position=self._positions.get(h.id),
            flag=flag,
            last=messages[-1] if messages else None,
            words=" ".join(m.text for m in messages if m.direction == "in" and m.text)[:500],
        )

    def overview(self) -> dict[str, Any]:
        """Queues with waiting counts and times, engineers, flagged conversations, CSAT."""
        live = store.listed(self.s, store.LIVE, None, 500)
        items = self.summaries(live)
        queues: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"queued": 0, "offered": 0, "active": 0, "longest_wait_s": 0}
        )
        for item, h in zip(items, live, strict=True):
            q = queues[h.queue]
            q["queue"], q["name"] = h.queue, item["queue_name"]
            q[h.status] += 1
            if h.status in store.WAITING:
                waited = self.now - store.aware(h.requested_at).timestamp()
                q["longest_wait_s"] = max(q["longest_wait_s"], int(waited))
        scores = self.s.execute(select(func.count(), func.avg(ServiceRating.score))).one()
        return {
            "queues": sorted(queues.values(), key=lambda q: -q["longest_wait_s"]),
            "agents": agents_view(self.s, self.now),
            "flagged": [i for i in items if i["flag"]],
            "tickets_open": self.s.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.status != "closed")
            ),
            "ratings": {"count": scores[0], "average": round(float(scores[1] or 0), 2)},
        }

    def live(self) -> list[dict[str, Any]]:
        """Every waiting or held conversation."""
        return self.summaries(store.listed(self.s, store.LIVE, None, 500))
