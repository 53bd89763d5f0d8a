"""One turn of a customer at a time: in this process, and across replicas through Redis.

A turn (store the message, ask Rasa, store the answer) holds its customer's lock, so a
customer's messages are stored, sent to Rasa and answered in one order even when they reach
different app replicas. Rasa therefore never sees two messages of one customer at once,
which also keeps its own lock store out of the race between two Rasa servers (rasa#9213).

The Redis lock is `SET key token NX PX ttl`, renewed while the turn runs and released only by
its holder (compare and delete), so a replica that dies holding it blocks its customer for at
most `ttl_s`. When Redis does not answer the turn goes on under the local lock alone, with a
warning: messages keep being answered, ordering holds within each replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Protocol

import redis.asyncio as aredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
_RENEW = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0"
)


class TurnLocks(Protocol):
    """Per-customer locks: `async with locks.get("web:alice"): ...`."""

    def get(self, key: str) -> AbstractAsyncContextManager[object]:
        """The lock of one customer (channel and sender)."""
        ...


class LocalLocks:
    """One asyncio lock per customer, in this process."""

    def __init__(self, max_idle: int = 10_000) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._max_idle = max_idle

    def get(self, key: str) -> asyncio.Lock:
        """The lock of `key`; idle locks are dropped once there are many."""
        if len(self._locks) > self._max_idle:
            self._locks = {k: v for k, v in self._locks.items() if v.locked()}
        return self._locks.setdefault(key, asyncio.Lock())


class RedisLocks:
    """The local lock, then a Redis lock of the same key shared by every replica.

    Args:
        client: the Redis client.
        prefix: key prefix (`<prefix>:turn:<key>`).
        ttl_s: how long a dead holder blocks its customer; longer than one turn may run
            on Rasa after its caller died (the gateway's Rasa timeout plus a margin).
        wait_s: the longest a turn waits for a live holder before going on with a warning.
    """

    def __init__(
        self, client: aredis.Redis, prefix: str, ttl_s: float, wait_s: float = 60.0
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.ttl_ms = int(ttl_s * 1000)
        self.wait_s = wait_s
        self.local = LocalLocks()

    def get(self, key: str) -> _TurnLock:
        """The lock of `key` (use once, with `async with`)."""
        return _TurnLock(self, key)


class _TurnLock:
    def __init__(self, owner: RedisLocks, key: str) -> None:
        self.owner = owner
        self.key = f"{owner.prefix}:turn:{key}"
        self.local = owner.local.get(key)
        self.token = uuid.uuid4().hex
        self.held = False
        self._renewer: asyncio.Task[None] | None = None
        self._turn: asyncio.Task[object] | None = None  # the task holding the lock

    async def __aenter__(self) -> _TurnLock:
        await self.local.acquire()
        try:
            await self._acquire()
        except BaseException:
            self.local.release()
            raise
        return self

    async def __aexit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        try:
            if self._renewer is not None:
                self._renewer.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._renewer
            if self.held:
                with contextlib.suppress(RedisError, OSError):
                    await self.owner.client.eval(_RELEASE, 1, self.key, self.token)
        finally:
            self.local.release()

    async def _acquire(self) -> None:
        client, ttl_ms = self.owner.client, self.owner.ttl_ms
        deadline = time.monotonic() + self.owner.wait_s
        delay = 0.002
        while True:
            try:
                if await client.set(self.key, self.token, nx=True, px=ttl_ms):
                    self.held = True
                    self._turn = asyncio.current_task()
                    self._renewer = asyncio.create_task(self._renew())
                    return
            except (RedisError, OSError) as exc:
                log.warning("turn lock %s: Redis unavailable (%s); local lock only", self.key, exc)
                return
            if time.monotonic() > deadline:
                log.error("turn lock %s: held over %.0f s; going on", self.key, self.owner.wait_s)
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)

    async def _renew(self) -> None:
        period = self.owner.ttl_ms / 3000
        since = time.monotonic()
        reported = False
        while True:
            await asyncio.sleep(period)
            if not reported and time.monotonic() - since > self.owner.wait_s:
                # its customer's other messages now go on without it: say where it waits
                reported = True
                log.error(
                    "turn lock %s held over %.0f s by a turn waiting at:\n%s",
                    self.key, self.owner.wait_s, _where(self._turn),
                )  # fmt: skip
            try:
                kept = await self.owner.client.eval(
                    _RENEW, 1, self.key, self.token, self.owner.ttl_ms
                )
            except (RedisError, OSError) as exc:
                log.warning("turn lock %s: renewal failed (%s)", self.key, exc)
                continue
            if not kept:
                log.error("turn lock %s expired while its turn was running", self.key)
                return


def _where(task: asyncio.Task[object] | None) -> str:
    """The innermost frames of a task's await chain."""
    if task is None:
        return "(unknown)"
    out: list[str] = []
    coro: object = task.get_coro()
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            out.append(f"  {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return "\n".join(out[-8:]) or "(finished)"


class RasaLockProbe:
    """Sees whether Rasa is still working on a message of a customer: its RedisLockStore holds
    the conversation's lock (`<prefix>:lock:<sender>`, Rasa 3.6's key) while it does.

    A turn the gateway gave up on (Rasa timed out, the replica died) may still run in Rasa;
    waiting for it before sending the customer's next message, or before deciding whether a
    message sent again was processed, keeps Rasa at one message per customer at a time.

    Args:
        client: a client of the Redis that holds Rasa's lock store.
        prefix: the lock store's `key_prefix` ("" = Rasa's default, no prefix).
    """

    def __init__(self, client: aredis.Redis, prefix: str) -> None:
        self.client = client
        self.keys = f"{prefix}:lock:" if prefix else "lock:"

    async def wait_idle(self, sender: str, timeout_s: float) -> bool:
        """Until Rasa holds no lock of `sender` (True), or `timeout_s` passed (False)."""
        deadline = time.monotonic() + timeout_s
        delay = 0.02
        while True:
            try:
                if not await self.client.exists(self.keys + sender):
                    return True
            except (RedisError, OSError):
                return False  # Rasa's lock store is down too: Rasa refuses, nothing to wait for
            if time.monotonic() > deadline:
                return False
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.2)
