"""uvicorn that drains the app before it stops (`bot serve`)."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable
from types import FrameType

import uvicorn

log = logging.getLogger(__name__)


class DrainingServer(uvicorn.Server):
    """On the first SIGTERM or Ctrl-C, run `drain` while still listening, then stop.

    uvicorn's own graceful shutdown closes the listening socket first and then waits for the
    open requests; a turn under way, though, needs Rasa to call back into this app for its
    actions on a new connection. So the listener stays open until `drain` returns; a second
    signal stops at once (as uvicorn does).

    Args:
        config: uvicorn's configuration.
        drain: refuses new work and returns once the work under way is done.
    """

    def __init__(self, config: uvicorn.Config, drain: Callable[[], Awaitable[None]]) -> None:
        super().__init__(config)
        self.drain = drain
        self.draining = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drainer: asyncio.Task[None] | None = None

    async def serve(self, sockets: list[socket.socket] | None = None) -> None:
        """Serve until stopped (remembers the loop the signal handler hands the drain to)."""
        self._loop = asyncio.get_running_loop()
        await super().serve(sockets)

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """The signal handler: the first signal drains, the next ones are uvicorn's."""
        if self.draining or self.should_exit or self._loop is None:
            super().handle_exit(sig, frame)
            return
        self.draining = True
        self._captured_signals.append(sig)  # re-raised after shutdown, as uvicorn does
        self._loop.call_soon_threadsafe(self._start_drain)

    def _start_drain(self) -> None:
        self._drainer = asyncio.ensure_future(self._drain_then_exit())

    async def _drain_then_exit(self) -> None:
        try:
            await self.drain()
        except Exception:  # noqa: BLE001 - stop anyway
            log.exception("drain failed")
        finally:
            self.should_exit = True
