"""Request dependencies as `Annotated` aliases."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from bot.auth.staff import read_token
from bot.services import Services, current
from bot.storage import audit
from bot.storage.db import Database

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_services() -> Services:
    """The running app's services."""
    return current()


ServicesDep = Annotated[Services, Depends(get_services)]


class StaffUserClaims(dict[str, str]):
    """`{"username", "role"}` of the logged-in staff user."""


def staff_claims(svc: Services, token: str | None) -> StaffUserClaims | None:
    """The claims of a token whose user may still use it (active, not revoked), or None."""
    claims = read_token(token, svc.settings) if token else None
    if claims is None or not svc.staff.allows(claims):
        return None
    return StaffUserClaims(claims)


def require_roles(*roles: str) -> Callable[..., StaffUserClaims]:
    """A dependency that admits a bearer token of one of `roles` (admin always)."""

    def _check(svc: ServicesDep, token: Annotated[str | None, Depends(oauth2)]) -> StaffUserClaims:
        claims = staff_claims(svc, token)
        if claims is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="not authenticated",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if claims["role"] not in (*roles, "admin"):
            raise HTTPException(status.HTTP_403_FORBIDDEN, detail="role not allowed")
        return claims

    return _check


async def audited(
    db: Database, user: dict[str, str], action: str, target_type: str, target_id: object, **kw: Any
) -> None:
    """Record that `user` read or changed a customer's conversation, handoff or ticket."""
    await asyncio.to_thread(audit.record, db, user, action, target_type, target_id, **kw)
