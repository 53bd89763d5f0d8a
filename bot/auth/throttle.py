"""Login brute-force protection: failures counted per account and per client address, with a
lockout that doubles on each further failure.

An account that failed `account_failures` times in a row (within `window_s`) waits
`lockout_s`, then twice that after the next failure, up to `lockout_max_s`; an address that
failed `address_failures` times, whatever names it tried, waits the same way. A success clears
the account's count. While locked, the password is not even checked: the caller answers 429
with `Retry-After` at once, which also keeps guessing from taking the app's CPU.

The counts live in the app database (`login_throttle`), so every process and replica adds to
the same ones: a guesser spread over replicas is locked out as soon as one would lock it.
Each failure is counted by one atomic UPDATE (PostgreSQL locks the row, SQLite the file), so
two processes failing at once both count.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.config import AuthSettings
from bot.storage.db import Database
from bot.storage.models import LoginThrottleCount as Count

_PRUNE_EVERY = 200  # failures between two sweeps of idle counts (bounded table under a spray)


class LoginThrottle:
    """Failed-login counters and lockouts, shared through the database.

    Args:
        settings: the limits (`KEFU_AUTH__LOGIN_*`).
        db: the app database (every process on it shares the counts).
        clock: wall-clock seconds, the same in every process (tests move it).
    """

    def __init__(
        self, settings: AuthSettings, db: Database, clock: Callable[[], float] = time.time
    ):
        self.s = settings
        self.db = db
        self.clock = clock
        self._calls = itertools.count(1)

    def wait_s(self, username: str, address: str) -> float:
        """Seconds before this account or address may try again (0 = now)."""
        now = self.clock()
        with self.db.session() as s:
            until = s.scalar(
                select(func.max(Count.locked_until)).where(
                    Count.key.in_((_acct(username), _addr(address)))
                )
            )
        return max(0.0, (until or 0.0) - now)

    def failed(self, username: str, address: str) -> float:
        """Count a failure; returns the lockout it starts (0 = none yet)."""
        now = self.clock()
        with self.db.session() as s:
            waits = [
                self._count(s, _acct(username), now, self.s.login_account_failures),
                self._count(s, _addr(address), now, self.s.login_address_failures),
            ]
            if next(self._calls) % _PRUNE_EVERY == 0:
                self._forget_idle(s, now)
        return max(waits)

    def succeeded(self, username: str) -> None:
        """A right password: the account starts afresh (the address keeps its count)."""
        with self.db.session() as s:
            s.execute(delete(Count).where(Count.key == _acct(username)))

    def _count(self, s: Session, key: str, now: float, limit: int) -> float:
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        s.execute(
            insert(Count)
            .values(key=key, failures=0, last_at=now, locked_until=0.0)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        # A count idle past the window (and not locked) starts over; the same statement reads
        # and writes the row, so concurrent failures of other processes are never lost.
        stale = (now > Count.last_at + self.s.login_window_s) & (now > Count.locked_until)
        failures = s.scalar(
            update(Count)
            .where(Count.key == key)
            .values(failures=case((stale, 1), else_=Count.failures + 1), last_at=now)
            .returning(Count.failures)
        )
        over = (failures or 0) - limit
        if over < 0:
            return 0.0
        wait = min(self.s.login_lockout_s * 2 ** min(over, 30), self.s.login_lockout_max_s)
        s.execute(update(Count).where(Count.key == key).values(locked_until=now + wait))
        return float(wait)

    def _forget_idle(self, s: Session, now: float) -> None:
        s.execute(
            delete(Count).where(
                Count.last_at < now - self.s.login_window_s, Count.locked_until <= now
            )
        )


def _acct(username: str) -> str:
    return f"user:{username.strip().lower()[:128]}"


def _addr(address: str) -> str:
    return f"addr:{address[:64]}"
