"""Canned replies (快捷回复): engineers read them, supervisors keep them."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response

from bot.api.deps import ServicesDep, StaffUserClaims, require_roles
from bot.handoff import canned
from bot.handoff.canned import CannedIn

router = APIRouter(tags=["agent"])
Staff = Annotated[StaffUserClaims, Depends(require_roles("agent", "supervisor"))]
Supervisor = Annotated[StaffUserClaims, Depends(require_roles("supervisor"))]
ReplyId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _missing() -> HTTPException:
    return HTTPException(404, detail={"code": "not_found", "message": "没有这条快捷回复"})


@router.get("/api/canned")
async def list_replies(
    svc: ServicesDep, _: Staff, queue: str | None = None
) -> list[dict[str, Any]]:
    """The replies for a queue and for every queue (all of them without `queue`)."""
    return await asyncio.to_thread(canned.listed, svc.db, queue or None)


@router.post("/api/canned", status_code=201)
async def create_reply(body: CannedIn, svc: ServicesDep, user: Supervisor) -> dict[str, Any]:
    """A new reply (supervisors)."""
    saved = await asyncio.to_thread(canned.save, svc.db, body, user["username"])
    assert saved is not None
    return saved


@router.put("/api/canned/{reply_id}")
async def update_reply(
    reply_id: ReplyId, body: CannedIn, svc: ServicesDep, user: Supervisor
) -> dict[str, Any]:
    """Replace a reply's queue, title and text (supervisors)."""
    saved = await asyncio.to_thread(canned.save, svc.db, body, user["username"], reply_id)
    if saved is None:
        raise _missing()
    return saved


@router.delete("/api/canned/{reply_id}", status_code=204)
async def delete_reply(reply_id: ReplyId, svc: ServicesDep, _: Supervisor) -> Response:
    """Remove a reply (supervisors)."""
    if not await asyncio.to_thread(canned.delete, svc.db, reply_id):
        raise _missing()
    return Response(status_code=204)
