"""Signed customer tokens: how a logged-in web page tells the bot who the visitor is.

The page's server signs ``{"sub": <member id>, "exp": <unix time>}`` with HS256 and the shared
secret ``KEFU_AUTH__CUSTOMER_TOKEN_SECRET``, and the page passes it in the chat metadata as
``{"customer_token": "<jwt>"}``. Anything unsigned, expired, forged or without those claims is
ignored: the visitor is then treated as anonymous, never as the customer the claims name.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import jwt

from bot.auth.secrets import kept_secret
from bot.config import KNOWN_SECRETS, MIN_SECRET_CHARS, Settings

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
METADATA_KEY = "customer_token"
_DEV_SECRETS = KNOWN_SECRETS


def token_secret(settings: Settings) -> str | None:
    """The verification key, or None when tokens are off (empty; in production unset, a
    published or a short key). The embedded profile generates one under var/secrets/."""
    secret = settings.auth.customer_token_secret
    production = settings.profile == "production"
    if secret is None:
        return None if production else kept_secret(settings, "customer_token_secret")
    if not secret:
        return None
    if production and (secret in _DEV_SECRETS or len(secret) < MIN_SECRET_CHARS):
        log.warning("KEFU_AUTH__CUSTOMER_TOKEN_SECRET is weak or published: tokens ignored")
        return None
    return secret


def verify_customer_token(token: Any, secret: str | None, *, leeway_s: int = 30) -> str | None:
    """The member id a token vouches for, or None.

    Args:
        token: the ``customer_token`` value from the metadata (anything; non-strings are ignored).
        secret: the HS256 key; None turns verification off.
        leeway_s: clock skew tolerated on ``exp``.

    Returns:
        The ``sub`` claim when the token is well signed, unexpired and has ``sub`` and ``exp``.
    """
    if not secret or not isinstance(token, str) or not token or len(token) > 4096:
        return None
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],  # never "none", never an algorithm the token picks
            options={"require": ["exp", "sub"]},
            leeway=leeway_s,
        )
    except jwt.PyJWTError as err:
        log.info("customer token ignored: %s", err)
        return None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 64:
        log.info("customer token ignored: bad sub claim")
        return None
    return sub.strip()


def issue_customer_token(member_id: str, secret: str, *, ttl_s: int = 3600) -> str:
    """Sign a token for `member_id` (what a shop page's server does; used by tests and demos)."""
    now = int(time.time())
    return jwt.encode({"sub": member_id, "iat": now, "exp": now + ttl_s}, secret, ALGORITHM)
