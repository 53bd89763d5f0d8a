"""What the console API reads and does beyond desk actions: lists, details, tickets, search."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from bot.handoff import agents, store, tickets
from bot.handoff.effects import Effects
from bot.handoff.errors import HandoffError
from bot.handoff.views import iso
from bot.storage.db import Database
from bot.storage.models import Handoff, ServiceRating, Ticket

if TYPE_CHECKING:
    from bot.handoff.service import HandoffService

STATUS_SETS: dict[str, tuple[str, ...] | None] = {
    "live": store.LIVE,
    "waiting": store.WAITING,
    "queued": ("queued",),
    "offered": ("offered",),
    "active": ("active",),
    "ended": ("closed", "returned", "ticket", "cancelled"),
    "closed": ("closed",),
    "all": None,
}


async def list_handoffs(
    svc: HandoffService, status: str, agent: str | None, limit: int, with_context: bool
) -> list[dict[str, Any]]:
    """Handoffs of a status set (see `STATUS_SETS`), each with its context package."""
    if status not in STATUS_SETS:
        raise HandoffError(422, "bad_status", f"status 应为 {'/'.join(STATUS_SETS)}")

    def run() -> list[dict[str, Any]]:
        with svc.db.session() as s:
            rows = store.listed(s, STATUS_SETS[status], agent, limit)
            items = svc.reader(s).summaries(rows)
        if with_context:
            for item, h in zip(items, rows, strict=True):
                item["context"] = svc.context.package(h)
        return items

    return await asyncio.to_thread(run)


async def handoff_detail(svc: HandoffService, handoff_id: int) -> dict[str, Any]:
    """One handoff: summary, context package, notes and events, rating."""

    def run() -> dict[str, Any]:
        with svc.db.session() as s:
            h = s.get(Handoff, handoff_id)
            if h is None:
                raise HandoffError(404, "no_handoff", f"没有会话 {handoff_id}")
            item = svc.reader(s).summary(h)
            events = store.events_of(s, h.id)
            rating = s.query(ServiceRating).filter_by(handoff_id=h.id).one_or_none()
            names = store.display_names(s)
        item["context"] = svc.context.package(h)
        item["notes"] = [
            {
                "by": e.actor,
                "name": names.get(e.actor, e.actor),
                "at": iso(e.created_at),
                **e.detail,
            }
            for e in events
            if e.kind == "note" or (e.kind == "transferred" and e.detail.get("note"))
        ]
        item["events"] = [
            {"kind": e.kind, "by": e.actor, "at": iso(e.created_at), "detail": e.detail}
            for e in events
        ]
        item["rating"] = (
            {"score": rating.score, "comment": rating.comment, "agent": rating.agent}
            if rating
            else None
        )
        return item

    return await asyncio.to_thread(run)


async def snapshot(svc: HandoffService, username: str, role: str) -> dict[str, Any]:
    """Everything a console shows on connect."""

    def run() -> dict[str, Any]:
        with svc.db.session() as s:
            reader = svc.reader(s)
            profile = agents.ensure_profile(s, username, svc.conf.default_capacity)
            return {
                "type": "snapshot",
                "me": {
                    "username": username,
                    "name": reader.names.get(username, username),
                    "role": role,
                    "status": profile.status,
                    "skills": list(profile.skills or []),
                    "capacity": profile.capacity,
                },
                "handoffs": reader.live(),
                "overview": reader.overview(),
                "skills": svc.skill_names,
                "hours": svc.hours.describe(),
                "server_ms": int(svc.clock() * 1000),
            }

    return await asyncio.to_thread(run)


async def overview(svc: HandoffService) -> dict[str, Any]:
    """The supervisor's view: queues, waiting times, engineers, flagged conversations."""

    def run() -> dict[str, Any]:
        with svc.db.session() as s:
            return svc.reader(s).overview()

    return await asyncio.to_thread(run)


async def set_status(svc: HandoffService, username: str, status: str) -> None:
    """Set an engineer's status and tell every console."""

    def run() -> None:
        with svc.db.session() as s:
            agents.set_status(s, username, status, svc.conf.default_capacity)

    await asyncio.to_thread(run)
    await broadcast_overview(svc)
    await svc.dispatch()


async def update_profile(
    svc: HandoffService, username: str, skills: list[str] | None, capacity: int | None
) -> None:
    """Change an engineer's skills or capacity; consoles and routing see it at once."""

    def run() -> None:
        with svc.db.session() as s:
            agents.update_profile(s, username, skills, capacity, svc.conf.default_capacity)

    await asyncio.to_thread(run)
    await broadcast_overview(svc)
    await svc.dispatch()


async def broadcast_overview(svc: HandoffService) -> None:
    """Send the current overview (queues, engineers) to every console."""
    await svc.bus.publish("console", {"type": "overview", "overview": await overview(svc)})


async def search(svc: HandoffService, query: str, handoff_id: int | None) -> list[dict[str, Any]]:
    """Knowledge search with answers for the customer's tags and channel."""

    def run() -> list[dict[str, Any]]:
        tags: list[str] = []
        channel = "web"
        if handoff_id is not None:
            with svc.db.session() as s:
                h = s.get(Handoff, handoff_id)
                if h is not None:
                    tags = list(((h.context or {}).get("profile") or {}).get("tags") or [])
                    channel = h.channel
        return svc.context.search(query, tags, channel)

    return await asyncio.to_thread(run)


async def list_tickets(
    svc: HandoffService, status: str | None, sender: str | None = None
) -> list[dict[str, Any]]:
    """Tickets for the console list."""

    def run() -> list[dict[str, Any]]:
        with svc.db.session() as s:
            return [tickets.ticket_view(t) for t in tickets.listed(s, status, sender=sender)]

    return await asyncio.to_thread(run)


async def ticket_detail(svc: HandoffService, ticket_id: int) -> dict[str, Any]:
    """One ticket with its context package."""

    def run() -> dict[str, Any]:
        with svc.db.session() as s:
            t = s.get(Ticket, ticket_id)
            if t is None:
                raise HandoffError(404, "no_ticket", f"没有工单 {ticket_id}")
            return tickets.ticket_view(t, full=True)

    return await asyncio.to_thread(run)


async def assign_ticket(
    svc: HandoffService, ticket_id: int, assignee: str, *, by: str, role: str
) -> dict[str, Any]:
    """Give a ticket to an engineer (`by`, of `role`, is who gives it)."""

    def run() -> dict[str, Any]:
        with svc.db.session() as s:
            return tickets.ticket_view(tickets.assign(s, ticket_id, assignee, by=by, role=role))

    view = await asyncio.to_thread(run)
    await svc.apply(Effects(console=[{"type": "ticket", "ticket": view}]))
    return view


async def close_ticket(
    svc: HandoffService, ticket_id: int, by: str, answer: str, *, role: str
) -> None:
    """Close a ticket; the answer reaches the customer on their channel."""

    def run() -> Effects:
        with svc.db.session() as s:
            now = datetime.fromtimestamp(svc.clock(), UTC)
            return tickets.close(s, ticket_id, by, answer, svc.texts, now, role=role)

    await svc.apply(await asyncio.to_thread(run))


def handoff_status(db: Database, conversation_id: int) -> dict[str, Any] | None:
    """The conversation's latest handoff in short (for `GET /api/conversations/{sender}`)."""
    with db.session() as s:
        h = s.scalar(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id)
            .order_by(Handoff.id.desc())
            .limit(1)
        )
        if h is None:
            return None
        return {
            "id": h.id,
            "status": h.status,
            "queue": h.queue,
            "agent": h.agent,
            "priority": h.priority,
            "ticket_id": h.ticket_id,
            "requested_at": iso(h.requested_at),
        }
