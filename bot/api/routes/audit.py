"""The access audit log for supervisors and admins: who read or changed which conversation,
handoff or ticket."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from bot.api.deps import ServicesDep, StaffUserClaims, require_roles
from bot.storage import audit

router = APIRouter(prefix="/api", tags=["audit"])


@router.get("/audit")
async def audit_log(
    svc: ServicesDep,
    _: Annotated[StaffUserClaims, Depends(require_roles("supervisor"))],
    actor: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=40)] = None,
    target_type: Annotated[str | None, Query(pattern="^(conversation|handoff|ticket)$")] = None,
    target_id: Annotated[str | None, Query(max_length=128)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> dict[str, Any]:
    """Entries newest first (`total`, `items`: `at`, `actor`, `role`, `action`,
    `target_type`, `target_id`, `detail`); `action` filters by prefix (e.g. `ticket.`).
    Knowledge changes are in `/api/kb/audit`."""
    return await asyncio.to_thread(
        audit.entries,
        svc.db,
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        limit=limit,
        offset=offset,
    )
