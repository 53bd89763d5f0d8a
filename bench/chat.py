"""A customer and a supervisor of a running Kefu app, over its public API.

Used by the follow-up benchmark (`bench.followups`) and the journey suite (`bench.journeys`,
`tests/journeys`): messages go through the REST channel like any client's, and what the bot made
of them is read back from `GET /api/conversations/{sender}` with a supervisor's login.
"""

from __future__ import annotations

import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import jwt

from bot.config import ROOT, get_settings
from bot.profile.token import token_secret
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack

T = TypeVar("T")


def customer_token(member_id: str, secret: str | None = None) -> str:
    """A signed customer token, as a web site passes it in the chat metadata; by default with
    this checkout's key (`KEFU_AUTH__CUSTOMER_TOKEN_SECRET`, or the one generated under var/)."""
    key = secret or token_secret(get_settings())
    if key is None:
        raise RuntimeError("customer tokens are off: set KEFU_AUTH__CUSTOMER_TOKEN_SECRET")
    return jwt.encode({"sub": member_id, "exp": int(time.time()) + 3600}, key, "HS256")


@dataclass
class BotTurn:
    """The bot's replies to one customer message, as stored (with their `kefu` diagnostics)."""

    replies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        """The replies' texts."""
        return [str(r.get("text") or "") for r in self.replies]

    @property
    def matches(self) -> list[dict[str, Any]]:
        """The `match` (`custom.kefu`) of every reply that has one."""
        return [r["match"] for r in self.replies if isinstance(r.get("match"), dict)]

    def answered(self) -> str | None:
        """The question answered (or whose tree was started) in this turn, if any."""
        for m in self.matches:
            if m.get("decision") == "answer" and m.get("question_id"):
                return str(m["question_id"])
        return None

    def clarified(self) -> list[str]:
        """Question ids offered as buttons when the bot asked back."""
        ids: list[str] = []
        for r in self.replies:
            for b in r.get("buttons") or []:
                payload = str(b.get("payload") or "")
                if payload.startswith("/choose_question"):
                    ids.append(payload.split('"question_id": "')[-1].split('"')[0])
        return ids


class Staff:
    """A logged-in staff member (a bearer token, fetched once and shared by threads)."""

    def __init__(self, url: str, username: str = "super", password: str = "super") -> None:
        self.url = url.rstrip("/")
        self.username, self.password = username, password
        self._token: str | None = None
        self._lock = threading.Lock()

    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        with self._lock:
            if self._token is None:
                resp = httpx.post(
                    f"{self.url}/api/auth/token",
                    data={"username": self.username, "password": self.password},
                    timeout=30,
                )
                resp.raise_for_status()
                self._token = str(resp.json()["access_token"])
        return {"Authorization": f"Bearer {self._token}"}

    def get(self, path: str) -> Any:
        """GET a staff API path; the JSON body."""
        resp = httpx.get(f"{self.url}{path}", headers=self.headers(), timeout=30)
        resp.raise_for_status()
        return resp.json()

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """POST to a staff API path; the JSON body."""
        resp = httpx.post(f"{self.url}{path}", headers=self.headers(), json=body or {}, timeout=30)
        resp.raise_for_status()
        return resp.json()

    def conversation(self, sender: str) -> dict[str, Any]:
        """`GET /api/conversations/{sender}`."""
        return dict(self.get(f"/api/conversations/{sender}"))


class Customer:
    """One channel user talking to the bot over the REST channel."""

    def __init__(
        self, url: str, sender: str, member_id: str | None = None, secret: str | None = None
    ) -> None:
        self.url = url.rstrip("/")
        self.sender = sender
        self.member_id = member_id
        self.secret = secret  # the app's customer-token key (default: this checkout's)
        self.client = httpx.Client(timeout=60)

    def say(self, text: str) -> list[dict[str, Any]]:
        """Send one message; the replies in Rasa's REST shape."""
        token = customer_token(self.member_id, self.secret) if self.member_id else None
        metadata = {"customer_token": token} if token else {}
        resp = self.client.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": self.sender, "message": text, "metadata": metadata},
        )
        resp.raise_for_status()
        return list(resp.json())

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()


def last_turn(conversation: dict[str, Any]) -> BotTurn:
    """The bot's stored replies after the customer's last message."""
    messages = conversation.get("messages") or []
    last_in = max((i for i, m in enumerate(messages) if m.get("direction") == "in"), default=-1)
    return BotTurn([m for m in messages[last_in + 1 :] if m.get("direction") == "out"])


def on_stack(url: str | None, measure: Callable[[str], T]) -> T:
    """Run `measure` against the app at `url`, or against Rasa + the app started here."""
    if url:
        return measure(url)
    train_if_changed(ROOT / "models")
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalStack(model_path(ROOT / "models"), Path(tmp)) as stack,
    ):
        return measure(stack.url)
