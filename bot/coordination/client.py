"""The asyncio Redis client of the turn locks."""

from __future__ import annotations

import redis.asyncio as aredis
from redis.backoff import NoBackoff
from redis.retry import Retry

TIMEOUT_S = 1.0  # a Redis that does not answer within this is treated as down


def connect(url: str) -> aredis.Redis:
    """A client that fails fast: one immediate retry (a pooled connection a restart broke),
    then the caller degrades."""
    return aredis.from_url(
        url,
        decode_responses=True,
        socket_timeout=TIMEOUT_S,
        socket_connect_timeout=TIMEOUT_S,
        retry=Retry(NoBackoff(), 1),
        health_check_interval=10,
    )
