"""`/healthz` proves the database takes writes and reports failing actions; `/metrics` carries
turn latency, action failures, Rasa's availability and the handoff queues (issue 17, 8-9)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from bot.metrics import action_failed
from tests.api.conftest import App


@contextmanager
def write_locked(app: App) -> Iterator[None]:
    """Another connection holds SQLite's write lock (a long write, a stuck process)."""
    path = app.settings.db.url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_healthz_says_down_while_the_database_takes_no_writes(app: App) -> None:
    assert app.client.get("/healthz").json()["database"]["writable"] is True
    with write_locked(app):
        resp = app.client.get("/healthz")
    assert resp.status_code == 503
    body = resp.json()
    assert body["status"] == "down"
    assert body["database"] == {"status": "down", "backend": "sqlite", "writable": False}
    assert app.client.get("/healthz").json()["database"]["writable"] is True


def test_a_message_during_a_write_outage_gets_a_polite_503_and_nothing_half_stored(
    app: App,
) -> None:
    with write_locked(app):
        resp = app.client.post(
            "/webhooks/rest/webhook", json={"sender": "locked-db", "message": "你好"}
        )
    assert resp.status_code == 503, resp.text
    error = resp.json()["error"]
    assert error["code"] == "service_busy" and "稍" in error["message"]
    staff = {"Authorization": f"Bearer {app.admin_token}"}
    assert app.client.get("/api/conversations/locked-db", headers=staff).status_code == 404


def test_healthz_reports_recent_action_failures(app: App) -> None:
    before = app.client.get("/healthz").json()["actions"]["failures_recent"]
    action_failed("error")
    body = app.client.get("/healthz").json()
    assert body["actions"]["failures_recent"] == before + 1
    assert body["actions"]["status"] == "failing" and body["status"] != "ok"


def test_metrics_carry_turns_actions_rasa_and_queues(app: App) -> None:
    app.client.post("/webhooks/rest/webhook", json={"sender": "metrics-probe", "message": "你好"})
    app.client.get("/healthz")
    text = app.client.get("/metrics").text
    for name in (
        "kefu_turn_seconds_bucket",
        "kefu_action_failures_total",
        "kefu_rasa_up 0.0",  # nothing listens where this app looks for Rasa
        "kefu_turns_in_flight 0.0",
        "kefu_handoffs_waiting",
    ):
        assert name in text, name
