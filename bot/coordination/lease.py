"""Leases in the app database: periodic jobs that must run once across replicas run on the
replica holding their lease.

`DbLease.held(name)` takes or renews the named lease for this process and says whether it
holds it; whoever holds it runs the job, the others skip that round. A replica that dies
loses the lease when its time runs out (`ttl_s`), and another takes over. Anything with the
same `held(name) -> bool` (the `Leader` protocol) can stand in for it.

Which jobs: handoff dispatch (offers, expired offers, overflow: `handoff:dispatch`), the
WeChat sweep (messages a dead process left unanswered: `wechat:sweep`), the same for the
other channels (`gateway:recover` in `bot.gateway.recovery`), the supervisors' jobs
(`job:rollup`, ... in `bot.analytics`). Jobs that serve this replica's own connections
(presence of its consoles, queue positions of its customers, overview pushes, the editor's
index sync) run on every replica; the WeChat access_token is refreshed on demand under a
lock of its own store (`bot.channels.wechat.tokens`).
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from typing import Protocol

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from bot.storage.db import Database
from bot.storage.supervision import JobLease


class Leader(Protocol):
    """Whether this process runs the named job now."""

    def held(self, name: str) -> bool: ...


class SoleLeader:
    """The leader of a single process (one app on a SQLite file): it runs every job."""

    def held(self, name: str) -> bool:
        return True


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
