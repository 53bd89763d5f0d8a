"""The Rasa action endpoint, served by the app (rasa-sdk's executor, FastAPI transport).

Rasa's `endpoints.yml` points `action_endpoint.url` here. Running the actions in the app
process lets them use the live knowledge index that the editor publishes to.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from bot.api.errors import error_body

log = logging.getLogger(__name__)
router = APIRouter()

_executor: ActionExecutor | None = None


def executor() -> ActionExecutor:
    """The executor with every action of the `actions` package registered (once)."""
    global _executor
    if _executor is None:
        _executor = ActionExecutor()
        _executor.register_package("actions")
    return _executor


@router.post("/actions/webhook", tags=["rasa"])
async def action_webhook(request: Request) -> JSONResponse:
    """Run the custom action Rasa asks for and return its events and responses."""
    try:
        action_call: dict[str, Any] = await request.json()
    except ValueError:
        return JSONResponse(error_body("malformed_json", "invalid action call"), status_code=400)
    try:
        # The actions are synchronous work (matching, the tier policy, database writes) behind
        # rasa-sdk's async interface: run them off the event loop, which the gateway, pages and
        # websockets of this process share.
        result = await asyncio.to_thread(_run, action_call)
    except ActionExecutionRejection as exc:
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 400)
    except ActionNotFoundException as exc:
        log.error("unknown action %s", exc.action_name)
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 404)
    return JSONResponse(result.model_dump() if result else None)


def _run(action_call: dict[str, Any]) -> Any:
    """One action call on an event loop of this worker thread (the actions never await
    anything bound to the app's loop)."""
    return asyncio.run(executor().run(action_call))


@router.get("/actions", tags=["rasa"])
async def list_actions() -> list[dict[str, Any]]:
    """The registered custom actions."""
    return [a.model_dump() for a in executor().list_actions()]
