"""Staff accounts, roles and login tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import select

from bot.auth.passwords import hash_password, verify_password
from bot.config import Settings
from bot.storage.db import Database
from bot.storage.models import StaffUser

ROLES = ("agent", "supervisor", "editor", "reviewer", "admin")

DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    # (username = password, role, display name)
    ("agent1", "agent", "工程师 1 号"),
    ("agent2", "agent", "工程师 2 号"),
    ("super", "supervisor", "值班主管"),
    ("editor", "editor", "知识编辑"),
    ("reviewer", "reviewer", "知识审核"),
    ("admin", "admin", "管理员"),
)


def seed_demo_accounts(db: Database, settings: Settings) -> list[tuple[str, str]]:
    """Create the demo accounts of the embedded profile; the production profile refuses them."""
    if settings.profile != "embedded":
        return []
    created: list[tuple[str, str]] = []
    with db.session() as s:
        existing = set(s.scalars(select(StaffUser.username)))
        for username, role, name in DEMO_ACCOUNTS:
            if username not in existing:
                s.add(
                    StaffUser(
                        username=username,
                        display_name=name,
                        password_hash=hash_password(username),
                        role=role,
                    )
                )
            created.append((username, role))
    return created


def authenticate(db: Database, username: str, password: str) -> StaffUser | None:
    """The active staff user with these credentials, or None."""
    with db.session() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None or not user.active or not verify_password(password, user.password_hash):
            return None
        return user


def issue_token(user: StaffUser, settings: Settings) -> str:
    """A signed bearer token carrying the user's name and role."""
    now = datetime.now(UTC)
    claims = {
        "sub": user.username,
        "role": user.role,
        "iat": now,
        "exp": now + timedelta(minutes=settings.auth.token_minutes),
    }
    return jwt.encode(claims, settings.auth.secret, algorithm="HS256")


def read_token(token: str, settings: Settings) -> dict[str, str] | None:
    """The claims of a valid, unexpired token, or None."""
    try:
        claims = jwt.decode(token, settings.auth.secret, algorithms=["HS256"])
    except jwt.PyJWTError:
        return None
    if claims.get("role") not in ROLES:
        return None
    return {"username": str(claims["sub"]), "role": str(claims["role"])}
