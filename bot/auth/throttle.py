"""Login brute-force protection: failures counted per account and per client address, with a
lockout that doubles on each further failure.

An account that failed `account_failures` times in a row (within `window_s`) waits
`lockout_s`, then twice that after the next failure, up to `lockout_max_s`; an address that
failed `address_failures` times, whatever names it tried, waits the same way. A success clears
the account's count. While locked, the password is not even checked: the caller answers 429
with `Retry-After` at once, which also keeps guessing from taking the app's CPU.

The counters live in this process (a replica counts its own share of the attempts; the limits
are per replica).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.config import AuthSettings

_MAX_KEYS = 50_000  # bounded memory under a spray of names and addresses


@dataclass
class _Counter:
    failures: int = 0
    last_at: float = 0.0
    locked_until: float = 0.0


class LoginThrottle:
    """Failed-login counters and lockouts.

    Args:
        settings: the limits (`KEFU_AUTH__LOGIN_*`).
        clock: monotonic seconds (tests move it).
    """

    def __init__(self, settings: AuthSettings, clock: Callable[[], float] = time.monotonic):
        self.s = settings
        self.clock = clock
        self._counters: dict[str, _Counter] = {}
        self._lock = threading.Lock()

    def wait_s(self, username: str, address: str) -> float:
        """Seconds before this account or address may try again (0 = now)."""
        now = self.clock()
        with self._lock:
            waits = [
                c.locked_until - now
                for c in (self._counters.get(_acct(username)), self._counters.get(_addr(address)))
                if c is not None
            ]
        return max([0.0, *waits])

    def failed(self, username: str, address: str) -> float:
        """Count a failure; returns the lockout it starts (0 = none yet)."""
        now = self.clock()
        with self._lock:
            if len(self._counters) > _MAX_KEYS:
                self._forget_idle(now)
            waits = [
                self._count(_acct(username), now, self.s.login_account_failures),
                self._count(_addr(address), now, self.s.login_address_failures),
            ]
        return max(waits)

    def succeeded(self, username: str) -> None:
        """A right password: the account starts afresh (the address keeps its count)."""
        with self._lock:
            self._counters.pop(_acct(username), None)

    def _count(self, key: str, now: float, limit: int) -> float:
        c = self._counters.get(key)
        if c is None or now - c.last_at > max(self.s.login_window_s, c.locked_until - c.last_at):
            c = self._counters[key] = _Counter()
        c.failures += 1
        c.last_at = now
        over = c.failures - limit
        if over < 0:
            return 0.0
        wait = min(self.s.login_lockout_s * 2 ** min(over, 30), self.s.login_lockout_max_s)
        c.locked_until = now + wait
        return wait

    def _forget_idle(self, now: float) -> None:
        idle = [
            k
            for k, c in self._counters.items()
            if now - c.last_at > self.s.login_window_s and c.locked_until <= now
        ]
        for key in idle:
            del self._counters[key]
        if len(self._counters) > _MAX_KEYS:
            self._counters.clear()


def _acct(username: str) -> str:
    return f"user:{username.strip().lower()[:128]}"


def _addr(address: str) -> str:
    return f"addr:{address}"
