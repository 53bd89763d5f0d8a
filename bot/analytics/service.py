"""The supervisors' service: the figures, hot issues, alerts, work orders and their jobs.

Built once by the composition root; the routes of `bot.api.routes.supervisor` call it. Its
periodic jobs (rollup, quality scan, reminders, spike detection) run under leases, so once
across replicas.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.analytics import spikes
from bot.analytics.jobs import DbLease, Frames, Job, Leader, Periodic, Publish
from bot.analytics.rollup import Rollup, question_info
from bot.config import Settings
from bot.quality import scanner, workorders
from bot.quality.rules import RuleStore
from bot.storage.db import Database

CHANNEL_NAMES = {"web": "网页", "wechat": "微信"}
SPIKE_EVERY_S = 300.0
REMIND_EVERY_S = 30.0


class Supervision:
    """Figures and quality over the app database.

    Args:
        db: the app database.
        settings: app settings (`analytics`, `handoff.timezone`, knowledge directory).
        knowledge: the live `KnowledgeService` (question titles, categories, product lines).
        leader: the lease of the periodic jobs (a `DbLease` when None).
        clock: epoch seconds (tests pass their own).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        knowledge: Any,
        *,
        leader: Leader | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.settings = settings
        self.conf = settings.analytics
        self.tz = ZoneInfo(settings.handoff.timezone)
        self.knowledge = knowledge
        self.clock = clock
        self.rules = RuleStore(settings.knowledge_dir)
        self.rollup = Rollup(db, self.conf, self._questions)
        self.leader = leader or DbLease(db)
        self.periodic: Periodic | None = None

    def now(self) -> datetime:
        """The service's clock as an aware datetime."""
        return datetime.fromtimestamp(self.clock(), UTC)

    # -- jobs ------------------------------------------------------------------------------

    def roll_up(self) -> Frames:
        """Bring the facts up to date."""
        self.rollup.run()
        return []

    def scan(self, max_batches: int = 50) -> Frames:
        """Run the quality rules over new messages."""
        frames: Frames = []
        book = self.rules.book()
        for _ in range(max_batches):
            with self.db.session() as s:
                found = scanner.scan(s, book)
            frames += [{"type": "alert", "alert": a} for a in found.alerts]
            frames += [{"type": "workorder", "workorder": o} for o in found.orders]
            if found.messages < 2000:
                break
        return frames

    def remind(self, now: datetime | None = None) -> Frames:
        """Reminders and escalations of work orders."""
        with self.db.session() as s:
            due = workorders.remind(s, now or self.now())
        return [{"type": "workorder_reminder", "level": r.level, "workorder": r.order} for r in due]

    def detect_spikes(self, now: datetime | None = None) -> Frames:
        """Find the spikes of the last hour; alerts for new ones."""
        when = now or self.now()
        with self.db.session() as s:
            found = spikes.detect(s, when, self.conf)
            interval = timedelta(seconds=SPIKE_EVERY_S)
            raised = spikes.raise_alerts(s, found, when, self.label, interval)
            views = [scanner.alert_view(a) for a in raised]
        return [{"type": "alert", "alert": v} for v in views]

    def jobs(self) -> list[Job]:
        """The periodic jobs and their intervals."""
        every = self.conf.rollup_interval_s
        return [
            Job("rollup", every, self.roll_up),
            Job("quality", every, self.scan),
            Job("reminders", REMIND_EVERY_S, self.remind),
            Job("spikes", SPIKE_EVERY_S, lambda: (self.roll_up(), self.detect_spikes())[1]),
        ]

    async def start(self, publish: Publish | None = None) -> None:
        """Start the periodic jobs (none when `rollup_interval_s` is 0)."""
        if self.conf.rollup_interval_s > 0:
            self.periodic = Periodic(self.leader, self.jobs(), publish)
            await self.periodic.start()

    async def stop(self) -> None:
        """Stop the periodic jobs."""
        if self.periodic is not None:
            await self.periodic.stop()

    # -- labels ------------------------------------------------------------------------------

    def _questions(self) -> dict[str, tuple[str, str | None]]:
        try:
            return question_info(self.knowledge.kb)
        except RuntimeError:  # the base is not loaded yet
            return {}

    def label(self, dim: str, key: str) -> str:
        """What people call a key of a dimension."""
        if dim == "question":
            q = self.knowledge.kb.questions.get(key)
            return f"{q.title}（{key}）" if q else key
        if dim == "channel":
            return CHANNEL_NAMES.get(key, key)
        if dim == "product_line":
            return self.line_names().get(key, key)
        return key

    def line_names(self) -> dict[str, str]:
        """Product-line id -> name, from the catalog."""
        lines = (self.knowledge.kb.catalog or {}).get("product_lines") or {}
        return {k: str((v or {}).get("name") or k) for k, v in lines.items()}
