"""Per-customer turn locks shared by replicas through Redis."""

from __future__ import annotations

import asyncio
import logging
import uuid

import pytest

from bot.coordination.client import connect
from bot.coordination.locks import RasaLockProbe, RedisLocks
from bot.runtime.private import PrivateRedis
from tests.conftest import run_async


def test_one_customer_runs_one_turn_at_a_time_across_replicas(
    private_redis: PrivateRedis,
) -> None:
    async def scenario() -> tuple[int, list[str]]:
        # two replicas: two clients, two lock objects, one Redis
        replicas = [RedisLocks(connect(private_redis.url), "t1", ttl_s=5) for _ in range(2)]
        key = f"web:{uuid.uuid4().hex}"
        running = 0
        most = 0
        order: list[str] = []

        async def turn(i: int) -> None:
            nonlocal running, most
            async with replicas[i % 2].get(key):
                running += 1
                most = max(most, running)
                order.append(f"start{i}")
                await asyncio.sleep(0.01)
                order.append(f"end{i}")
                running -= 1

        await asyncio.gather(*(turn(i) for i in range(20)))
        for r in replicas:
            await r.client.aclose()
        return most, order

    most, order = run_async(scenario())
    assert most == 1
    pairs = zip(order[::2], order[1::2], strict=True)
    assert all(a.startswith("start") and b == "end" + a[5:] for a, b in pairs)


def test_different_customers_do_not_wait_for_each_other(private_redis: PrivateRedis) -> None:
    async def scenario() -> int:
        locks = RedisLocks(connect(private_redis.url), "t2", ttl_s=5)
        running = 0
        most = 0

        async def turn(i: int) -> None:
            nonlocal running, most
            async with locks.get(f"web:customer-{i}"):
                running += 1
                most = max(most, running)
                await asyncio.sleep(0.05)
                running -= 1

        await asyncio.gather(*(turn(i) for i in range(10)))
        await locks.client.aclose()
        return most

    assert run_async(scenario()) == 10


def test_a_dead_holder_blocks_its_customer_only_until_the_lock_expires(
    private_redis: PrivateRedis,
) -> None:
    async def scenario() -> float:
        client = connect(private_redis.url)
        key = f"web:{uuid.uuid4().hex}"
        # a replica took the lock and died (nobody renews or releases it)
        await client.set(f"t3:turn:{key}", "dead-replica", px=800)
        locks = RedisLocks(client, "t3", ttl_s=5)
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with locks.get(key):
            waited = loop.time() - started
        await client.aclose()
        return waited

    waited = run_async(scenario())
    assert 0.5 < waited < 3.0


def test_a_long_turn_keeps_its_lock_by_renewing_it(private_redis: PrivateRedis) -> None:
    async def scenario() -> bool:
        client = connect(private_redis.url)
        key = f"web:{uuid.uuid4().hex}"
        locks = RedisLocks(client, "t4", ttl_s=0.6)
        other = RedisLocks(connect(private_redis.url), "t4", ttl_s=0.6)
        async with locks.get(key):
            await asyncio.sleep(1.5)  # longer than the TTL: renewals keep it
            # another replica cannot get in meanwhile
            entered = asyncio.create_task(other.get(key).__aenter__())
            await asyncio.sleep(0.3)
            blocked = not entered.done()
        await entered
        await client.aclose()
        await other.client.aclose()
        return blocked

    assert run_async(scenario())


def test_a_turn_holding_its_lock_too_long_says_where_it_waits(
    private_redis: PrivateRedis, caplog: pytest.LogCaptureFixture
) -> None:
    async def stuck_somewhere() -> None:
        await asyncio.sleep(1.2)

    async def scenario() -> None:
        client = connect(private_redis.url)
        locks = RedisLocks(client, "t6", ttl_s=0.3, wait_s=0.5)
        async with locks.get(f"web:{uuid.uuid4().hex}"):
            await stuck_somewhere()
        await client.aclose()

    with caplog.at_level(logging.ERROR, logger="bot.coordination.locks"):
        run_async(scenario())
    reports = [r.getMessage() for r in caplog.records if "held over" in r.getMessage()]
    assert len(reports) == 1, reports
    assert "stuck_somewhere" in reports[0]


def test_turns_go_on_under_the_local_lock_while_redis_is_down(
    private_redis: PrivateRedis,
) -> None:
    async def scenario() -> int:
        locks = RedisLocks(connect(private_redis.url), "t5", ttl_s=5)
        done = 0

        async def turn() -> None:
            nonlocal done
            async with locks.get("web:someone"):
                done += 1

        await turn()
        private_redis.stop()
        try:
            await asyncio.gather(*(turn() for _ in range(5)))
        finally:
            private_redis.start()
        await turn()  # and through Redis again once it is back
        await locks.client.aclose()
        return done

    assert run_async(scenario()) == 7


def test_the_next_message_waits_while_rasa_still_works_on_the_previous_one(
    private_redis: PrivateRedis,
) -> None:
    async def scenario() -> tuple[bool, float, bool]:
        client = connect(private_redis.url)
        probe = RasaLockProbe(client, "kefurasa")
        sender = f"web-{uuid.uuid4().hex}"
        # Rasa's RedisLockStore holds the conversation (a turn the gateway gave up on)
        await client.set(f"kefurasa:lock:{sender}", "{}", px=600)
        loop = asyncio.get_running_loop()
        started = loop.time()
        idle = await probe.wait_idle(sender, timeout_s=5)
        waited = loop.time() - started
        await client.set(f"kefurasa:lock:{sender}", "{}")
        gave_up = not await probe.wait_idle(sender, timeout_s=0.3)
        await client.aclose()
        return idle, waited, gave_up

    idle, waited, gave_up = run_async(scenario())
    assert idle and 0.4 < waited < 3.0
    assert gave_up
