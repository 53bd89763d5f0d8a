"""Answering what a dead process left unanswered (`bot.gateway.recovery`), wired into the app.

Its lifespan is included after every router's, so the handoff service (the bus to the chat
pages of every replica, the WeChat and socket.io outlets) is running when the first sweep
pushes its answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from bot.api.routes.chat import reply_frame
from bot.auth.visitor import is_visitor_id
from bot.gateway.recovery import Orphan, Recovery
from bot.gateway.types import Outbound
from bot.services import Services, current


async def push(services: Services, orphan: Orphan, replies: list[Outbound]) -> None:
    """Send recovered replies to the customer: the chat page (on whichever replica it is
    connected) or the channel's outlet; REST callers get them when they send again."""
    handoff = services.handoff
    if handoff is None:
        return
    if orphan.channel == "web":
        if not is_visitor_id(orphan.sender):
            return
        for reply in replies:
            frame = reply_frame(reply, orphan.client_id)
            await handoff.bus.publish("customer", {"key": f"web:{orphan.sender}", "frame": frame})
        return
    outlet = handoff.outlets.get(orphan.channel)
    if outlet is None:
        return
    for reply in replies:
        if reply.text:
            await outlet(orphan.sender, reply.text, reply.buttons, orphan.conversation_id)


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    """Sweep at start and then periodically, on the replica holding the lease."""
    services = current()

    async def deliver(orphan: Orphan, replies: list[Outbound]) -> None:
        await push(services, orphan, replies)

    recovery = Recovery(
        services.gateway, services.settings.recovery, services.leader, deliver=deliver
    )
    services.recovery = recovery
    await recovery.start()
    try:
        yield
    finally:
        await recovery.stop()
        services.recovery = None


router = APIRouter(lifespan=lifespan)
