"""The gateway's client of the Rasa server's REST channel."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from bot.coordination.locks import RasaLockProbe


class RasaUnavailable(Exception):
    """Rasa did not answer in time, refused the connection, or answered with an error."""


SENDER_HEADER = "X-Kefu-Sender"
"""Names the conversation for a load balancer in front of several Rasa replicas, which routes
every sender to one replica by a consistent hash (deploy/haproxy.cfg); Rasa ignores it."""


class RasaClient:
    """Sends user messages to Rasa's REST channel and returns its bot messages."""

    def __init__(
        self,
        url: str,
        timeout_s: float,
        api_token: str | None = None,
        probe: RasaLockProbe | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.api_token = api_token
        # Rasa's own lock of a conversation (production): a message waits until Rasa finished
        # the customer's previous one, even one the gateway stopped waiting for.
        self.probe = probe
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0))

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Post one message to `/webhooks/rest/webhook`; raise `RasaUnavailable` on failure."""
        body = {"sender": sender, "message": message, "metadata": metadata}
        if self.probe is not None:
            await self.probe.wait_idle(sender, self.timeout_s)
        try:
            resp = await self._client.post(
                f"{self.url}/webhooks/rest/webhook", json=body, headers={SENDER_HEADER: sender}
            )
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise RasaUnavailable(f"HTTP {resp.status_code}: {resp.text[:200]}")
        data = resp.json()
        if not isinstance(data, list):
            raise RasaUnavailable(f"unexpected reply: {str(data)[:200]}")
        return data

    async def replies_to(self, sender: str, message_id: int) -> list[dict[str, Any]] | None:
        """What Rasa answered to the stored message `message_id`, if it processed it.

        A turn cut short (its app replica died, Rasa timed out) may have reached Rasa all the
        same; its tracker says so (the `message_id` is in the user event's metadata). None
        when Rasa did not process it, or cannot tell (API off, unreachable): then the caller
        sends the message.
        """
        if not self.api_token:
            return None
        if self.probe is not None and not await self.probe.wait_idle(sender, self.timeout_s):
            return None
        try:
            resp = await self._client.get(
                f"{self.url}/conversations/{quote(sender, safe='')}/tracker",
                params={"token": self.api_token, "include_events": "AFTER_RESTART"},
                headers={SENDER_HEADER: sender},
            )
        except httpx.HTTPError:
            return None
        if resp.status_code != 200:
            return None
        found: list[dict[str, Any]] | None = None
        for event in resp.json().get("events") or []:
            kind = event.get("event")
            if kind == "user":
                if found is not None:
                    break  # the next message: its turn ended before
                if (event.get("metadata") or {}).get("message_id") == message_id:
                    found = []
            elif kind == "bot" and found is not None:
                data = {k: v for k, v in (event.get("data") or {}).items() if v}
                found.append({"recipient_id": sender, "text": event.get("text"), **data})
        return found

    async def start_session(self, sender: str) -> None:
        """Start a new Rasa session for `sender` (Rasa's `/session_start`; slots carry over).

        Rasa sends the events of the current session to every action call; a conversation of
        hundreds of turns would otherwise post ever larger trackers.
        """
        await self.send(sender, "/session_start", {})

    async def ping(self) -> bool:
        """True when the Rasa server answers its root path."""
        try:
            resp = await self._client.get(f"{self.url}/", timeout=1.5)
        except httpx.HTTPError:
            return False
        return resp.status_code == 200

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()
