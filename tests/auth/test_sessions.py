"""Item 3: every request checks the token's user; an admin can revoke and disable."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.websockets import WebSocketDisconnect

from bot.auth.sessions import StaffSessions
from bot.storage.db import Database, migrate
from bot.storage.models import StaffUser
from tests.auth.conftest import App


def test_a_deactivated_users_token_is_refused_on_the_next_request(app: App) -> None:
    token = app.add_staff("leaver", "agent")
    headers = {"Authorization": f"Bearer {token}"}
    assert app.client.get("/api/handoffs", headers=headers).status_code == 200
    with app.svc.db.session() as s:  # deactivated in the database (another replica, a script)
        s.query(StaffUser).filter_by(username="leaver").one().active = False
    assert app.client.get("/api/handoffs", headers=headers).status_code == 401
    assert app.login("leaver", "a-long-password").status_code == 401


def test_a_token_of_a_user_that_no_longer_exists_is_refused(app: App) -> None:
    token = app.add_staff("temp-user", "supervisor")
    with app.svc.db.session() as s:
        s.delete(s.query(StaffUser).filter_by(username="temp-user").one())
    resp = app.client.get("/api/handoffs", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401


def test_a_token_naming_a_role_the_user_no_longer_has_is_refused(app: App) -> None:
    token = app.add_staff("demoted", "supervisor")
    with app.svc.db.session() as s:
        s.query(StaffUser).filter_by(username="demoted").one().role = "agent"
    resp = app.client.get("/api/alerts", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401


def test_admin_revokes_a_users_tokens_and_they_log_in_again(app: App) -> None:
    old = {"Authorization": f"Bearer {app.add_staff('revoked', 'agent')}"}
    resp = app.call("admin", "POST", "/api/staff/revoked/revoke")
    assert resp.status_code == 200 and resp.json()["token_version"] == 1
    assert app.client.get("/api/handoffs", headers=old).status_code == 401
    fresh = app.login("revoked", "a-long-password").json()["access_token"]
    ok = app.client.get("/api/handoffs", headers={"Authorization": f"Bearer {fresh}"})
    assert ok.status_code == 200


def test_admin_disables_and_enables_an_account(app: App) -> None:
    old = {"Authorization": f"Bearer {app.add_staff('paused', 'agent')}"}
    off = app.call("admin", "PUT", "/api/staff/paused/active", json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert app.client.get("/api/handoffs", headers=old).status_code == 401
    assert app.login("paused", "a-long-password").status_code == 401
    app.call("admin", "PUT", "/api/staff/paused/active", json={"active": True})
    assert app.client.get("/api/handoffs", headers=old).status_code == 401  # still revoked
    assert app.login("paused", "a-long-password").status_code == 200


def test_only_admins_revoke_and_unknown_users_are_404(app: App) -> None:
    assert app.call("super", "POST", "/api/staff/agent1/revoke").status_code == 403
    assert app.call(None, "POST", "/api/staff/agent1/revoke").status_code == 401
    resp = app.call("admin", "POST", "/api/staff/nobody-here/revoke")
    assert resp.status_code == 404 and "没有员工账号" in resp.json()["error"]["message"]


def test_the_check_reads_the_table_once_per_ttl_and_at_once_after_a_local_revoke(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    migrate(url)
    db = Database(url)
    try:
        with db.session() as s:
            s.add(StaffUser(username="a", display_name="a", password_hash="-", role="agent"))
        now = [100.0]
        sessions = StaffSessions(db, ttl_s=5, clock=lambda: now[0])
        claims = {"username": "a", "role": "agent", "ver": "0"}
        assert sessions.allows(claims)
        with db.session() as s:
            s.query(StaffUser).filter_by(username="a").one().active = False
        assert sessions.allows(claims)  # cached: another replica's change shows after the TTL
        now[0] += 5
        assert not sessions.allows(claims)
        with db.session() as s:
            s.query(StaffUser).filter_by(username="a").one().active = True
        now[0] += 5
        assert sessions.allows(claims)
        sessions.revoke("a")  # this process's own change counts at once
        assert not sessions.allows(claims)
        assert sessions.allows({**claims, "ver": "1"})
    finally:
        db.dispose()


def test_a_revoked_engineers_open_console_is_closed_at_its_next_ping(app: App) -> None:
    token = app.add_staff("console-user", "agent")
    with app.client.websocket_connect(f"/ws/agent?token={token}") as ws:
        assert ws.receive_json()["type"] == "snapshot"
        ws.send_json({"type": "ping"})
        while ws.receive_json()["type"] != "pong":
            pass
        assert app.call("admin", "POST", "/api/staff/console-user/revoke").status_code == 200
        ws.send_json({"type": "ping"})
        with pytest.raises(WebSocketDisconnect) as closed:
            while True:
                assert ws.receive_json()["type"] != "pong"
    assert closed.value.code == 4401
