"""Checks that run before a request body is read: size limits per path, and who may call the
Rasa action endpoint.

The action endpoint is internal, but reachable by whoever reaches the app: only a caller that
presents the shared action token (the Rasa server, configured in `endpoints.yml`) may use it.
Its body carries Rasa's tracker, so it gets a limit of its own, larger than the public one,
and only after the caller has proved who it is.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.api.errors import BodySizeLimit, error_body

log = logging.getLogger(__name__)

ACTION_TOKEN_HEADER = "X-Kefu-Action-Token"


def is_action_path(path: str) -> bool:
    """True for the action endpoint's paths (`/actions`, `/actions/webhook`)."""
    return path == "/actions" or path.startswith("/actions/")


class RequestLimits:
    """Refuse bodies over the limit of their path (the longest matching prefix wins).

    Args:
        app: the ASGI app.
        default_bytes: the limit of every path without a rule of its own.
        by_prefix: (path prefix, limit) rules, e.g. knowledge imports and action calls.
    """

    def __init__(
        self, app: ASGIApp, default_bytes: int, by_prefix: Sequence[tuple[str, int]] = ()
    ) -> None:
        self.default = BodySizeLimit(app, default_bytes)
        rules = sorted(by_prefix, key=lambda rule: len(rule[0]), reverse=True)
        self.rules = [(prefix, BodySizeLimit(app, limit)) for prefix, limit in rules]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        limit = next((lim for prefix, lim in self.rules if path.startswith(prefix)), self.default)
        await limit(scope, receive, send)


class ActionCallerGuard:
    """Only the Rasa server (it sends the shared action token) may call `/actions...`.

    Args:
        app: the ASGI app.
        token: the shared secret (`KEFU_RASA__ACTION_TOKEN` or the one generated under var/).
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()
        self.header = ACTION_TOKEN_HEADER.lower().encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_action_path(str(scope.get("path", ""))):
            presented = dict(scope.get("headers") or []).get(self.header, b"")
            if not hmac.compare_digest(presented, self.token):
                client = scope.get("client") or ("?", 0)
                log.warning("action endpoint refused a caller without the token: %s", client[0])
                response = JSONResponse(
                    error_body(
                        "action_caller_unknown",
                        f"the action endpoint serves the Rasa server only ({ACTION_TOKEN_HEADER})",
                    ),
                    status_code=401,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
