"""A web visitor's live connection as the chat page opens it: `/ws/chat`, then a hello frame
with the visitor token the server issued (none the first time: the server issues one)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from websockets.sync.client import ClientConnection, connect


@dataclass
class Visitor:
    """The identity the server issued: the visitor id and the token that proves it."""

    sender: str
    token: str


@contextmanager
def chat_socket(
    base_url: str, visitor: Visitor | None = None, **connect_kw: Any
) -> Iterator[tuple[ClientConnection, Visitor]]:
    """Open the chat socket as `visitor` (a new visitor when None); the next frame the test
    reads is the history."""
    url = base_url.replace("http://", "ws://").replace("https://", "wss://") + "/ws/chat"
    with connect(url, **connect_kw) as ws:
        ws.send(json.dumps({"type": "hello", "token": visitor.token if visitor else None}))
        if visitor is None:
            frame = json.loads(ws.recv(timeout=30))
            assert frame["type"] == "session", frame
            visitor = Visitor(frame["sender"], frame["token"])
        yield ws, visitor
