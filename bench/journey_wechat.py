"""A journey's customer on WeChat: callbacks posted to `/wechat` as WeChat posts them.

The app answers within WeChat's passive window or later through the customer-service API; either
way the bot's turn is read back from the store, once the customer's message is no longer
waiting. Buttons reach a WeChat user as numbered choices, so a click is the typed number.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx

from bench.chat import Staff, last_turn
from tests.channels.conftest import AES_KEY, APP_ID, TOKEN
from tests.channels.wechat_sim import WechatSim

WAITING = {"stored", "received"}  # a customer message not answered (nor forwarded) yet


class WechatCustomer:
    """One WeChat user (a fresh openid) of the tests' Official Account."""

    def __init__(self, url: str, reader: Staff) -> None:
        self.sim = WechatSim(url.rstrip("/"), TOKEN, APP_ID, AES_KEY)
        self.reader = reader
        self.sender = "o6_bm" + uuid.uuid4().hex[:23]
        self.sent = 0

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send one text message; the bot's replies to it, as stored (text and buttons)."""
        reply = self.sim.post(self.sim.text(self.sender, text))
        if reply.status != 200:
            raise LookupError(f"/wechat answered {reply.status}: {reply.body[:200]}")
        self.sent += 1
        conv = self._settled()
        return [
            {"text": r.get("text"), "buttons": r.get("buttons")} for r in last_turn(conv).replies
        ]

    def choice(self, replies: list[dict[str, Any]], title: str) -> str:
        """The number to type for the button whose title contains `title`."""
        buttons = [str(b.get("title")) for r in replies for b in r.get("buttons") or []]
        for n, shown in enumerate(buttons, start=1):
            if title in shown:
                return str(n)
        raise LookupError(f"no choice {title!r} among {buttons}")

    def _settled(self, timeout_s: float = 60) -> dict[str, Any]:
        """The conversation once every message sent is answered or forwarded (a bound for a
        stuck turn, not a speed)."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                conv = self.reader.conversation(self.sender)
            except httpx.HTTPStatusError as exc:
                if exc.response.status_code != 404:
                    raise
                conv = {"messages": []}
            inbound = [m for m in conv["messages"] if m["direction"] == "in"]
            if len(inbound) >= self.sent and inbound[-1]["status"] not in WAITING:
                return conv
            if time.monotonic() > deadline:
                raise LookupError(f"message {self.sent} of {self.sender} not answered")
            time.sleep(0.1)

    def close(self) -> None:
        """Nothing to release (one request per callback)."""
