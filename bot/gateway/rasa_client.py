"""The gateway's client of the Rasa server's REST channel."""

from __future__ import annotations

from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time, refused the connection, or answered with an error."""


class RasaClient:
    """Sends user messages to Rasa's REST channel and returns its bot messages."""

    def __init__(self, url: str, timeout_s: float) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(timeout_s, connect=2.0))

    async def send(
        self, sender: str, message: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Post one message to `/webhooks/rest/webhook`; raise `RasaUnavailable` on failure."""
        body = {"sender": sender, "message": message, "metadata": metadata}
        try:
            resp = await self._client.post(f"{self.url}/webhooks/rest/webhook", json=body)
        except httpx.HTTPError as exc:
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code != 200:
            raise RasaUnavailable(f"HTTP {resp.status_code}: {resp.text[:200]}")
        data = resp.json()
        if not isinstance(data, list):
            raise RasaUnavailable(f"unexpected reply: {str(data)[:200]}")
        return data

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
