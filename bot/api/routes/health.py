"""`GET /healthz`: the status of the app, Rasa and the database."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.api.deps import ServicesDep

router = APIRouter()


@router.get("/healthz", tags=["ops"])
async def healthz(svc: ServicesDep) -> JSONResponse:
    """`ok` when every part answers; `degraded` (HTTP 200) when Rasa is down, since the
    gateway still stores messages and answers politely; 503 when the database is down."""
    rasa_ok, db_ok = await asyncio.gather(svc.rasa.ping(), asyncio.to_thread(svc.db.ping))
    kb = svc.knowledge.kb
    body: dict[str, Any] = {
        "status": "ok" if rasa_ok and db_ok else ("degraded" if db_ok else "down"),
        "app": {"status": "ok", "knowledge_questions": len(kb.questions)},
        "rasa": {"status": "ok" if rasa_ok else "down", "url": svc.settings.rasa.url},
        "database": {
            "status": "ok" if db_ok else "down",
            "backend": svc.db.engine.dialect.name,
        },
    }
    return JSONResponse(body, status_code=200 if db_ok else 503)


@router.get("/livez", tags=["ops"])
async def livez() -> dict[str, str]:
    """The process is up and serving (the load balancer's check): unlike `/healthz` it does
    not depend on Rasa or the database, so a replica that can still answer politely while
    the database restarts stays in the pool."""
    return {"status": "ok"}
