"""The Rasa action endpoint, served by the app (rasa-sdk's executor, FastAPI transport).

Rasa's `endpoints.yml` points `action_endpoint.url` here. Running the actions in the app
process lets them use the live knowledge index that the editor publishes to. Only the Rasa
server may call it: `bot.api.limits.ActionCallerGuard` refuses callers without the shared
action token before the body is read.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import (
    ActionExecutionRejection,
    ActionMissingDomainException,
    ActionNotFoundException,
)

from bot.api.errors import error_body
from bot.metrics import ACTION_CALL_BYTES, action_failed

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
    body = await request.body()
    ACTION_CALL_BYTES.observe(len(body))
    try:
        action_call: dict[str, Any] = json.loads(body)
    except ValueError:
        action_failed("malformed")
        return JSONResponse(error_body("malformed_json", "invalid action call"), status_code=400)
    try:
        # The actions are synchronous work (matching, the tier policy, database writes) behind
        # rasa-sdk's async interface: run them off the event loop, which the gateway, pages and
        # websockets of this process share.
        result = await asyncio.to_thread(_run, action_call)
    except ActionExecutionRejection as exc:
        action_failed("rejected")
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 400)
    except ActionMissingDomainException as exc:
        # Rasa sends the domain only when asked: 449 makes it retry with the domain (as
        # rasa-sdk's own action server does).
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 449)
    except ActionNotFoundException as exc:
        action_failed("unknown_action")
        log.error("unknown action %s", exc.action_name)
        return JSONResponse({"error": exc.message, "action_name": exc.action_name}, 404)
    except Exception:
        action_failed("error")
        raise
    return JSONResponse(result.model_dump() if result else None)


def _run(action_call: dict[str, Any]) -> Any:
    """One action call on an event loop of this worker thread (the actions never await
    anything bound to the app's loop)."""
    return asyncio.run(executor().run(action_call))


@router.get("/actions", tags=["rasa"])
async def list_actions() -> list[dict[str, Any]]:
    """The registered custom actions."""
    return [a.model_dump() for a in executor().list_actions()]
