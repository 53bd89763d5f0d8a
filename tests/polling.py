"""One bounded poll for tests that wait on another thread, process or replica.

The bound is there for a stuck test, never as a latency check: a test that needs a speed says so
in a benchmark.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(
    probe: Callable[[], T],
    done: Callable[[T], bool] = bool,
    timeout_s: float = 60,
    interval_s: float = 0.05,
) -> T:
    """Call `probe` until `done` holds for its result or `timeout_s` passed.

    Args:
        probe: reads the state waited for.
        done: whether a result of `probe` is the one waited for (default: truthy).
        timeout_s: the bound for a stuck test.
        interval_s: pause between two probes.

    Returns:
        The last result of `probe` (the caller asserts on it, so a timeout fails with the state).
    """
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if done(result) or time.monotonic() > deadline:
            return result
        time.sleep(interval_s)


async def poll_until_async(
    probe: Callable[[], T],
    done: Callable[[T], bool] = bool,
    timeout_s: float = 60,
    interval_s: float = 0.01,
) -> T:
    """`poll_until` inside an event loop: pauses with `asyncio.sleep` so the loop keeps running."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = probe()
        if done(result) or time.monotonic() > deadline:
            return result
        await asyncio.sleep(interval_s)
