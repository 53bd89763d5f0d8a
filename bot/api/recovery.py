"""Pushing what the recovery of dead turns (`bot.gateway.recovery`) answered to the customer.

The recovery itself is built and started by the composition root (`bot.api.composition`), after
the handoff service (the bus to the chat pages of every replica, the WeChat and socket.io
outlets), so the first sweep's answers have somewhere to go.
"""

from __future__ import annotations

from bot.api.routes.chat import reply_frame
from bot.auth.visitor import is_visitor_id
from bot.gateway.recovery import Orphan
from bot.gateway.types import Outbound
from bot.handoff.service import HandoffService


async def push(handoff: HandoffService, orphan: Orphan, replies: list[Outbound]) -> None:
    """Send recovered replies to the customer: the chat page (on whichever replica it is
    connected) or the channel's outlet; REST callers get them when they send again."""
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
