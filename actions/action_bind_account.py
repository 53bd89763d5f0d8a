"""`action_bind_account`: link this chat (web visitor or WeChat openid) to a customer.

Two messages, no slots: "绑定 13912345601" (or a member id) sends a code to the customer's phone
(in the sample setup the code is written to the app log); "验证码 123456" checks it. From then
on the customer's history and tags follow this chat.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import answered_in_tree, turn_context, utter
from bot.dialogue.answering import answer_text
from bot.services import current
from bot.storage.payload import BotReport

_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_MEMBER = re.compile(r"(?i)(?<![a-z0-9])xl\d{8}(?!\d)")
_CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


class ActionBindAccount(Action):
    """Request or verify a binding code."""

    def name(self) -> str:
        return "action_bind_account"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        services = current()
        read = answered_in_tree(dispatcher, services, tracker)
        if read is not None:
            return read
        metadata: dict[str, Any] = tracker.latest_message.get("metadata") or {}
        channel = str(metadata.get("channel") or "web")
        text = str(tracker.latest_message.get("text") or "")
        texts = services.texts
        ident = _PHONE.search(text) or _MEMBER.search(text)
        if ident is not None:
            sent = services.binding.request_code(channel, tracker.sender_id, ident.group(0))
            # "sent" and "unknown" read the same, so nobody can probe who is a customer.
            key = {"invalid": "bind_invalid", "throttled": "bind_throttled"}.get(
                sent.status, "bind_code_sent"
            )
            dispatcher.utter_message(text=texts.get(key))
            return []
        code = _CODE.search(text)
        if code is None:
            _, tags = turn_context(tracker)
            reply = answer_text(services.knowledge, text, tags=tags, channel=channel)
            if reply.decision == "answer":
                # A question about accounts (「怎么更换账号绑定的手机号」), not a binding step.
                utter(dispatcher, reply, "ask_question")
                return []
            dispatcher.utter_message(text=texts.get("bind_how"))
            return []
        result = services.binding.verify_code(channel, tracker.sender_id, code.group(0))
        dispatcher.utter_message(
            text=texts.get(f"bind_{result.status}", left=result.attempts_left),
            custom=BotReport(bound=result.status == "bound").custom(),
        )
        return []
