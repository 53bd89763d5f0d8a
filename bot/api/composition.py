"""The composition root: every long-lived part of the app is built here, once, and started and
stopped here, in order.

`build_services` builds the services (database, knowledge, Rasa client, gateway, handoff,
supervision, recovery, ...) with nothing running; `build_channels` adds the channels that are
more than a route (Rasa's socket.io channel, the WeChat Official Account) and gives the handoff
service their outlets; `start` and `stop` run and end the background work of all of them. The
app's lifespan (`bot.api.app`) and the history generator (`bot.history.generate`) are the
only callers. Nothing else builds a service or changes the container once it is built.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit, urlunsplit

from fastapi import FastAPI

from bot.analytics.service import Supervision
from bot.api.recovery import push
from bot.auth.secrets import staff_secret
from bot.auth.sessions import StaffSessions
from bot.auth.staff import disable_demo_accounts, seed_demo_accounts
from bot.auth.throttle import LoginThrottle
from bot.auth.visitor import VisitorTokens
from bot.channels.socketio import RasaSocketChannel
from bot.channels.wechat.channel import WechatChannel
from bot.config import Settings
from bot.coordination.client import connect
from bot.coordination.lease import DbLease, Leader, SoleLeader
from bot.coordination.locks import LocalLocks, RasaLockProbe, RedisLocks
from bot.dialogue.enrich import Enricher
from bot.editor.state import EditorState
from bot.gateway.rasa_client import RasaClient
from bot.gateway.recovery import Orphan, Recovery
from bot.gateway.service import Gateway
from bot.gateway.types import Outbound
from bot.handoff.service import HandoffService
from bot.knowledge.live import KnowledgeService
from bot.media.store import MediaStore
from bot.profile.binding import BindingService
from bot.profile.entry import Greetings
from bot.profile.service import ProfileService
from bot.services import Services
from bot.storage.db import Database, migrate
from bot.texts import Texts
from bot.tiering.build import build_assessor

log = logging.getLogger(__name__)


@dataclass
class Channels:
    """The channels that run work of their own and deliver engineers' messages."""

    socketio: RasaSocketChannel  # Rasa's socket.io channel (mounted at /socket.io/)
    wechat: WechatChannel | None  # the Official Account; None when none is configured


def build_services(settings: Settings, leader: Leader | None = None) -> Services:
    """Open the database (migrated), load texts and knowledge, build every service.

    Blocking (models, index); nothing runs in the background until `start`. `leader` decides
    which process runs the once-across-replicas jobs; by default a lease in the database
    shared by the replicas (on SQLite: this process).
    """
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
    editor_rt = EditorState(db, settings, knowledge)
    knowledge.warm_up(source=editor_rt)  # the newest published version; the files seed it
    editor_rt.start_sync()
    rasa = RasaClient(
        settings.rasa.url, settings.rasa.timeout_s, settings.rasa.api_token, _rasa_probe(settings)
    )
    locks = _turn_locks(settings)
    # One process on a SQLite file needs no lease; replicas on PostgreSQL share them.
    if leader is None:
        sqlite = db.url.startswith("sqlite")
        leader = SoleLeader() if sqlite else DbLease(db, ttl_s=settings.lease_ttl_s)
    profiles = ProfileService(db, settings)
    profiles.warm_up()
    # Intents come from Rasa through the actions; the assessor never calls Rasa itself here.
    assessor = build_assessor(settings, matcher=knowledge.matcher, use_rasa=False)
    editor_rt.assessor = assessor  # the editor's try-it panel tiers with the app's own policy
    handoff = HandoffService(
        db,
        texts,
        settings,
        knowledge,
        locks,
        profiles=profiles,
        emotion=assessor.emotion,
        leader=leader,
    )
    gateway = Gateway(
        db,
        rasa,
        texts,
        enrich=Enricher(profiles, assessor),
        locks=locks,
        session_turns=settings.rasa.session_turns,
    )
    gateway.handoff = handoff

    async def deliver(orphan: Orphan, replies: list[Outbound]) -> None:
        await push(handoff, orphan, replies)

    return Services(
        settings=settings,
        db=db,
        texts=texts,
        rasa=rasa,
        gateway=gateway,
        knowledge=knowledge,
        editor=editor_rt,
        profiles=profiles,
        assessor=assessor,
        binding=BindingService(db, profiles.crm, valid_minutes=settings.crm.binding_code_minutes),
        greetings=Greetings.load(settings.knowledge_dir),
        handoff=handoff,
        supervision=Supervision(db, settings, knowledge),
        leader=leader,
        staff=StaffSessions(db, settings.auth.user_check_ttl_s),
        visitors=VisitorTokens(staff_secret(settings), settings.auth.visitor_token_days),
        logins=LoginThrottle(settings.auth, db),
        recovery=Recovery(gateway, settings.recovery, leader, deliver=deliver),
        media=MediaStore(db, settings.media, settings.var_dir),
    )


def build_channels(services: Services, socketio: RasaSocketChannel) -> Channels:
    """The channels of `services`; the handoff service gets their outlets."""
    settings = services.settings
    wechat = WechatChannel.create(services) if settings.wechat.token else None
    if wechat is not None:
        sender = wechat.sender

        async def to_wechat(openid: str, text: str, buttons: Any, conversation_id: int) -> None:
            await sender.send_text(openid, text, buttons, conversation_id=conversation_id)

        pictures = wechat.media

        async def picture_to_wechat(openid: str, attachment: dict[str, Any], _: int) -> None:
            await pictures.send(openid, attachment)

        services.handoff.outlets["wechat"] = to_wechat
        services.handoff.media_outlets["wechat"] = picture_to_wechat
    services.handoff.outlets["socketio"] = socketio.deliver
    return Channels(socketio=socketio, wechat=wechat)


async def start(services: Services, channels: Channels) -> None:
    """Start the background work: the channels' sweeps, the handoff bus and ticker, the
    supervisors' jobs, then the recovery of unanswered messages (it pushes answers through
    the handoff bus and the channels' outlets, so it starts last)."""
    if channels.wechat is not None:
        await channels.wechat.start()
    await asyncio.to_thread(services.handoff.warm_up)
    await services.handoff.start()

    async def to_consoles(frames: list[dict[str, Any]]) -> None:
        """Alerts, work orders and reminders to the engineers' and supervisors' consoles."""
        for frame in frames:
            await services.handoff.bus.publish("console", frame)

    await services.supervision.start(to_consoles)
    await services.recovery.start()


async def stop(services: Services, channels: Channels | None) -> None:
    """Stop what `start` started, in the reverse order, then close the stores."""
    await services.recovery.stop()
    await services.supervision.stop()
    if channels is not None and channels.wechat is not None:
        await channels.wechat.stop()
    await services.handoff.stop()
    close(services)
    await services.rasa.aclose()


def close(services: Services) -> None:
    """Close the editor's sync and the database (the blocking part of `stop`)."""
    services.editor.close()
    services.db.dispose()


def channels_of(app: FastAPI) -> Channels:
    """The running app's channels (set by the app's lifespan)."""
    return cast(Channels, app.state.channels)


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
