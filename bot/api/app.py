"""The app: gateway, pages, staff API and the Rasa action endpoint in one FastAPI process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from bot import __version__
from bot.analytics.service import Supervision
from bot.api import recovery
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
from bot.auth.secrets import action_token, staff_secret
from bot.auth.sessions import StaffSessions
from bot.auth.staff import disable_demo_accounts, seed_demo_accounts
from bot.auth.throttle import LoginThrottle
from bot.auth.visitor import VisitorTokens
from bot.channels.socketio import PATH as SOCKETIO_PATH
from bot.channels.socketio import RasaSocketChannel
from bot.config import Settings, get_settings
from bot.coordination.client import connect
from bot.coordination.lease import DbLease
from bot.coordination.locks import LocalLocks, RasaLockProbe, RedisLocks
from bot.dialogue.enrich import Enricher
from bot.editor.runtime import EditorRuntime
from bot.gateway.rasa_client import RasaClient
from bot.gateway.service import Gateway
from bot.media.store import MediaStore
from bot.profile.binding import BindingService
from bot.profile.entry import Greetings
from bot.profile.service import ProfileService
from bot.services import KnowledgeService, Services, current, install
from bot.storage.db import Database, migrate
from bot.texts import Texts
from bot.tiering.build import build_assessor

log = logging.getLogger(__name__)


def build_services(settings: Settings) -> Services:
    """Open the database (migrated), load texts and knowledge, connect to Rasa."""
    migrate(settings.db.url)
    db = Database(settings.db.url, echo=settings.db.echo)
    seed_demo_accounts(db, settings)
    if settings.profile == "production":
        for name in disable_demo_accounts(db):
            log.warning(
                "production: demo account %s disabled (it still had its demo password)", name
            )
    texts = Texts.load(settings.knowledge_dir)
    knowledge = KnowledgeService(settings)
    editor_rt = EditorRuntime(db, settings, knowledge)
    knowledge.warm_up(source=editor_rt)  # the newest published version; the files seed it
    editor_rt.start_sync()
    rasa = RasaClient(
        settings.rasa.url, settings.rasa.timeout_s, settings.rasa.api_token, _rasa_probe(settings)
    )
    locks = _turn_locks(settings)
    profiles = ProfileService(db, settings)
    profiles.warm_up()
    # Intents come from Rasa through the actions; the assessor never calls Rasa itself here.
    assessor = build_assessor(settings, matcher=knowledge.matcher, use_rasa=False)
    return Services(
        settings=settings,
        db=db,
        texts=texts,
        rasa=rasa,
        gateway=Gateway(
            db,
            rasa,
            texts,
            enrich=Enricher(db, profiles, assessor),
            locks=locks,
            session_turns=settings.rasa.session_turns,
        ),
        knowledge=knowledge,
        editor=editor_rt,
        profiles=profiles,
        assessor=assessor,
        binding=BindingService(db, profiles.crm, valid_minutes=settings.crm.binding_code_minutes),
        greetings=Greetings.load(settings.knowledge_dir),
        supervision=Supervision(db, settings, knowledge),
        # One process on a SQLite file needs no lease; replicas on PostgreSQL share them.
        leader=None if db.url.startswith("sqlite") else DbLease(db, ttl_s=settings.lease_ttl_s),
        staff=StaffSessions(db, settings.auth.user_check_ttl_s),
        visitors=VisitorTokens(staff_secret(settings), settings.auth.visitor_token_days),
        logins=LoginThrottle(settings.auth, db),
        media=MediaStore(db, settings.media, settings.var_dir),
    )


async def to_consoles(services: Services, frames: list[dict[str, Any]]) -> None:
    """Alerts, work orders and reminders to the engineers' and supervisors' consoles."""
    if services.handoff is not None:
        for frame in frames:
            await services.handoff.bus.publish("console", frame)


def _rasa_probe(settings: Settings) -> RasaLockProbe | None:
    """Rasa's lock store, to see whether Rasa still works on a customer's message."""
    url = settings.rasa.lock_store_url
    if not url:
        return None
    parts = urlsplit(url)
    prefix = (parse_qs(parts.query).get("prefix") or [""])[0]
    return RasaLockProbe(connect(urlunsplit(parts._replace(query=""))), prefix)


def _turn_locks(settings: Settings) -> LocalLocks | RedisLocks:
    """Per-customer turn locks: across replicas when Redis is configured."""
    if not settings.redis.url:
        return LocalLocks()
    # A dead holder blocks its customer until this passes: longer than a turn may still run
    # on Rasa after its caller died.
    ttl_s = settings.rasa.timeout_s + 4
    return RedisLocks(connect(settings.redis.url), settings.redis.prefix, ttl_s=ttl_s)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app. Heavy start-up work (models, index) runs in the lifespan, not at import."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        services = await asyncio.to_thread(build_services, settings)
        actions.executor()
        install(services)
        if services.supervision is not None:
            await services.supervision.start(partial(to_consoles, services))
        log.info("kefu app ready on %s", settings.base_url)
        try:
            yield
        finally:
            if services.supervision is not None:
                await services.supervision.stop()
            install(None)
            if services.editor is not None:
                services.editor.close()
            await services.rasa.aclose()
            services.db.dispose()

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
    # Rasa's socket.io channel, for Rasa's web chat widget and other clients of it.
    app.state.socketio = RasaSocketChannel(current, action_token(settings), settings.redis.url)
    app.mount(f"/{SOCKETIO_PATH}", app.state.socketio.asgi())
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
    # Last: its lifespan starts once the handoff service (pushes to customers) runs.
    app.include_router(recovery.router)
    return app
