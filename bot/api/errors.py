"""Uniform JSON errors: `{"error": {"code", "message", "details"?}}`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.gateway.types import Draining

log = logging.getLogger(__name__)
RETRY_AFTER_DRAINING_S = 5


def error_body(code: str, message: str, details: Any = None) -> dict[str, Any]:
    """The JSON body of an error response."""
    err: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        err["details"] = details
    return {"error": err}


UNSTORABLE: dict[type[Exception], tuple[str, str]] = {
    OverflowError: ("out_of_range", "a number in the request is out of range (64-bit at most)"),
    UnicodeEncodeError: ("invalid_text", "text holds characters that are not valid Unicode"),
}


def install_error_handlers(app: FastAPI, busy_message: str = "service busy") -> None:
    """Map validation and HTTP errors to the uniform JSON shape.

    Args:
        app: the app.
        busy_message: what users read while the database is unreachable (`service_busy`).
    """

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            return JSONResponse(
                error_body("malformed_json", "request body is not valid JSON"), status_code=400
            )
        details = [
            {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "problem": e.get("msg")}
            for e in errors
        ]
        return JSONResponse(
            error_body("invalid_request", "request does not match the schema", details),
            status_code=422,
        )

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _database_down(_: Request, exc: Exception) -> JSONResponse:
        # The database restarts or fails over: nothing was accepted, the client sends again.
        log.warning("database unavailable: %s", str(exc).splitlines()[0][:200])
        return JSONResponse(
            error_body("service_busy", busy_message),
            status_code=503,
            headers={"Retry-After": "2"},
        )

    @app.exception_handler(Draining)
    async def _draining(_: Request, exc: Exception) -> JSONResponse:
        # This replica is stopping: nothing was accepted, the client sends again (the
        # balancer routes it to another replica; one app comes back after its restart).
        return JSONResponse(
            error_body("draining", busy_message),
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_DRAINING_S)},
        )

    async def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        # A value no store can hold (a 70-digit id, a million years back, a lone surrogate
        # escaped in JSON): the caller's mistake, whichever parameter it was.
        log.info("unstorable value in %s: %s", request.url.path, exc)
        code, message = next(v for k, v in UNSTORABLE.items() if isinstance(exc, k))
        return JSONResponse(error_body(code, message), status_code=400)

    for kind in UNSTORABLE:
        app.add_exception_handler(kind, _unstorable)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc.detail, dict) and "code" in exc.detail:
            body = {"error": exc.detail}
        else:
            body = error_body(f"http_{exc.status_code}", str(exc.detail))
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413 before reading them into memory."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._reject(send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reject(send)

    async def _reject(self, send: Send) -> None:
        response = JSONResponse(
            error_body("body_too_large", f"request body over {self.max_bytes} bytes"),
            status_code=413,
        )
        await response({"type": "http"}, _empty_receive, send)


class _TooLarge(Exception):
    pass


async def _empty_receive() -> dict[str, Any]:
    return {"type": "http.disconnect"}
