"""The composition root: every service built once, channels wired, all stopped in order."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path

from bot.api.composition import build_channels, build_services, start, stop
from bot.auth.secrets import action_token
from bot.channels.socketio import RasaSocketChannel
from bot.config import Settings
from bot.coordination.lease import SoleLeader
from bot.services import Services, current
from tests.api.conftest import ROOT, app_settings
from tests.conftest import run_async


def built(settings: Settings) -> Services:
    """The services, built on a worker thread as the app's lifespan builds them: the matcher's
    engine is compiled with -ffast-math, and loading it sets flush-to-zero in the loading
    thread (hypothesis, in the schema tests, refuses to run on a thread in that state)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(build_services, settings).result()


def settings_in(work: Path, **extra: object) -> Settings:
    shutil.copytree(ROOT / "knowledge", work / "knowledge")
    base = app_settings(work).model_dump()
    base.update(extra)
    return Settings(**base)


def test_every_service_is_built_and_the_channels_get_their_outlets(tmp_path: Path) -> None:
    settings = settings_in(
        tmp_path,
        wechat={"token": "tok", "app_id": "wx123", "app_secret": "s" * 32},
    )
    services = built(settings)
    try:
        assert all(getattr(services, f.name) is not None for f in fields(Services))
        assert isinstance(services.leader, SoleLeader)  # one process on a SQLite file
        assert services.gateway.handoff is services.handoff
        assert services.recovery.gateway is services.gateway
        assert services.editor.assessor is services.assessor
        socketio = RasaSocketChannel(current, action_token(settings), None)
        channels = build_channels(services, socketio)
        assert channels.wechat is not None
        assert set(services.handoff.outlets) == {"wechat", "socketio"}

        async def run() -> list[bool]:
            await start(services, channels)
            jobs = [services.recovery._task, services.handoff._ticker]
            running = [t is not None and not t.done() for t in jobs]
            await stop(services, channels)
            return running + [t is not None and t.done() for t in jobs]

        assert run_async(run()) == [True, True, True, True]  # started, then all stopped
    finally:
        services.db.dispose()


def test_without_an_official_account_there_is_no_wechat_channel(tmp_path: Path) -> None:
    services = built(settings_in(tmp_path))
    try:
        socketio = RasaSocketChannel(current, action_token(services.settings), None)
        channels = build_channels(services, socketio)
        assert channels.wechat is None
        assert set(services.handoff.outlets) == {"socketio"}
    finally:
        services.editor.close()
        services.db.dispose()
