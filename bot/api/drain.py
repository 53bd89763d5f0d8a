"""Stopping without dropping a turn: refuse new customer messages, finish those under way.

On SIGTERM (or Ctrl-C) the server (`bot.runtime.serving.DrainingServer`) calls `drain` while
it still listens: Rasa's calls back into this app (`/actions/webhook`) for the turns under
way are served, new customer messages get 503 with `Retry-After` (`bot.api.errors`), the
chat page an error frame, and `/livez` says `draining` so the balancer stops sending here.
Only then does uvicorn's own shutdown close the listener and the lifespan.
"""

from __future__ import annotations

import asyncio
import logging
import time

from bot.services import current

log = logging.getLogger(__name__)


async def drain(timeout_s: float) -> None:
    """Refuse new customer messages; wait at most `timeout_s` for the turns under way."""
    try:
        gateway = current().gateway
    except RuntimeError:  # not started yet: nothing under way
        return
    gateway.draining = True
    log.info("draining: %d turn(s) under way", gateway.in_flight)
    deadline = time.monotonic() + timeout_s
    while gateway.in_flight and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if gateway.in_flight:
        log.warning("drained with %d turn(s) still under way", gateway.in_flight)
    else:
        log.info("drained: no turn under way")
