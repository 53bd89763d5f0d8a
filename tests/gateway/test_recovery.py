"""Messages a dead turn left `received` are answered once, when an app starts and after.

A real SQLite database and the real app (TestClient); Rasa is unreachable (a closed loopback
port), so a message that goes through the dialogue again gets the gateway's polite
`rasa_unavailable` reply, and an old one the stored apology.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.config import ROOT, RecoverySettings, Settings
from bot.gateway.rasa_client import RasaClient
from bot.gateway.recovery import APOLOGY, Recovery
from bot.gateway.service import Gateway
from bot.runtime.stack import free_port
from bot.services import current
from bot.storage import repository as repo
from bot.storage.db import Database, migrate
from bot.storage.models import Message, utcnow
from bot.texts import Texts
from tests.api.conftest import app_settings
from tests.conftest import run_async
from tests.polling import poll_until

TEXTS = Texts.load(ROOT / "knowledge")
# Long windows, so no message crosses one while a test runs.
WINDOWS = {"grace_s": 600, "rerun_within_s": 3600, "interval_s": 3600}


def settings_in(work: Path) -> Settings:
    if not (work / "knowledge").exists():
        shutil.copytree(ROOT / "knowledge", work / "knowledge")
    return app_settings(work).model_copy(update={"recovery": RecoverySettings(**WINDOWS)})


def left_received(db: Database, channel: str, sender: str, text: str, age: timedelta) -> int:
    """A customer message stored by a turn that never finished, `age` ago."""
    with db.session() as s:
        conv = repo.open_conversation(s, channel, sender)
        msg = repo.add_message(
            s, conv, direction="in", role="user", text=text, client_id=f"c-{text}",
            status="received",
        )  # fmt: skip
        msg.created_at = utcnow() - age
        s.flush()
        return msg.id


def state(db: Database, message_id: int) -> tuple[str, list[str | None]]:
    """The message's status and the texts of its replies."""
    with db.session() as s:
        msg = s.get(Message, message_id)
        assert msg is not None
        return msg.status, [m.text for m in repo.replies_to(s, msg.conversation_id, msg.id)]


def test_messages_left_received_are_answered_once_when_the_app_starts(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    migrate(settings.db.url)
    db = Database(settings.db.url)
    old = left_received(db, "web", "rest-old", "昨天的问题", timedelta(days=2))
    recent = left_received(db, "web", "rest-recent", "刚才的问题", timedelta(minutes=20))
    young = left_received(db, "web", "rest-young", "正在回答", timedelta(seconds=1))
    with TestClient(create_app(settings)):
        poll_until(lambda: [state(db, old), state(db, recent)], lambda r: r[0][1] and r[1][1])
    assert state(db, old) == ("answered", [TEXTS.get(APOLOGY)])
    # went through the gateway again (Rasa is down here: its polite reply)
    assert state(db, recent) == ("unanswered", [TEXTS.get("rasa_unavailable")])
    assert state(db, young) == ("received", [])  # within the grace period: maybe in a turn
    # a restart (or a second replica) answers nothing again
    with TestClient(create_app(settings)) as client:
        assert client.portal.call(current().recovery.sweep) == 0  # type: ignore[union-attr]
    assert state(db, old) == ("answered", [TEXTS.get(APOLOGY)])
    assert state(db, recent) == ("unanswered", [TEXTS.get("rasa_unavailable")])
    db.dispose()


def test_the_recovered_answer_is_pushed_to_the_open_chat_page(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "hello", "token": None})
        session = ws.receive_json()
        assert session["type"] == "session"
        assert ws.receive_json()["type"] == "history"
        db = current().db
        mid = left_received(db, "web", session["sender"], "没人回我", timedelta(hours=3))
        assert client.portal.call(current().recovery.sweep) == 1  # type: ignore[union-attr]
        frame: dict[str, Any] = ws.receive_json()
        assert frame["type"] == "system"
        assert frame["text"] == TEXTS.get(APOLOGY)
        assert frame["reply_to"] == "c-没人回我"  # the page pairs it with its ✓ message
        assert state(db, mid) == ("answered", [TEXTS.get(APOLOGY)])


@pytest.fixture
def replicas(db_url: str) -> Any:
    """Two gateways (two replicas: locks of their own) on one database; Rasa down."""
    dbs = [Database(db_url), Database(db_url)]
    rasas = [RasaClient(f"http://127.0.0.1:{free_port()}", timeout_s=2) for _ in dbs]
    yield [Gateway(db, rasa, TEXTS) for db, rasa in zip(dbs, rasas, strict=True)]
    for db, rasa in zip(dbs, rasas, strict=True):
        run_async(rasa.aclose())
        db.dispose()


def test_two_replicas_sweeping_at_once_apologise_once(replicas: list[Gateway]) -> None:
    first, second = replicas
    mids = [
        left_received(first.db, "web", f"rest-{i}", f"问题{i}", timedelta(days=1)) for i in range(5)
    ]
    sweeps = [Recovery(g, RecoverySettings(**WINDOWS)) for g in replicas]

    async def both() -> list[int]:
        return list(await asyncio.gather(*(r.sweep() for r in sweeps)))

    assert sum(run_async(both())) == 5
    for mid in mids:
        assert state(first.db, mid) == ("answered", [TEXTS.get(APOLOGY)])
    assert run_async(sweeps[1].sweep()) == 0


def test_a_message_answered_meanwhile_is_not_answered_again(replicas: list[Gateway]) -> None:
    gateway = replicas[0]
    mid = left_received(gateway.db, "web", "rest-x", "在吗", timedelta(minutes=5))
    first = run_async(gateway.resume(mid, "web", "rest-x"))
    assert first is not None and first.replies
    assert run_async(gateway.resume(mid, "web", "rest-x")) is None
    assert state(gateway.db, mid) == ("unanswered", [TEXTS.get("rasa_unavailable")])


def test_wechat_messages_are_left_to_the_wechat_sweep(replicas: list[Gateway]) -> None:
    gateway = replicas[0]
    mid = left_received(gateway.db, "wechat", "openid-1", "你好", timedelta(days=1))
    assert run_async(Recovery(gateway, RecoverySettings(**WINDOWS)).sweep()) == 0
    assert state(gateway.db, mid) == ("received", [])
