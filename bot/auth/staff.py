"""Staff accounts, roles and login tokens."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime, timedelta

import jwt
from sqlalchemy import select

from bot.auth.passwords import hash_password, verify_password
from bot.auth.secrets import staff_secret
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


DEMO_USERNAMES = frozenset(name for name, _, _ in DEMO_ACCOUNTS)
# Verified when the user is unknown, so an unknown name costs what a known one does.
_DUMMY_HASH = hash_password("kefu-no-such-user")


def is_demo_login(username: str, password: str) -> bool:
    """A demo account with its demo password (the password is the name)."""
    return username in DEMO_USERNAMES and hmac.compare_digest(password, username)


def disable_demo_accounts(db: Database) -> list[str]:
    """Production: deactivate every demo account still holding its demo password, whatever
    profile created it, and revoke its tokens. Returns the names disabled."""
    disabled = []
    with db.session() as s:
        users = s.scalars(select(StaffUser).where(StaffUser.username.in_(DEMO_USERNAMES)))
        for user in users:
            if verify_password(user.username, user.password_hash) and user.active:
                user.active = False
                user.token_version += 1
                disabled.append(user.username)
    return disabled


def authenticate(
    db: Database, username: str, password: str, settings: Settings
) -> StaffUser | None:
    """The active staff user with these credentials, or None.

    Every call verifies one password hash (a dummy one for an unknown user), so the time taken
    does not tell which names exist. Production refuses demo credentials whatever the database
    holds.
    """
    with db.session() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
        if user is None or not ok or not user.active:
            return None
        if settings.profile == "production" and is_demo_login(username, password):
            return None
        return user


def issue_token(user: StaffUser, settings: Settings) -> str:
    """A signed bearer token carrying the user's name, role and token version."""
    now = datetime.now(UTC)
    claims = {
        "sub": user.username,
        "role": user.role,
        "ver": user.token_version,
        "iat": now,
        "exp": now + timedelta(minutes=settings.auth.token_minutes),
    }
    return jwt.encode(claims, staff_secret(settings), algorithm="HS256")


def read_token(token: str, settings: Settings) -> dict[str, str] | None:
    """The claims of a well-signed, unexpired token, or None. Whether its user may still use
    it is `bot.auth.sessions.StaffSessions`' question."""
    try:
        claims = jwt.decode(
            token, staff_secret(settings), algorithms=["HS256"], options={"require": ["exp"]}
        )
    except jwt.PyJWTError:
        return None
    if claims.get("role") not in ROLES or not isinstance(claims.get("ver", 0), int):
        return None
    return {
        "username": str(claims["sub"]),
        "role": str(claims["role"]),
        "ver": str(claims.get("ver", 0)),
    }
