"""Whether a well-signed staff token may still be used: its user exists, is active, has the
role the token names and has not had their tokens revoked since it was issued.

Checked on every request against the staff table, through a short-lived cache (a few seconds)
so a page that makes many calls costs one query. A change made through this process (revoke,
deactivate) drops its cache entry at once; other replicas see it within the cache's lifetime.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import StaffUser


@dataclass(frozen=True)
class StaffState:
    """What a token is checked against."""

    active: bool
    role: str
    token_version: int


class StaffSessions:
    """Token checks against the staff table.

    Args:
        db: the app database.
        ttl_s: how long one lookup of a user is reused (0 = every request reads the table).
        clock: monotonic seconds (tests move it).
    """

    def __init__(
        self, db: Database, ttl_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self.clock = clock
        self._cache: dict[str, tuple[float, StaffState | None]] = {}
        self._lock = threading.Lock()

    def allows(self, claims: dict[str, str]) -> bool:
        """True when the token's user is active, holds the token's role and version."""
        state = self.state(claims["username"])
        return (
            state is not None
            and state.active
            and state.role == claims["role"]
            and str(state.token_version) == claims.get("ver", "0")
        )

    def state(self, username: str) -> StaffState | None:
        """The user's current state (cached for `ttl_s`), None for an unknown user."""
        now = self.clock()
        with self._lock:
            hit = self._cache.get(username)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        with self.db.session() as s:
            user = s.scalar(select(StaffUser).where(StaffUser.username == username))
            state = StaffState(user.active, user.role, user.token_version) if user else None
        with self._lock:
            if len(self._cache) > 10_000:  # bounded: forged names must not grow it for ever
                self._cache.clear()
            self._cache[username] = (now, state)
        return state

    def forget(self, username: str) -> None:
        """Drop the cached state of a user this process just changed."""
        with self._lock:
            self._cache.pop(username, None)

    def revoke(self, username: str, *, active: bool | None = None) -> StaffState | None:
        """Invalidate every token of `username` issued so far (and set `active` if given).

        Returns the new state, None for an unknown user.
        """
        with self.db.session() as s:
            user = s.scalar(select(StaffUser).where(StaffUser.username == username))
            if user is None:
                return None
            user.token_version += 1
            if active is not None:
                user.active = active
            state = StaffState(user.active, user.role, user.token_version)
        self.forget(username)
        return state
