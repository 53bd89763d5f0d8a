"""The agent console's API: handoffs with their context, engineer actions, tickets, and the
console's live connection (`/ws/agent`)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Query,
    WebSocket,
    WebSocketDisconnect,
)
from pydantic import BaseModel, Field

from bot.api.console_audit import AuditedSend
from bot.api.deps import ServicesDep, StaffUserClaims, audited, require_roles, staff_claims
from bot.handoff import HandoffError, HandoffService, console, live

CONSOLE_ROLES = ("agent", "supervisor", "admin")


router = APIRouter(tags=["agent"])
Staff = Annotated[StaffUserClaims, Depends(require_roles("agent", "supervisor"))]
Supervisor = Annotated[StaffUserClaims, Depends(require_roles("supervisor"))]


def get_handoff(svc: ServicesDep) -> HandoffService:
    """The running handoff service."""
    return svc.handoff


HandoffDep = Annotated[HandoffService, Depends(get_handoff)]


@contextmanager
def answered() -> Iterator[None]:
    """Handoff errors as HTTP errors with their code."""
    try:
        yield
    except HandoffError as exc:
        raise HTTPException(exc.status, detail={"code": exc.code, "message": exc.message}) from exc


class Link(BaseModel):
    """A purchase / booking link card."""

    title: str = Field(min_length=1, max_length=100)
    url: str = Field(pattern=r"^https?://", max_length=1000)


class AgentMessage(BaseModel):
    """An engineer's message to the customer (text, a link card, or both)."""

    text: str = Field("", max_length=2000)
    link: Link | None = None


class Note(BaseModel):
    """An internal note: engineers only."""

    text: str = Field(min_length=1, max_length=2000)


class Transfer(BaseModel):
    """Where to: a queue (skill id) or an engineer (username), with a note for them."""

    queue: str | None = Field(None, max_length=40)
    agent: str | None = Field(None, max_length=64)
    note: str = Field("", max_length=2000)


class Status(BaseModel):
    """An engineer's status."""

    status: str = Field(pattern="^(online|busy|away)$")


class AgentProfileUpdate(BaseModel):
    """Skills and capacity of an engineer."""

    skills: list[str] | None = None
    capacity: int | None = Field(None, ge=1, le=50)


class TicketAssign(BaseModel):
    """Who takes a ticket (the caller when empty)."""

    agent: str | None = Field(None, max_length=64)


class TicketClose(BaseModel):
    """The answer that goes to the customer."""

    answer: str = Field(min_length=1, max_length=4000)


@router.get("/api/handoffs")
async def list_handoffs(
    handoff: HandoffDep,
    user: Staff,
    status: str = "live",
    mine: bool = False,
    context: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[dict[str, Any]]:
    """Handoffs (`status`: live, waiting, queued, offered, active, ended, closed, all), each
    with its context package."""
    with answered():
        agent = user["username"] if mine else None
        found = await console.list_handoffs(handoff, status, agent, limit, context)
    if context:  # the context packages carry the transcripts
        ids = [h["id"] for h in found]
        await audited(handoff.db, user, "handoff.list", "handoff", "*", ids=ids)
    return found


@router.get("/api/handoffs/{handoff_id}")
async def get_one(handoff_id: int, handoff: HandoffDep, user: Staff) -> dict[str, Any]:
    """One handoff: summary, context package, notes, events, rating."""
    with answered():
        found = await console.handoff_detail(handoff, handoff_id)
    await audited(handoff.db, user, "handoff.read", "handoff", handoff_id)
    return found


@router.get("/api/handoffs/{handoff_id}/suggestions")
async def suggestions(
    handoff_id: int, handoff: HandoffDep, _: Staff, q: str = ""
) -> list[dict[str, Any]]:
    """Knowledge answers for the customer's latest words (or for `q`)."""
    with answered():
        if q.strip():
            return await console.search(handoff, q, handoff_id)
        return (await console.handoff_detail(handoff, handoff_id))["context"]["suggestions"]


async def _act(
    handoff: HandoffService, user: StaffUserClaims, hid: int, action: str, **kw: Any
) -> dict[str, Any]:
    with answered():
        await handoff.act(user["username"], user["role"], hid, action, **kw)
        found = await console.handoff_detail(handoff, hid)
    detail = {k: v for k, v in kw.items() if k in ("queue", "agent", "takeover") and v}
    await audited(handoff.db, user, f"handoff.{action}", "handoff", hid, **detail)
    return found


@router.post("/api/handoffs/{handoff_id}/accept")
async def accept(handoff_id: int, handoff: HandoffDep, user: Staff) -> dict[str, Any]:
    """Take a waiting conversation."""
    return await _act(handoff, user, handoff_id, "accept")


@router.post("/api/handoffs/{handoff_id}/takeover")
async def takeover(handoff_id: int, handoff: HandoffDep, user: Supervisor) -> dict[str, Any]:
    """A supervisor takes over any live conversation."""
    return await _act(handoff, user, handoff_id, "accept", takeover=True)


@router.post("/api/handoffs/{handoff_id}/messages")
async def send(
    handoff_id: int, body: AgentMessage, handoff: HandoffDep, user: Staff
) -> dict[str, Any]:
    """Write to the customer; a link card with `link`."""
    if not body.text.strip() and body.link is None:
        raise HTTPException(422, detail={"code": "empty_message", "message": "消息不能为空"})
    link = body.link.model_dump() if body.link else None
    return await _act(handoff, user, handoff_id, "send", text=body.text, link=link)


@router.post("/api/handoffs/{handoff_id}/notes")
async def note(handoff_id: int, body: Note, handoff: HandoffDep, user: Staff) -> dict[str, Any]:
    """Add an internal note."""
    return await _act(handoff, user, handoff_id, "note", text=body.text)


@router.post("/api/handoffs/{handoff_id}/transfer")
async def transfer(
    handoff_id: int, body: Transfer, handoff: HandoffDep, user: Staff
) -> dict[str, Any]:
    """Transfer to a queue or an engineer, with a note."""
    if (body.queue is None) == (body.agent is None):
        raise HTTPException(422, detail={"code": "bad_target", "message": "请选择队列或工程师之一"})
    kw = {"queue": body.queue, "agent": body.agent, "note": body.note}
    return await _act(handoff, user, handoff_id, "transfer", **kw)


@router.post("/api/handoffs/{handoff_id}/return")
async def return_to_bot(handoff_id: int, handoff: HandoffDep, user: Staff) -> dict[str, Any]:
    """Give the conversation back to the bot."""
    return await _act(handoff, user, handoff_id, "return_to_bot")


@router.post("/api/handoffs/{handoff_id}/close")
async def close(handoff_id: int, handoff: HandoffDep, user: Staff) -> dict[str, Any]:
    """Close the conversation; the customer is asked for a rating."""
    return await _act(handoff, user, handoff_id, "close")


@router.get("/api/agent/overview")
async def overview(handoff: HandoffDep, _: Staff) -> dict[str, Any]:
    """Queues, waiting times, engineers, flagged conversations, ratings."""
    return await console.overview(handoff)


@router.put("/api/agent/status")
async def set_status(body: Status, handoff: HandoffDep, user: Staff) -> dict[str, str]:
    """Set my status: online, busy or away."""
    with answered():
        await console.set_status(handoff, user["username"], body.status)
    return {"status": body.status}


@router.put("/api/agent/profiles/{username}")
async def update_profile(
    username: str, body: AgentProfileUpdate, handoff: HandoffDep, _: Supervisor
) -> dict[str, Any]:
    """Set an engineer's skills or capacity."""
    with answered():
        await console.update_profile(handoff, username, body.skills, body.capacity)
    return await console.overview(handoff)


@router.get("/api/agent/search")
async def search(
    handoff: HandoffDep, _: Staff, q: str, handoff_id: int | None = None
) -> list[dict[str, Any]]:
    """Knowledge search with ready answers (for the customer of `handoff_id`, if given)."""
    return await console.search(handoff, q, handoff_id)


@router.get("/api/tickets")
async def tickets(
    handoff: HandoffDep, user: Staff, status: str | None = None, sender: str | None = None
) -> list[dict[str, Any]]:
    """Tickets (`status`: open, assigned, closed; all when omitted; `sender`: of one user)."""
    found = await console.list_tickets(handoff, status, sender)
    ids = [t["id"] for t in found]
    await audited(handoff.db, user, "ticket.list", "ticket", sender or "*", ids=ids)
    return found


@router.get("/api/tickets/{ticket_id}")
async def ticket(ticket_id: int, handoff: HandoffDep, user: Staff) -> dict[str, Any]:
    """One ticket with its full context package."""
    with answered():
        found = await console.ticket_detail(handoff, ticket_id)
    await audited(handoff.db, user, "ticket.read", "ticket", ticket_id)
    return found


@router.post("/api/tickets/{ticket_id}/assign")
async def assign(
    ticket_id: int, body: TicketAssign, handoff: HandoffDep, user: Staff
) -> dict[str, Any]:
    """Take a ticket, or give it to an engineer."""
    with answered():
        target = body.agent or user["username"]
        view = await console.assign_ticket(
            handoff, ticket_id, target, by=user["username"], role=user["role"]
        )
    await audited(handoff.db, user, "ticket.assign", "ticket", ticket_id, assignee=target)
    return view


@router.post("/api/tickets/{ticket_id}/close")
async def close_ticket(
    ticket_id: int, body: TicketClose, handoff: HandoffDep, user: Staff
) -> dict[str, Any]:
    """Answer and close a ticket; the answer reaches the customer on their channel."""
    with answered():
        await console.close_ticket(
            handoff, ticket_id, user["username"], body.answer, role=user["role"]
        )
        found = await console.ticket_detail(handoff, ticket_id)
    await audited(handoff.db, user, "ticket.close", "ticket", ticket_id)
    return found


@router.websocket("/ws/agent")
async def console_socket(ws: WebSocket, svc: ServicesDep, token: str = "") -> None:
    """The console's live connection: a snapshot, then handoffs, messages, typing, overview.

    Client frames: `{"type": "typing", "handoff_id", "on"}` and `{"type": "ping"}`.
    """
    claims = await asyncio.to_thread(staff_claims, svc, token)
    if claims is None or claims["role"] not in CONSOLE_ROLES:
        await ws.close(code=4401)
        return
    await ws.accept()

    def allowed() -> bool:  # a revoked or disabled engineer's console stops at its next ping
        return svc.staff.allows(claims)

    send = AuditedSend(ws.send_json, svc.handoff.db, dict(claims))
    await _console(ws, send, svc.handoff, claims["username"], claims["role"], allowed)


async def _console(
    ws: WebSocket,
    send: AuditedSend,
    handoff: HandoffService,
    user: str,
    role: str,
    allowed: Callable[[], bool],
) -> None:
    cid = handoff.connect_console(user, role, send)
    try:
        await handoff.presence(user)
        await send(await console.snapshot(handoff, user, role))
        await console.broadcast_overview(handoff)
        await handoff.dispatch()
        while True:
            data = await ws.receive_json()
            if not isinstance(data, dict):
                continue
            if data.get("type") == "typing" and isinstance(data.get("handoff_id"), int):
                await live.agent_typing(handoff, user, data["handoff_id"], bool(data.get("on")))
            elif data.get("type") == "ping":
                if not await asyncio.to_thread(allowed):
                    await ws.close(code=4401)
                    break
                await handoff.presence(user)
                await ws.send_json({"type": "pong"})
    except (WebSocketDisconnect, ValueError):
        pass
    finally:
        await handoff.disconnect_console(user, cid)
        await console.broadcast_overview(handoff)
