"""Staff login and the conversation view."""

from __future__ import annotations

import asyncio
import math
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from bot.api.deps import ServicesDep, StaffUserClaims, audited, require_roles
from bot.auth.staff import authenticate, issue_token
from bot.diagnosis.store import node_stats, sessions_of
from bot.handoff.console import handoff_status
from bot.storage import repository as repo
from bot.storage.transcripts import staff_history, staff_message
from bot.tiering.store import tier_history

router = APIRouter(prefix="/api", tags=["staff"])


@router.post("/auth/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], svc: ServicesDep, request: Request
) -> dict[str, str]:
    """OAuth2 password flow: `username`, `password` -> a bearer token.

    Repeated failures lock the account and the client address out for a while (429 with
    `Retry-After`), longer on each further failure.
    """
    address = request.client.host if request.client else "?"
    throttle = svc.logins
    if (wait := await asyncio.to_thread(throttle.wait_s, form.username, address)) > 0:
        raise _locked(wait)
    user = await asyncio.to_thread(authenticate, svc.db, form.username, form.password, svc.settings)
    if user is None:
        if (wait := await asyncio.to_thread(throttle.failed, form.username, address)) > 0:
            raise _locked(wait)
        detail = {"code": "login_failed", "message": "账号或密码不正确"}
        raise HTTPException(401, detail=detail, headers={"WWW-Authenticate": "Bearer"})
    await asyncio.to_thread(throttle.succeeded, form.username)
    return {
        "access_token": issue_token(user, svc.settings),
        "token_type": "bearer",
        "role": user.role,
    }


def _locked(wait_s: float) -> HTTPException:
    seconds = max(1, math.ceil(wait_s))
    text = f"登录失败次数过多，请 {seconds} 秒后再试。"
    return HTTPException(
        429,
        detail={"code": "login_locked", "message": text, "retry_after": seconds},
        headers={"Retry-After": str(seconds)},
    )


@router.get("/conversations/{sender}")
async def conversation(
    sender: str,
    svc: ServicesDep,
    user: Annotated[StaffUserClaims, Depends(require_roles("agent", "supervisor", "editor"))],
) -> dict[str, Any]:
    """The newest conversation of a channel user, with its messages and routing state."""

    def load() -> dict[str, Any] | None:
        with svc.db.session() as s:
            conv = repo.latest_conversation(s, sender)
            if conv is None:
                return None
            return {
                "id": conv.id,
                "sender": conv.sender,
                "channel": conv.channel,
                "customer_id": conv.customer_id,
                "status": conv.status,
                "tier": conv.tier,
                "route": conv.route,
                "reason": conv.reason,
                "tier_history": tier_history(s, conv.id),
                "handoff": None,  # filled below, outside this session
                "started_at": conv.started_at.isoformat(),
                "messages": [staff_message(m) for m in repo.messages_of(s, conv.id)],
                # the sender's whole history: earlier conversations too, each with its date
                "history": staff_history(s, sender),
            }

    data = await asyncio.to_thread(load)
    if data is None:
        raise HTTPException(404, detail=f"no conversation for sender {sender!r}")
    # The diagnosis trees walked in this conversation: what was asked, answered and tried.
    data["diagnosis"] = await asyncio.to_thread(sessions_of, svc.db, data["id"])
    data["handoff"] = await asyncio.to_thread(handoff_status, svc.db, data["id"])
    await audited(
        svc.db, user, "conversation.read", "conversation", sender, conversation_id=data["id"]
    )
    return data


class StaffActive(BaseModel):
    """Whether a staff account may log in."""

    active: bool


Admin = Annotated[StaffUserClaims, Depends(require_roles("admin"))]


@router.post("/staff/{username}/revoke")
async def revoke(username: str, svc: ServicesDep, _admin: Admin) -> dict[str, Any]:
    """Admin: every token issued to `username` so far stops working (they log in again)."""
    return await _set_staff(svc, username, None)


@router.put("/staff/{username}/active")
async def set_active(
    username: str, body: StaffActive, svc: ServicesDep, _admin: Admin
) -> dict[str, Any]:
    """Admin: enable or disable a staff account; disabling also revokes its tokens."""
    return await _set_staff(svc, username, body.active)


async def _set_staff(svc: ServicesDep, username: str, active: bool | None) -> dict[str, Any]:
    state = await asyncio.to_thread(svc.staff.revoke, username, active=active)
    if state is None:
        raise HTTPException(404, detail={"code": "no_staff", "message": f"没有员工账号 {username}"})
    return {"username": username, "active": state.active, "token_version": state.token_version}


@router.get("/diagnosis/stats")
async def diagnosis_stats(
    svc: ServicesDep,
    _user: Annotated[StaffUserClaims, Depends(require_roles("supervisor", "editor", "admin"))],
    tree: str | None = None,
) -> dict[str, Any]:
    """Per-node counters of the diagnosis trees (entered, answered, solved, escalated,
    abandoned), optionally of one tree."""
    return {"nodes": await asyncio.to_thread(node_stats, svc.db, tree)}
