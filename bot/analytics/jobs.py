"""Periodic jobs that must run once across replicas, under a lease in the app database.

`DbLease.held(name)` takes or renews the named lease for this process and says whether it
holds it; whoever holds it runs the job, the others skip that round. A replica that dies
loses the lease when its time runs out (`ttl_s`), and another takes over. Anything with the
same `held(name) -> bool` (the `Leader` protocol) can stand in for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database
from bot.storage.supervision import JobLease

log = logging.getLogger(__name__)


class Leader(Protocol):
    """Whether this process runs the named job now."""

    def held(self, name: str) -> bool: ...


class DbLease:
    """Leases in the `job_leases` table.

    Args:
        db: the app database.
        ttl_s: how long a lease lasts without renewal.
        clock: epoch seconds.
    """

    def __init__(self, db: Database, ttl_s: float = 60.0, clock: Callable[[], float] = time.time):
        self.db = db
        self.ttl_s = ttl_s
        self.clock = clock
        self.me = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

    def held(self, name: str) -> bool:
        """Take or renew the lease `name`; True when this process holds it."""
        now = self.clock()
        with self.db.session() as s:
            done = s.execute(
                update(JobLease)
                .where(
                    JobLease.name == name,
                    or_(JobLease.holder == self.me, JobLease.until < now),
                )
                .values(holder=self.me, until=now + self.ttl_s)
            )
            if done.rowcount:  # type: ignore[attr-defined]
                return True
            try:
                with s.begin_nested():
                    s.add(JobLease(name=name, holder=self.me, until=now + self.ttl_s))
                return True
            except IntegrityError:
                return False

    def release(self, name: str) -> None:
        """Give the lease up (on shutdown), so another replica takes it at once."""
        with self.db.session() as s:
            s.execute(
                update(JobLease)
                .where(JobLease.name == name, JobLease.holder == self.me)
                .values(until=0.0)
            )


Frames = list[dict[str, Any]]  # what a run has to tell the consoles
Publish = Callable[[Frames], Awaitable[None]]


@dataclass
class Job:
    """A named job and how often it runs; `run` returns frames for the consoles."""

    name: str
    every_s: float
    run: Callable[[], Frames | None]
    last: float = 0.0


class Periodic:
    """Runs jobs in threads on their own schedule, each under its lease.

    Args:
        leader: the lease.
        jobs: the jobs.
        publish: where the frames of a run go (the consoles), if anywhere.
        tick_s: how often the schedule is looked at.
    """

    def __init__(
        self, leader: Leader, jobs: list[Job], publish: Publish | None = None, tick_s: float = 5.0
    ) -> None:
        self.leader = leader
        self.jobs = jobs
        self.publish = publish
        self.tick_s = tick_s
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Start the loop."""
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop the loop."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def run_due(self) -> None:
        """Run every job whose time has come and whose lease this process holds."""
        now = time.monotonic()
        for job in self.jobs:
            if now - job.last < job.every_s:
                continue
            job.last = now
            try:
                if await asyncio.to_thread(self.leader.held, f"job:{job.name}"):
                    frames = await asyncio.to_thread(job.run)
                    if frames and self.publish is not None:
                        await self.publish(frames)
            except Exception:  # noqa: BLE001 - a failed run is retried next time
                log.exception("periodic job %s failed", job.name)

    async def _loop(self) -> None:
        while True:
            await self.run_due()
            await asyncio.sleep(self.tick_s)
