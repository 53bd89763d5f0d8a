"""The app: gateway, pages, staff API and the Rasa action endpoint in one FastAPI process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot import __version__
from bot.api import composition
from bot.api.composition import Channels, build_services
from bot.api.errors import install_error_handlers
from bot.api.limits import ActionCallerGuard, RequestLimits
from bot.api.metrics import install_metrics
from bot.api.routes import (
    actions,
    agent,
    audit,
    canned,
    chat,
    editor,
    health,
    kb_import,
    learning,
    media,
    pages,
    staff,
    supervisor,
    wechat,
)
from bot.api.routes.chat import STATIC
from bot.auth.secrets import action_token
from bot.channels.socketio import PATH as SOCKETIO_PATH
from bot.channels.socketio import RasaSocketChannel
from bot.config import Settings, get_settings
from bot.services import current, install
from bot.texts import Texts

__all__ = ["build_services", "create_app"]

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app. Heavy start-up work (models, index) runs in the lifespan, not at import."""
    settings = settings or get_settings()

    # Rasa's socket.io channel, for Rasa's web chat widget and other clients of it: mounted
    # now, running once the services are built.
    socketio = RasaSocketChannel(current, action_token(settings), settings.redis.url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        services = await asyncio.to_thread(build_services, settings)
        channels: Channels | None = None
        try:
            channels = composition.build_channels(services, socketio)
            app.state.channels = channels
            actions.executor()
            install(services)
            await composition.start(services, channels)
            log.info("kefu app ready on %s", settings.base_url)
            yield
        finally:
            install(None)
            await composition.stop(services, channels)

    app = FastAPI(
        title="Kefu",
        version=__version__,
        description="Customer-service gateway, web chat, staff API and Rasa action endpoint.",
        lifespan=lifespan,
    )
    install_error_handlers(app, Texts.load(settings.knowledge_dir).get("service_busy"))
    install_metrics(app)
    app.add_middleware(
        RequestLimits,
        default_bytes=settings.max_body_bytes,
        by_prefix=(
            ("/api/kb/import", kb_import.MAX_UPLOAD + 64 * 1024),  # file + form overhead
            ("/api/media/", settings.media.max_upload_bytes + 64 * 1024),
            ("/actions/", settings.rasa.action_max_body_bytes),
        ),
    )
    # Added last, so it runs first: a caller without the token never gets the larger limit.
    app.add_middleware(ActionCallerGuard, token=action_token(settings))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.mount(f"/{SOCKETIO_PATH}", socketio.asgi())
    for module in (
        health,
        chat,
        staff,
        actions,
        pages,
        wechat,
        agent,
        canned,
        media,
        editor,
        kb_import,
        learning,
        supervisor,
        audit,
    ):
        app.include_router(module.router)
    return app
