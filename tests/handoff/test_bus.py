"""Events between replicas through Redis pub/sub (the real server on 127.0.0.1:6379)."""

from __future__ import annotations

import os
import uuid
from typing import Any

from bot.handoff.bus import Bus
from tests.conftest import run_async
from tests.polling import poll_until_async

REDIS_URL = os.environ.get("KEFU_TEST_REDIS", "redis://127.0.0.1:6379/0")


class TestBus:
    def test_in_process_delivery_without_redis(self) -> None:
        async def go() -> list[dict[str, Any]]:
            bus, got = Bus(None), []

            async def on(data: dict[str, Any]) -> None:
                got.append(data)

            bus.subscribe("console", on)
            await bus.start()
            await bus.publish("console", {"n": 1})
            await bus.publish("customer", {"n": 2})  # nobody listens: dropped
            await bus.stop()
            return got

        assert run_async(go()) == [{"n": 1}]

    def test_every_replica_gets_each_event_once_through_redis(self) -> None:
        topic = f"t{uuid.uuid4().hex[:8]}"

        async def go() -> tuple[list[Any], list[Any]]:
            one, two = Bus(REDIS_URL), Bus(REDIS_URL)
            got_one: list[Any] = []
            got_two: list[Any] = []

            async def on_one(data: dict[str, Any]) -> None:
                got_one.append(data["n"])

            async def on_two(data: dict[str, Any]) -> None:
                got_two.append(data["n"])

            one.subscribe(topic, on_one)
            two.subscribe(topic, on_two)
            await one.start()
            await two.start()
            for n in range(3):
                await (one if n % 2 else two).publish(topic, {"n": n})
            await poll_until_async(lambda: len(got_one) == 3 and len(got_two) == 3)
            await one.stop()
            await two.stop()
            return got_one, got_two

        got_one, got_two = run_async(go())
        assert got_one == [0, 1, 2] and got_two == [0, 1, 2]
