"""Events between the handoff service and the open sockets, across gateway replicas.

Without Redis the bus delivers in this process. With `KEFU_REDIS__URL` every event goes
through Redis pub/sub, and each replica delivers it to the sockets connected to it (its own
events included, so an event reaches each socket exactly once).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]
PREFIX = "kefu:handoff:"


class Bus:
    """Publish/subscribe of JSON events by topic.

    Args:
        redis_url: Redis for fan-out between replicas; None delivers in-process only.
    """

    def __init__(self, redis_url: str | None = None) -> None:
        self.redis_url = redis_url
        self._handlers: dict[str, list[Handler]] = {}
        self._client: Any = None
        self._listener: asyncio.Task[None] | None = None

    def subscribe(self, topic: str, handler: Handler) -> Callable[[], None]:
        """Call `handler` with every event of `topic`; returns the unsubscribe function."""
        self._handlers.setdefault(topic, []).append(handler)
        return lambda: self._handlers.get(topic, []).remove(handler)

    async def start(self) -> None:
        """Connect to Redis and start listening (no-op without Redis)."""
        if not self.redis_url:
            return
        import redis.asyncio as redis

        self._client = redis.from_url(self.redis_url, decode_responses=True)
        pubsub = self._client.pubsub(ignore_subscribe_messages=True)
        await pubsub.psubscribe(f"{PREFIX}*")
        self._listener = asyncio.create_task(self._listen(pubsub))

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        if self._client is not None:
            await self._client.aclose()

    async def publish(self, topic: str, data: dict[str, Any]) -> None:
        """Deliver `data` to the subscribers of `topic` in every replica."""
        if self._client is not None:
            try:
                await self._client.publish(f"{PREFIX}{topic}", json.dumps(data, default=str))
                return
            except Exception as exc:  # noqa: BLE001 - degrade to this replica's sockets
                log.warning("redis publish of %s failed (%s): delivering locally", topic, exc)
        await self.deliver(topic, data)

    async def deliver(self, topic: str, data: dict[str, Any]) -> None:
        """Hand an event to this process's subscribers."""
        handlers = list(self._handlers.get(topic, []))
        results = await asyncio.gather(*(h(data) for h in handlers), return_exceptions=True)
        for r in results:
            if isinstance(r, Exception):
                log.warning("handler of %s failed: %r", topic, r)

    async def _listen(self, pubsub: Any) -> None:
        while True:
            try:
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    topic = str(message["channel"]).removeprefix(PREFIX)
                    await self.deliver(topic, json.loads(message["data"]))
            except asyncio.CancelledError:
                await pubsub.aclose()
                raise
            except Exception as exc:  # noqa: BLE001 - keep listening after a Redis hiccup
                log.warning("redis listener failed (%s); resubscribing", exc)
                await asyncio.sleep(1.0)
                with contextlib.suppress(Exception):
                    await pubsub.psubscribe(f"{PREFIX}*")
