"""`GET /healthz`: the status of the app, Rasa and the database."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.api.deps import ServicesDep
from bot.metrics import RASA_UP, RECENT_WINDOW_S, recent_action_failures

router = APIRouter()


@router.get("/healthz", tags=["ops"])
async def healthz(svc: ServicesDep) -> JSONResponse:
    """`ok` when every part answers; `degraded` (HTTP 200) when Rasa is down or actions failed
    in the last minutes, since the gateway still stores messages and answers politely; `down`
    (503) when the database does not answer or takes no writes (a write is tried and rolled
    back), since then no message can be accepted."""
    rasa_ok, db_ok, writable = await asyncio.gather(
        svc.rasa.ping(), asyncio.to_thread(svc.db.ping), asyncio.to_thread(svc.db.can_write)
    )
    RASA_UP.set(1 if rasa_ok else 0)
    stored = db_ok and writable
    failures = recent_action_failures()
    kb = svc.knowledge.kb
    body: dict[str, Any] = {
        "status": "down" if not stored else ("ok" if rasa_ok and not failures else "degraded"),
        "app": {"status": "ok", "knowledge_questions": len(kb.questions)},
        "rasa": {"status": "ok" if rasa_ok else "down", "url": svc.settings.rasa.url},
        "database": {
            "status": "ok" if stored else "down",
            "backend": svc.db.engine.dialect.name,
            "writable": writable,
        },
        "actions": {
            "status": "failing" if failures else "ok",
            "failures_recent": failures,
            "window_s": RECENT_WINDOW_S,
        },
    }
    return JSONResponse(body, status_code=200 if stored else 503)


@router.get("/livez", tags=["ops"])
async def livez(svc: ServicesDep) -> JSONResponse:
    """The process is up and serving (the load balancer's check): unlike `/healthz` it does
    not depend on Rasa or the database, so a replica that can still answer politely while
    the database restarts stays in the pool. While the replica drains before it stops it
    answers 503, so the balancer sends new connections elsewhere."""
    if svc.gateway.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    return JSONResponse({"status": "ok"})
