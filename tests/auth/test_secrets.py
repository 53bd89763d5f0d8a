"""Item 2: no public secret signs anything, and production refuses demo accounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest
from pydantic import ValidationError

from bot.auth.secrets import staff_secret
from bot.auth.staff import authenticate, disable_demo_accounts, seed_demo_accounts
from bot.config import Settings
from bot.storage.db import Database, migrate
from bot.storage.models import StaffUser
from tests.auth.conftest import App

STRONG = "a-production-secret-of-enough-length-0123456789"


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "x",
        "kefu-dev-secret",
        "changeme",
        "short-but-not-known",
        "CHANGE-to-a-long-random-secret",
    ],
)
def test_production_refuses_a_missing_short_or_published_secret(secret: str | None) -> None:
    with pytest.raises(ValidationError, match="KEFU_AUTH__SECRET"):
        Settings(profile="production", auth={"secret": secret})
    assert Settings(profile="production", auth={"secret": STRONG}).auth.secret == STRONG


def test_production_refuses_short_rest_keys() -> None:
    with pytest.raises(ValidationError, match="REST_KEYS"):
        Settings(profile="production", auth={"secret": STRONG, "rest_keys": {"shop": "x"}})


def test_the_embedded_profile_generates_its_staff_secret_once_under_var(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    secret = staff_secret(settings)
    assert len(secret) >= 32 and secret != "kefu-dev-secret"
    kept = tmp_path / "secrets" / "auth_secret"
    assert kept.read_text().strip() == secret and kept.stat().st_mode & 0o077 == 0
    assert staff_secret(Settings(var_dir=tmp_path)) == secret  # the next start keeps it
    assert staff_secret(Settings(var_dir=tmp_path / "other")) != secret


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_token_signed_with_the_documented_default_secret_is_refused(app: App) -> None:
    now = datetime.now(UTC)
    for user in ("ghost", "admin"):
        claims = {
            "sub": user,
            "role": "admin",
            "ver": 0,
            "iat": now,
            "exp": now + timedelta(hours=1),
        }
        forged = jwt.encode(claims, "kefu-dev-secret", algorithm="HS256")
        resp = app.client.get("/api/handoffs", headers={"Authorization": f"Bearer {forged}"})
        assert resp.status_code == 401
    assert app.call("admin", "GET", "/api/handoffs").status_code == 200


def _db(tmp_path: Path) -> Database:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    migrate(url)
    return Database(url)


def test_production_disables_demo_accounts_a_database_got_from_the_embedded_profile(
    tmp_path: Path,
) -> None:
    db = _db(tmp_path)
    embedded = Settings(var_dir=tmp_path)
    production = Settings(profile="production", var_dir=tmp_path, auth={"secret": STRONG})
    try:
        seed_demo_accounts(db, embedded)
        assert authenticate(db, "admin", "admin", embedded) is not None
        assert seed_demo_accounts(db, production) == []
        # whatever the database holds: refused at login even before the start disables them
        assert authenticate(db, "admin", "admin", production) is None
        assert authenticate(db, "agent1", "agent1", production) is None

        with db.session() as s:  # an operator gave "super" a real password: kept
            from bot.auth.passwords import hash_password

            user = s.query(StaffUser).filter_by(username="super").one()
            user.password_hash = hash_password("a-real-password-for-super")
        disabled = disable_demo_accounts(db)
        assert "admin" in disabled and "agent1" in disabled and "super" not in disabled
        with db.session() as s:
            states = {u.username: (u.active, u.token_version) for u in s.query(StaffUser)}
        assert states["admin"] == (False, 1) and states["super"] == (True, 0)
        assert authenticate(db, "super", "a-real-password-for-super", production) is not None
        assert authenticate(db, "admin", "admin", embedded) is None  # disabled for good
    finally:
        db.dispose()
