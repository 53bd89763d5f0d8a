"""Stopping the app drains it: a turn under way finishes (its action call back into the app
is served), new customer messages meanwhile get 503 with Retry-After.

The real app under the real uvicorn server of `bot serve` (in a thread), on a real SQLite
database. Rasa is a stand-in HTTP server that holds the turn until the test lets it go and
then calls the app's action endpoint, as the real one does for a custom action.
"""

from __future__ import annotations

import shutil
import signal
import threading
from functools import partial
from pathlib import Path

import httpx
import uvicorn
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.api.drain import drain
from bot.config import ROOT, RasaSettings
from bot.runtime.serving import DrainingServer
from bot.runtime.stack import free_port
from bot.services import current
from bot.storage import repository as repo
from bot.storage.db import Database
from tests.api.conftest import app_settings
from tests.polling import poll_until
from tests.standin_rasa import StandInRasa

TOKEN = "drain-test-action-token-0123456789"
ANSWER = "好的，这就为您处理。"


class ActionCalls:
    """Rasa's call back into the app for a custom action; records what it got."""

    def __init__(self, app_url: str) -> None:
        self.app_url = app_url
        self.status: int | str | None = None

    def __call__(self) -> None:
        try:
            resp = httpx.post(
                f"{self.app_url}/actions/webhook",
                json={"next_action": "action_that_does_not_exist", "tracker": {}},
                headers={"X-Kefu-Action-Token": TOKEN},
                timeout=30,
            )
            self.status = resp.status_code
        except httpx.HTTPError as exc:
            self.status = repr(exc)


def test_a_turn_under_way_finishes_when_the_app_is_told_to_stop(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    action = ActionCalls(app_url)
    rasa = StandInRasa(ANSWER, before_answer=action)
    rasa.hold.set()
    settings = app_settings(tmp_path).model_copy(
        update={"rasa": RasaSettings(url=rasa.url, timeout_s=60, action_token=TOKEN)}
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = DrainingServer(config, partial(drain, 60))
    serving = threading.Thread(target=server.run)
    serving.start()
    try:
        poll_until(lambda: server.started, timeout_s=300)
        assert server.started
        turn: dict[str, httpx.Response] = {}

        def customer() -> None:
            turn["resp"] = httpx.post(
                f"{app_url}/webhooks/rest/webhook",
                json={"sender": "rest-drain", "message": "电脑开不了机"},
                timeout=120,
            )

        asking = threading.Thread(target=customer)
        asking.start()
        assert rasa.arrived.wait(60)  # the turn is under way, waiting on Rasa
        server.handle_exit(signal.SIGTERM, None)  # what `kill <pid>` makes uvicorn call
        livez = poll_until(
            lambda: httpx.get(f"{app_url}/livez", timeout=10).status_code, lambda c: c == 503
        )
        assert livez == 503  # out of the balancer's pool, still listening
        refused = httpx.post(
            f"{app_url}/webhooks/rest/webhook",
            json={"sender": "rest-late", "message": "在吗"},
            timeout=30,
        )
        assert refused.status_code == 503
        assert refused.json()["error"]["code"] == "draining"
        assert int(refused.headers["Retry-After"]) > 0
        rasa.release.set()
        asking.join(120)
        assert action.status == 404  # served by the app's action route (no such action)
        assert turn["resp"].status_code == 200
        assert [m["text"] for m in turn["resp"].json()] == [ANSWER]
        serving.join(120)
        assert not serving.is_alive()  # stopped once drained
    finally:
        server.should_exit = True
        rasa.close()
        serving.join(60)
    db = Database(settings.db.url)
    with db.session() as s:
        conv = repo.open_conversation(s, "web", "rest-drain")
        statuses = [m.status for m in repo.messages_of(s, conv.id) if m.direction == "in"]
        late = repo.open_conversation(s, "web", "rest-late")
        assert repo.messages_of(s, late.id) == []  # refused: nothing stored
    db.dispose()
    assert statuses == ["answered"]


def test_a_chat_message_sent_while_draining_is_refused_and_not_stored(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    settings = app_settings(tmp_path)
    with TestClient(create_app(settings)) as client, client.websocket_connect("/ws/chat") as ws:
        ws.send_json({"type": "hello", "token": None})
        sender = ws.receive_json()["sender"]
        assert ws.receive_json()["type"] == "history"
        current().gateway.draining = True
        ws.send_json({"type": "message", "id": "m-1", "text": "在吗"})
        frame = ws.receive_json()
        assert (frame["type"], frame["code"], frame["id"]) == ("error", "draining", "m-1")
        with current().db.session() as s:
            conv = repo.open_conversation(s, "web", sender)
            assert repo.messages_of(s, conv.id) == []  # not accepted: the page sends it again
