"""Handoff to engineers: queues by skill, routing, tickets, the context package, live consoles.

How a conversation moves::

    bot decides (kefu.route / request_human)  -> open(): offered | queued | ticket
    queued --dispatch (skills, load, idle time)--> offered --accept--> active
    active --transfer--> queued/offered;  --return_to_bot--> returned;  --close--> closed (+ rating)
    queued/offered --customer "留言"--> ticket;  --customer "取消排队"--> cancelled

While a handoff is queued, offered or active the gateway does not ask Rasa: the customer's
messages go to the consoles (`HandoffService.on_customer_message`).
"""

from bot.handoff.errors import HandoffError
from bot.handoff.opening import HandoffRequest, request_from_reply
from bot.handoff.service import HandoffService

__all__ = ["HandoffError", "HandoffRequest", "HandoffService", "request_from_reply"]
