"""Periodic jobs that must run once across replicas, under a lease in the app database
(`bot.coordination.lease`): whoever holds a job's lease runs it, the others skip that round."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.coordination.lease import Leader

log = logging.getLogger(__name__)


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
