"""The staff pages. The agent console and the editor grow with their own issues."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse

from bot.api.routes.chat import STATIC

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index() -> RedirectResponse:
    """The root leads to the chat page."""
    return RedirectResponse("/chat")


@router.get("/agent")
async def agent_console() -> FileResponse:
    """The agent console: queues, live chat with customers, context, tickets (`agent.js`)."""
    return FileResponse(STATIC / "agent.html", media_type="text/html")


@router.get("/editor")
async def editor() -> FileResponse:
    """The knowledge editor."""
    return FileResponse(STATIC / "editor.html", media_type="text/html")


@router.get("/widget.js")
async def widget() -> FileResponse:
    """The embeddable chat widget: a floating button opening /chat in a panel on any site."""
    return FileResponse(
        STATIC / "widget.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=300"},
    )
