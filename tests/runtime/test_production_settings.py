"""`bot serve --profile production` on one machine: which servers and secret it uses."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.runtime.production import local_topology


def test_production_on_one_machine_uses_the_local_servers_and_one_kept_secret(
    tmp_path: Path,
) -> None:
    settings = Settings(var_dir=tmp_path)
    topology = local_topology(settings, apps=3, rasas=2)
    assert topology.db_url == "postgresql+psycopg2://postgres@127.0.0.1:5432/kefu"
    assert topology.tracker_url == "postgresql://postgres@127.0.0.1:5432/kefu_rasa"
    assert topology.redis_url == "redis://127.0.0.1:6379/0"
    assert (topology.apps, topology.rasas, topology.public_port) == (3, 2, 8000)
    secret = topology.env["KEFU_AUTH__SECRET"]
    assert len(secret) >= 32
    # every replica, and the next start, sign staff tokens with the same secret
    assert local_topology(settings, 2, 2).env["KEFU_AUTH__SECRET"] == secret
    assert (tmp_path / "production" / "auth-secret").stat().st_mode & 0o077 == 0


def test_production_on_one_machine_keeps_configured_servers(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "var_dir": tmp_path,
            "db": {"url": "postgresql+psycopg2://kefu@db:5432/kefu"},
            "redis": {"url": "redis://cache:6379/2"},
            "rasa": {"tracker_store_url": "postgresql://kefu@db:5432/trackers"},
            "auth": {"secret": "a-real-secret-of-enough-length-0123456789"},
        }
    )
    topology = local_topology(settings, 2, 2)
    assert topology.db_url == "postgresql+psycopg2://kefu@db:5432/kefu"
    assert topology.redis_url == "redis://cache:6379/2"
    assert topology.tracker_url == "postgresql://kefu@db:5432/trackers"
    assert "KEFU_AUTH__SECRET" not in topology.env
