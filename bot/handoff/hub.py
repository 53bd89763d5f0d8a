"""The sockets connected to this process: customers' chat pages and engineers' consoles."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Connection:
    """One open socket: how to send to it, and whose it is."""

    key: str  # "web:<sender>" for a customer, the username for a console
    send: Send
    role: str = "customer"  # customer | agent | supervisor | admin


class Hub:
    """Open sockets by key; several per key (tabs, reconnects)."""

    def __init__(self) -> None:
        self._by_key: dict[str, dict[int, Connection]] = {}
        self._ids = itertools.count(1)

    def add(self, conn: Connection) -> int:
        """Register a socket; returns its id for `remove`."""
        cid = next(self._ids)
        self._by_key.setdefault(conn.key, {})[cid] = conn
        return cid

    def remove(self, key: str, cid: int) -> bool:
        """Unregister a socket; True when it was the key's last one."""
        conns = self._by_key.get(key, {})
        conns.pop(cid, None)
        if not conns:
            self._by_key.pop(key, None)
            return True
        return False

    def open_keys(self) -> list[str]:
        """Keys with at least one open socket here."""
        return list(self._by_key)

    def connections(self) -> list[Connection]:
        """Every open socket here."""
        return [c for conns in self._by_key.values() for c in conns.values()]

    def has(self, key: str) -> bool:
        """Whether `key` has an open socket here."""
        return key in self._by_key

    async def send(self, key: str, frame: dict[str, Any]) -> int:
        """Send `frame` to every socket of `key`; returns how many got it."""
        return await self._send_all(list(self._by_key.get(key, {}).values()), frame)

    async def broadcast(
        self, frame: dict[str, Any], only: Callable[[Connection], bool] | None = None
    ) -> int:
        """Send `frame` to every socket here (that `only` admits)."""
        conns = [c for c in self.connections() if only is None or only(c)]
        return await self._send_all(conns, frame)

    async def _send_all(self, conns: list[Connection], frame: dict[str, Any]) -> int:
        results = await asyncio.gather(*(c.send(frame) for c in conns), return_exceptions=True)
        for c, r in zip(conns, results, strict=True):
            if isinstance(r, Exception):
                log.info("socket of %s did not take a frame: %r", c.key, r)
        return sum(1 for r in results if not isinstance(r, Exception))


class Gate:
    """Holds frames for a socket until its history is sent, then lets them through in order.

    A chat page registers before its history is read, so nothing stored meanwhile is missed;
    held frames already in the history (same message `id`) are dropped.
    """

    def __init__(self, send: Send) -> None:
        self._send = send
        self._held: list[dict[str, Any]] = []
        self._open = False

    async def __call__(self, frame: dict[str, Any]) -> None:
        if self._open:
            await self._send(frame)
        else:
            self._held.append(frame)

    async def open(self, seen: set[int]) -> None:
        """Send what was held (minus `seen` message ids); from now on frames go straight out."""
        while self._held:
            frame = self._held.pop(0)
            if frame.get("id") not in seen:
                await self._send(frame)
        self._open = True
