"""Web visitors' identity: a signed token the server issues, never a bare id from the client.

The chat page keeps its visitor token in localStorage and presents it in the first frame of
its websocket (`{"type": "hello", "token"}`), so it never travels in a URL or lands in an
access log. The token names a visitor id the server generated (`web-<uuid4>`); a sender of any
other channel (a WeChat openid, a REST user) has no token and so cannot be opened from the
page's socket, and the REST channel refuses visitor ids (`is_visitor_id`).

The signing key is derived from the staff-token secret (`bot.auth.secrets.staff_secret`), so
a deployment has one secret less to manage and rotating that secret signs every visitor out.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from datetime import UTC, datetime, timedelta

import jwt

VISITOR_ID = re.compile(
    r"^web-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
_KIND = "visitor"


def is_visitor_id(sender: str) -> bool:
    """True for an id of the kind the server issues to web visitors."""
    return bool(VISITOR_ID.match(sender))


class VisitorTokens:
    """Issues and checks web visitors' tokens.

    Args:
        staff_secret: the staff-token secret; the visitor key is derived from it.
        valid_days: how long a token opens its conversation.
    """

    def __init__(self, staff_secret: str, valid_days: int) -> None:
        self.key = hmac.new(
            staff_secret.encode(), b"kefu visitor token v1", hashlib.sha256
        ).digest()
        self.valid = timedelta(days=valid_days)

    def issue(self, sender: str | None = None) -> tuple[str, str]:
        """A new visitor (or `sender`, renewed): `(sender, token)`."""
        sender = sender or f"web-{uuid.uuid4()}"
        now = datetime.now(UTC)
        claims = {"sub": sender, "typ": _KIND, "iat": now, "exp": now + self.valid}
        return sender, jwt.encode(claims, self.key, algorithm="HS256")

    def read(self, token: object) -> str | None:
        """The visitor id a valid token names, or None (forged, expired, not a visitor's)."""
        if not isinstance(token, str) or not token or len(token) > 1024:
            return None
        try:
            claims = jwt.decode(token, self.key, algorithms=["HS256"], options={"require": ["exp"]})
        except jwt.PyJWTError:
            return None
        sender = claims.get("sub")
        if claims.get("typ") != _KIND or not isinstance(sender, str) or not is_visitor_id(sender):
            return None
        return sender
