"""The web chat surface: Rasa's REST channel convention, the page and its live connection."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, WebSocket, WebSocketDisconnect
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, ValidationError, field_validator

from bot.api.deps import ServicesDep
from bot.api.routes.chat_callback import on_callback_frame
from bot.auth.visitor import is_visitor_id
from bot.gateway.types import Draining, Inbound, Outbound
from bot.handoff import HandoffError, live
from bot.handoff.hub import Connection, Gate
from bot.services import Services
from bot.storage import repository as repo
from bot.storage.transcripts import page_history

log = logging.getLogger(__name__)
router = APIRouter()
STATIC = Path(__file__).resolve().parent.parent.parent / "web" / "static"
SENDER_PATTERN = r"^[\w\-.:@]{1,128}$"


def valid_unicode(value: str) -> str:
    """The text itself, when it can be stored (no lone surrogate escaped in JSON)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError("text holds a lone surrogate: not valid Unicode") from err
    return value


class RestMessage(BaseModel):
    """Rasa REST channel input: `{"sender", "message", "metadata"?}`."""

    sender: str = Field(pattern=SENDER_PATTERN)
    message: str
    metadata: dict[str, Any] | None = None

    @field_validator("sender")
    @classmethod
    def _not_a_visitor(cls, value: str) -> str:
        # Web visitors' ids belong to the chat page's signed sessions (bot.auth.visitor).
        if is_visitor_id(value):
            raise ValueError("this sender id is reserved for web chat visitors")
        return value

    @field_validator("message")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message is empty")
        return valid_unicode(value)


def _check_rest_key(svc: Services, presented: str | None) -> None:
    """With keys configured (`KEFU_AUTH__REST_KEYS`), the caller must present one of them."""
    keys = svc.settings.auth.rest_keys
    if not keys:
        return
    given = (presented or "").encode()
    if not any(hmac.compare_digest(given, key.encode()) for key in keys.values()):
        raise HTTPException(
            401,
            detail={"code": "rest_key_required", "message": "a valid X-Kefu-Key header is needed"},
        )


def _check_length(svc: Services, text: str) -> None:
    limit = svc.settings.max_message_chars
    if len(text) > limit:
        raise HTTPException(
            413,
            detail={
                "code": "message_too_long",
                "message": svc.texts.get("message_too_long", limit=limit),
                "limit": limit,
            },
        )


@router.post("/webhooks/rest/webhook", tags=["chat"])
async def rest_webhook(
    body: RestMessage,
    svc: ServicesDep,
    idempotency_key: Annotated[str | None, Header(max_length=64, pattern=r"^[\w\-.:]+$")] = None,
    x_kefu_key: Annotated[str | None, Header(max_length=256)] = None,
) -> list[dict[str, Any]]:
    """Send one user message; the bot's messages come back in Rasa's REST shape.

    A client that sends again after a lost response (a replica died, a 503) passes the same
    `Idempotency-Key` header: the message is stored and answered once, and the stored answer
    comes back again. With REST keys configured, `X-Kefu-Key` must hold one.
    """
    _check_rest_key(svc, x_kefu_key)
    _check_length(svc, body.message)
    inbound = Inbound(
        channel="web",
        sender=body.sender,
        text=body.message,
        metadata=body.metadata or {},
        client_id=idempotency_key,
    )
    turn = await svc.gateway.handle(inbound)
    return [r.to_rest(body.sender) for r in turn.replies]


@router.get("/chat", include_in_schema=False)
async def chat_page() -> FileResponse:
    """The web chat page."""
    return FileResponse(STATIC / "chat.html", media_type="text/html")


class WsMessage(BaseModel):
    """What the page sends over its live connection."""

    type: str = Field(pattern="^message$")
    id: str = Field(default_factory=lambda: uuid.uuid4().hex, max_length=64)
    text: str = Field(max_length=100_000)
    payload: str | None = Field(None, max_length=2_000)
    # The page's own metadata; only a signed `customer_token` in it is trusted (bot.profile).
    metadata: dict[str, str] = Field(default_factory=dict, max_length=8)
    # The id of a picture or file this visitor uploaded (`POST /api/media/chat`).
    attachment: str | None = Field(None, max_length=48, pattern=r"^[\w\-]+$")


HELLO_TIMEOUT_S = 15.0
CLOSE_UNIDENTIFIED = 4401  # the first frame was not a hello


@router.websocket("/ws/chat")
async def chat_socket(ws: WebSocket, svc: ServicesDep) -> None:
    """The page's live connection: history on connect, then ack / typing / replies, and what
    engineers send (pushed here from any replica).

    The first frame names the visitor: `{"type": "hello", "token": <visitor token> | null}`.
    Without a valid token the server issues a new visitor (`{"type": "session", "token",
    "sender"}`, which the page keeps); a bare id (e.g. `?sender=` in the URL) opens nothing.
    """
    await ws.accept()
    sender = await _identify(ws, svc)
    if sender is None:
        return
    gate = Gate(ws.send_json)  # engineers' messages wait until the history is out
    cid = svc.handoff.customers.add(Connection(f"web:{sender}", gate))
    try:
        history = await _history(svc, sender)
        await ws.send_json({"type": "history", "messages": history})
        await gate.open({m["id"] for m in history if "id" in m})
        while True:
            raw = await ws.receive_text()
            await _on_socket_message(ws, svc, sender, raw)
    except WebSocketDisconnect:
        return
    finally:
        svc.handoff.customers.remove(f"web:{sender}", cid)


async def _identify(ws: WebSocket, svc: Services) -> str | None:
    """The visitor the hello frame's token names, or a new one; None after closing the socket
    of a client that sent anything else first."""
    try:
        raw = await asyncio.wait_for(ws.receive_text(), HELLO_TIMEOUT_S)
        data = json.loads(raw)
    except WebSocketDisconnect:
        return None
    except (TimeoutError, ValueError, KeyError):
        data = None
    if not isinstance(data, dict) or data.get("type") != "hello":
        text = svc.texts.get("chat_hello_required")
        await ws.send_json({"type": "error", "code": "hello_required", "text": text})
        await ws.close(code=CLOSE_UNIDENTIFIED)
        return None
    sender = svc.visitors.read(data.get("token"))
    if sender is None:
        sender, token = svc.visitors.issue()
        await ws.send_json({"type": "session", "token": token, "sender": sender})
    return sender


class WsFeedback(BaseModel):
    """A thumbs up/down on a bot answer; `ref` is the client id of the user's message."""

    type: str = Field(pattern="^feedback$")
    ref: str | None = Field(None, max_length=64)
    value: str = Field(pattern="^(up|down)$")


async def _on_socket_message(ws: WebSocket, svc: Services, sender: str, raw: str) -> None:
    try:
        data = json.loads(raw)
        if isinstance(data, dict) and data.get("type") == "feedback":
            await _on_feedback(svc, sender, WsFeedback.model_validate(data))
            return
        if isinstance(data, dict) and data.get("type") in ("rating", "typing"):
            await _on_handoff_frame(ws, svc, sender, data)
            return
        if isinstance(data, dict) and data.get("type") in ("callback_slots", "callback"):
            await on_callback_frame(ws, svc, sender, data)
            return
        msg = WsMessage.model_validate(data)
    except (json.JSONDecodeError, ValidationError):
        await ws.send_json(
            {"type": "error", "code": "invalid_message", "text": svc.texts.get("invalid_message")}
        )
        return
    if not msg.text.strip() and not msg.payload and not msg.attachment:
        await ws.send_json(
            {"type": "error", "code": "empty_message", "text": svc.texts.get("empty_message")}
        )
        return
    limit = svc.settings.max_message_chars
    if len(msg.text) > limit:
        await ws.send_json(
            {
                "type": "error",
                "code": "message_too_long",
                "id": msg.id,
                "text": svc.texts.get("message_too_long", limit=limit),
            }
        )
        return

    attachment = await _attachment(svc, sender, msg.attachment) if msg.attachment else None
    if msg.attachment and attachment is None:
        text = svc.texts.get("media_attachment_invalid")
        frame = {"type": "error", "code": "attachment_invalid", "id": msg.id, "text": text}
        await ws.send_json(frame)
        return

    async def acked(_: int) -> None:
        await ws.send_json({"type": "ack", "id": msg.id})
        await ws.send_json({"type": "typing", "on": True})

    inbound = Inbound(
        channel="web",
        sender=sender,
        text=msg.text,
        payload=msg.payload,
        metadata=dict(msg.metadata),
        client_id=msg.id,
        attachment=attachment,
    )
    try:
        turn = await svc.gateway.handle(inbound, on_stored=acked)
    except Draining:  # not accepted (no ack): the page sends it again once reconnected
        text = svc.texts.get("service_busy")
        await ws.send_json({"type": "error", "code": "draining", "id": msg.id, "text": text})
        return
    for reply in turn.replies:
        await ws.send_json(reply_frame(reply, msg.id))
    await ws.send_json({"type": "typing", "on": False})
    await ws.send_json({"type": "done", "id": msg.id})  # the page stops waiting for it


async def _attachment(svc: Services, sender: str, media_id: str) -> dict[str, Any] | None:
    """The view of a file this visitor uploaded, or None (unknown, or someone else's)."""
    stored = await asyncio.to_thread(svc.media.find, media_id)
    if stored is None or stored.channel != "web" or stored.sender != sender:
        return None
    return stored.view()


def reply_frame(reply: Outbound, reply_to: str | None) -> dict[str, Any]:
    """The page's frame of one reply to the message the page sent with id `reply_to`."""
    return {
        "type": "bot" if reply.role == "bot" else reply.role,
        "text": reply.text,
        "buttons": reply.buttons,
        "links": reply.public_custom().get("links", []),
        "image": reply.image,
        "reply_to": reply_to,
    }


async def _on_feedback(svc: Services, sender: str, feedback: WsFeedback) -> None:
    def store() -> None:
        with svc.db.session() as s:
            conv = repo.open_conversation(s, "web", sender)
            repo.record_feedback(s, conv, feedback.ref, feedback.value)

    await asyncio.to_thread(store)


class WsRating(BaseModel):
    """The customer's rating of an engineer's service, after close."""

    type: str = Field(pattern="^rating$")
    handoff: int
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(None, max_length=500)


async def _on_handoff_frame(
    ws: WebSocket, svc: Services, sender: str, data: dict[str, Any]
) -> None:
    """Typing (shown to the engineer) and the rating after an engineer closed."""
    if data.get("type") == "typing":
        await live.customer_typing(svc.handoff, "web", sender)
        return
    rating = WsRating.model_validate(data)
    try:
        text = await live.rate(
            svc.handoff, "web", sender, rating.handoff, rating.score, rating.comment
        )
    except HandoffError as exc:
        await ws.send_json({"type": "error", "code": exc.code, "text": exc.message})
        return
    await ws.send_json({"type": "rated", "handoff": rating.handoff, "text": text})


async def _history(svc: Services, sender: str) -> list[dict[str, Any]]:
    def load() -> list[dict[str, Any]]:
        with svc.db.session() as s:
            return page_history(s, sender)  # every conversation, closed ones too

    return await asyncio.to_thread(load)
