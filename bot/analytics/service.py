"""The supervisors' service: the figures, hot issues, alerts, work orders and their jobs.

Built once by the composition root; the routes of `bot.api.routes.supervisor` call it. Its
periodic jobs (rollup, quality scan, reminders, spike detection) run under leases, so once
across replicas.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.analytics import drill, spikes, words
from bot.analytics.jobs import Frames, Job, Periodic, Publish
from bot.analytics.rollup import Rollup, question_info
from bot.config import Settings
from bot.coordination.lease import DbLease, Leader
from bot.handoff.views import iso
from bot.quality import scanner, workorders
from bot.quality.rules import RuleStore
from bot.storage.db import Database
from bot.storage.models import Message, StaffUser, Ticket
from bot.storage.payload import BotReport
from bot.storage.supervision import Alert, AnalyticsContact
from bot.tiering.loader import load_skills

CHANNEL_NAMES = {"web": "网页", "wechat": "微信"}


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
        self.rollup = Rollup(db, self.conf, self._questions, self.tz)
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
            interval = timedelta(seconds=self.conf.spike_interval_s)
            raised = spikes.raise_alerts(s, found, when, self.label, interval)
            views = [scanner.alert_view(a) for a in raised]
        return [{"type": "alert", "alert": v} for v in views]

    def backfill_spikes(self, times: list[datetime]) -> int:
        """Spike detection at each of `times`, in order (history written after the fact);
        returns how many alerts were raised."""
        raised = 0
        interval = timedelta(seconds=self.conf.spike_interval_s)
        with self.db.session() as s:
            for when, found in zip(times, spikes.detect_many(s, times, self.conf), strict=True):
                raised += len(spikes.raise_alerts(s, found, when, self.label, interval))
        return raised

    def warm_up(self) -> None:
        """Load what the first reads need (the word segmenter of hot spots and spikes)."""
        words.keywords("预热")

    def jobs(self) -> list[Job]:
        """The periodic jobs and their intervals."""
        c = self.conf
        return [
            Job("rollup", c.rollup_interval_s, self.roll_up),
            Job("quality", c.scan_interval_s, self.scan),
            Job("reminders", c.scan_interval_s, self.remind),
            Job("spikes", c.spike_interval_s, self.detect_spikes),
        ]

    async def start(self, publish: Publish | None = None) -> None:
        """Start the periodic jobs (none when `rollup_interval_s` is 0)."""
        await asyncio.to_thread(self.warm_up)
        if self.conf.rollup_interval_s > 0:
            tick = min(self.conf.scan_interval_s, self.conf.rollup_interval_s, 5.0)
            self.periodic = Periodic(self.leader, self.jobs(), publish, tick_s=tick)
            await self.periodic.start()

    async def stop(self) -> None:
        """Stop the periodic jobs."""
        if self.periodic is not None:
            await self.periodic.stop()

    # -- work orders and contacts ------------------------------------------------------------

    def create_order(self, data: dict[str, Any], by: str) -> dict[str, Any]:
        """Open a work order by hand (`NewOrder` of the API)."""
        now = self.now()
        book = self.rules.book()
        severity = str(data.get("severity") or "normal")
        if severity not in book.severities:
            raise workorders.WorkOrderError(422, "bad_severity", f"没有级别 {severity}")
        self.check_owner(data.get("owner"))
        minutes = data.get("due_minutes")
        due = now + (timedelta(minutes=float(minutes)) if minutes else book.due_in(severity))
        with self.db.session() as s:
            t = workorders.create(
                s,
                source=str(data.get("source") or "customer_request"),
                severity=severity,
                summary=str(data["summary"]),
                due_at=due,
                owner=data.get("owner") or None,
                owner_kind="hand",
                context={"opened_by": by},
                now=now,
            )
            return workorders.view(t, workorders.notes_of(s, t.id))

    def order_from_alert(self, alert_id: int, by: str) -> dict[str, Any]:
        """A work order for an alert that has none yet."""
        now = self.now()
        with self.db.session() as s:
            a = s.get(Alert, alert_id)
            if a is None:
                raise workorders.WorkOrderError(404, "no_alert", f"没有告警 {alert_id}")
            if a.ticket_id:
                return workorders.view(s.get(Ticket, a.ticket_id))  # type: ignore[arg-type]
            t = workorders.create(
                s,
                source="spike" if a.kind == "spike" else "alert",
                severity=a.severity,
                summary=a.title,
                due_at=now + self.rules.book().due_in(a.severity),
                owner=by,
                owner_kind="hand",
                conversation_id=a.conversation_id,
                context={"alert_id": a.id, "rule": a.rule_id},
                now=now,
            )
            a.ticket_id = t.id
            return workorders.view(t)

    def act(self, order_id: int, action: str, by: str, body: dict[str, Any]) -> dict[str, Any]:
        """A state change of a work order."""
        if action == "assign":
            self.check_owner(body.get("owner"))
        with self.db.session() as s:
            t = workorders.act(s, order_id, action, by, self.now(), **body)
            return workorders.view(t, workorders.notes_of(s, t.id))

    def check_owner(self, owner: str | None) -> None:
        """An owner chosen by hand is an active staff member or a known queue (422 if not)."""
        if not owner:
            return
        name = owner.removeprefix("user:")
        if name.startswith("queue:"):
            queue = name.removeprefix("queue:")
            if queue not in self.names()["queues"]:
                raise workorders.WorkOrderError(422, "bad_owner", f"没有「{queue}」这个队列")
            return
        with self.db.session() as s:
            active = s.scalar(select(StaffUser.active).where(StaffUser.username == name))
        if not active:
            raise workorders.WorkOrderError(422, "bad_owner", f"没有在职的同事「{name}」")

    def contact(self, contact_id: int) -> dict[str, Any] | None:
        """One contact's facts and its messages."""
        with self.db.session() as s:
            c = s.get(AnalyticsContact, contact_id)
            if c is None:
                return None
            rows = s.scalars(
                select(Message)
                .where(
                    Message.conversation_id == c.conversation_id,
                    Message.id >= c.first_message_id,
                    Message.id <= c.last_message_id,
                )
                .order_by(Message.id)
            )
            return {
                **drill.row_of(c),
                "messages": [
                    {
                        "id": m.id,
                        "role": m.role,
                        "text": m.text,
                        "at": iso(m.created_at),
                        "decision": BotReport.of_message(m).decision,
                    }
                    for m in rows
                ],
            }

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

    def names(self) -> dict[str, dict[str, str]]:
        """Chinese names of queues (skills) and product lines, for the page."""
        try:
            skills = load_skills(self.settings.knowledge_dir)
        except OSError:
            skills = {}
        return {"queues": skills, "product_lines": self.line_names()}

    def line_names(self) -> dict[str, str]:
        """Product-line id -> name, from the catalog."""
        lines = (self.knowledge.kb.catalog or {}).get("product_lines") or {}
        return {k: str((v or {}).get("name") or k) for k, v in lines.items()}
