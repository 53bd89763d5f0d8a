"""Rasa stops mid-conversation: the user gets a polite reply, nothing is lost, service resumes."""

from __future__ import annotations

import httpx
import pytest
import yaml

from tests.conftest import ROOT, LiveStack
from tests.e2e.helpers import stored_messages

pytestmark = pytest.mark.e2e


def test_rasa_down_degrades_politely_and_loses_nothing(live_stack: LiveStack, sender: str) -> None:
    texts = yaml.safe_load((ROOT / "knowledge" / "messages.yml").read_text(encoding="utf-8"))
    url = f"{live_stack.url}/webhooks/rest/webhook"
    assert (
        httpx.post(url, json={"sender": sender, "message": "你好"}, timeout=30).status_code == 200
    )

    live_stack.stop_rasa()
    try:
        resp = httpx.post(url, json={"sender": sender, "message": "电脑开不了机"}, timeout=30)
        assert resp.status_code == 200
        assert resp.json()[0]["text"] == texts["rasa_unavailable"]
        health = httpx.get(f"{live_stack.url}/healthz").json()
        assert health["status"] == "degraded"
        assert health["rasa"]["status"] == "down"
        assert health["database"]["status"] == "ok"
        stored = stored_messages(live_stack.db_url, sender)
        assert stored[-2]["text"] == "电脑开不了机"
        assert stored[-2]["status"] == "unanswered"
        assert stored[-1]["role"] == "system"
    finally:
        live_stack.start_rasa()

    resp = httpx.post(url, json={"sender": sender, "message": "你好"}, timeout=30)
    assert resp.status_code == 200
    assert resp.json()[0]["text"] != texts["rasa_unavailable"]
    assert httpx.get(f"{live_stack.url}/healthz").json()["status"] == "ok"
