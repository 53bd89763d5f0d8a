"""Rasa's socket.io channel, served by Kefu: Rasa's web chat widget (`rasa-webchat`) and other
clients of that channel talk to Kefu unchanged.

The protocol is Rasa's (`rasa/core/channels/socketio.py`, session persistence on):

- the client sends `session_request` with its stored `session_id` (or none) and gets
  `session_confirm` with the id to use;
- it sends `user_uttered` `{"message", "session_id", "customData"?}`; every reply comes back as
  `bot_uttered`: `{"text"}`, `{"text", "quick_replies": [{"content_type": "text", "title",
  "payload"}]}` for buttons, `{"attachment": {"type": "image", "payload": {"src"}}}` for images;
- engineers' messages (after a handoff) reach the session's room as `bot_uttered` too.

Who a client is: session ids are issued by the server and signed, and a client that presents an
id the server did not issue gets a new one (the widget adopts what `session_confirm` says). The
session id is the client's secret: the conversation's sender is its unsigned part
(`sio-<hex>`, what staff, URLs and logs see), so knowing a sender from a log line or the
console is not enough to take the conversation over. The channel is `socketio`, apart from the
web page's and WeChat's senders. With Redis
(`KEFU_REDIS__URL`) emits reach a session's socket on any replica.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import socketio
from sqlalchemy import select

from bot.gateway.types import Button, Inbound, Outbound
from bot.storage.models import ChannelIdentity

log = logging.getLogger(__name__)
CHANNEL = "socketio"
PATH = "socket.io"


def quick_replies(buttons: Sequence[Button]) -> list[dict[str, str]]:
    """Buttons as Rasa's socket.io channel sends them."""
    return [{"content_type": "text", "title": b["title"], "payload": b["payload"]} for b in buttons]


def frames(reply: Outbound) -> list[dict[str, Any]]:
    """One reply as the `bot_uttered` frames Rasa's socket.io channel emits for it."""
    out: list[dict[str, Any]] = []
    if reply.text or reply.buttons:
        frame: dict[str, Any] = {"text": reply.text or ""}
        if reply.buttons:
            frame["quick_replies"] = quick_replies(reply.buttons)
        out.append(frame)
    if reply.image:
        out.append({"attachment": {"type": "image", "payload": {"src": reply.image}}})
    return out


class SessionIds:
    """Issues session ids and tells them from ids the server did not issue (HMAC-signed)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(f"kefu-socketio:{secret}".encode()).digest()

    def _sign(self, raw: str) -> str:
        return hmac.new(self._key, raw.encode(), hashlib.sha256).hexdigest()[:24]

    def issue(self) -> str:
        raw = uuid.uuid4().hex
        return f"{raw}.{self._sign(raw)}"

    def valid(self, session_id: object) -> bool:
        if not isinstance(session_id, str) or session_id.count(".") != 1 or len(session_id) > 64:
            return False
        raw, sig = session_id.split(".")
        return hmac.compare_digest(sig, self._sign(raw))


def sender_of(session_id: str) -> str:
    """The sender of a (valid) session id's conversation: its unsigned part, never the id."""
    return f"sio-{session_id.split('.')[0]}"


class RasaSocketChannel:
    """The socket.io server and its event handlers.

    Args:
        services: returns the running app's services (gateway, texts, settings).
        secret: signs the session ids.
        redis_url: Redis for emits across replicas, or None (this process only).
    """

    def __init__(self, services: Callable[[], Any], secret: str, redis_url: str | None) -> None:
        manager = socketio.AsyncRedisManager(redis_url) if redis_url else None
        self.sio = socketio.AsyncServer(
            async_mode="asgi",
            cors_allowed_origins="*",  # embedded on customers' own sites, like the widget
            client_manager=manager,
            logger=False,
            engineio_logger=False,
        )
        self.services = services
        self.ids = SessionIds(secret)
        self.sio.on("connect", self._connect)
        self.sio.on("session_request", self._session_request)
        self.sio.on("user_uttered", self._user_uttered)

    def asgi(self) -> socketio.ASGIApp:
        """The ASGI app to mount at `/socket.io`."""
        return socketio.ASGIApp(self.sio, socketio_path="")

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        return True

    async def _session_request(self, sid: str, data: Any) -> None:
        asked = data.get("session_id") if isinstance(data, dict) else None
        session_id = asked if isinstance(asked, str) and self.ids.valid(asked) else self.ids.issue()
        sender = await asyncio.to_thread(self._sender, session_id)
        await self.sio.enter_room(sid, sender)  # replies and engineers' messages go to the room
        await self.sio.save_session(sid, {"session_id": session_id, "sender": sender})
        await self.sio.emit("session_confirm", session_id, room=sid)

    def _sender(self, session_id: str) -> str:
        """`sender_of`; a session whose conversation began under the whole id (before senders
        left the signature out) keeps that sender, so it goes on where it was."""
        db = getattr(self.services(), "db", None)
        if db is not None:
            with db.session() as s:
                legacy = s.scalar(
                    select(ChannelIdentity.id).where(
                        ChannelIdentity.channel == CHANNEL, ChannelIdentity.sender == session_id
                    )
                )
            if legacy is not None:
                return session_id
        return sender_of(session_id)

    async def _user_uttered(self, sid: str, data: Any) -> None:
        session = await self.sio.get_session(sid)
        sender = session.get("sender")
        svc = self.services()
        if not sender:  # a client that skipped session_request
            await self._session_request(sid, None)
            sender = (await self.sio.get_session(sid))["sender"]
        text = data.get("message") if isinstance(data, dict) else None
        if not isinstance(text, str) or not text.strip():
            await self.sio.emit("bot_uttered", {"text": svc.texts.get("empty_message")}, room=sid)
            return
        limit = svc.settings.max_message_chars
        if len(text) > limit:
            notice = svc.texts.get("message_too_long", limit=limit)
            await self.sio.emit("bot_uttered", {"text": notice}, room=sid)
            return
        custom = data.get("customData") if isinstance(data.get("customData"), dict) else {}
        metadata = {str(k)[:64]: str(v)[:256] for k, v in list(custom.items())[:8]}
        inbound = Inbound(
            channel=CHANNEL,
            sender=sender,
            text=text,
            payload=text if text.startswith("/") else None,
            metadata=metadata,
        )
        turn = await svc.gateway.handle(inbound)
        for reply in turn.replies:
            for frame in frames(reply):
                await self.sio.emit("bot_uttered", frame, room=sender)

    async def deliver(
        self, sender: str, text: str, buttons: Sequence[Button], conversation_id: int
    ) -> None:
        """What an engineer (or the desk) says to a socket.io customer (a handoff outlet)."""
        frame: dict[str, Any] = {"text": text}
        if buttons:
            frame["quick_replies"] = quick_replies(buttons)
        await self.sio.emit("bot_uttered", frame, room=sender)
