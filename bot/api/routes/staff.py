"""Staff login and the conversation view."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import OAuth2PasswordRequestForm

from bot.api.deps import ServicesDep, StaffUserClaims, require_roles
from bot.auth.staff import authenticate, issue_token
from bot.diagnosis.store import node_stats, sessions_of
from bot.handoff.queries import handoff_status
from bot.storage import repository as repo
from bot.tiering.store import tier_history

router = APIRouter(prefix="/api", tags=["staff"])


@router.post("/auth/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], svc: ServicesDep
) -> dict[str, str]:
    """OAuth2 password flow: `username`, `password` -> a bearer token."""
    user = await asyncio.to_thread(authenticate, svc.db, form.username, form.password)
    if user is None:
        raise HTTPException(401, detail="wrong username or password")
    return {
        "access_token": issue_token(user, svc.settings),
        "token_type": "bearer",
        "role": user.role,
    }


@router.get("/conversations/{sender}")
async def conversation(
    sender: str,
    svc: ServicesDep,
    _user: Annotated[StaffUserClaims, Depends(require_roles("agent", "supervisor", "editor"))],
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
                "messages": [
                    {
                        "id": m.id,
                        "direction": m.direction,
                        "role": m.role,
                        "text": m.text,
                        "status": m.status,
                        "buttons": m.payload.get("buttons") or [],
                        "match": (m.payload.get("custom") or {}).get("kefu"),
                        "created_at": m.created_at.isoformat(),
                    }
                    for m in repo.messages_of(s, conv.id)
                ],
            }

    data = await asyncio.to_thread(load)
    if data is None:
        raise HTTPException(404, detail=f"no conversation for sender {sender!r}")
    # The diagnosis trees walked in this conversation: what was asked, answered and tried.
    data["diagnosis"] = await asyncio.to_thread(sessions_of, svc.db, data["id"])
    data["handoff"] = await asyncio.to_thread(handoff_status, svc.db, data["id"])
    return data


@router.get("/diagnosis/stats")
async def diagnosis_stats(
    svc: ServicesDep,
    _user: Annotated[StaffUserClaims, Depends(require_roles("supervisor", "editor", "admin"))],
    tree: str | None = None,
) -> dict[str, Any]:
    """Per-node counters of the diagnosis trees (entered, answered, solved, escalated,
    abandoned), optionally of one tree."""
    return {"nodes": await asyncio.to_thread(node_stats, svc.db, tree)}
