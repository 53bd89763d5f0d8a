"""The production topology on loopback for the fault tests: 2 app + 2 Rasa replicas behind
HAProxy, on a private PostgreSQL and a private Redis (restarting the machine's shared servers
would disturb everyone else's work)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.runtime.private import PrivatePostgres, PrivateRedis
from bot.runtime.production import ProductionStack, Topology
from tests.conftest import ROOT

pytestmark = pytest.mark.production

STAFF = ("prodagent", "prod-agent-pass")  # an engineer created with `bot staff add`
SUPERVISOR = ("prodsuper", "prod-super-pass")


class Servers:
    """The private PostgreSQL and Redis of this session."""

    def __init__(self, work: Path) -> None:
        self.pg = PrivatePostgres()
        self.redis = PrivateRedis(work / "redis")

    @property
    def app_db(self) -> str:
        """The app database."""
        return self.pg.url("kefu")

    @property
    def tracker_db(self) -> str:
        """Rasa's tracker database."""
        return self.pg.url("kefu_rasa", driver="postgresql")


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """PostgreSQL and Redis of our own, on free loopback ports."""
    found = Servers(tmp_path_factory.mktemp("servers"))
    found.pg.start()
    found.redis.start()
    try:
        yield found
    finally:
        found.redis.stop()
        found.pg.remove()


@pytest.fixture(scope="session")
def production(
    servers: Servers, rasa_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ProductionStack]:
    """2 app + 2 Rasa replicas behind HAProxy, with one engineer account."""
    topology = Topology(
        db_url=servers.app_db,
        redis_url=servers.redis.url,
        tracker_url=servers.tracker_db,
        apps=2,
        rasas=2,
        env={"KEFU_AUTH__SECRET": "production-test-secret-" + "x" * 20},
    )
    stack = ProductionStack(topology, rasa_model, tmp_path_factory.mktemp("production"))
    with stack:
        env = dict(os.environ, KEFU_DB__URL=servers.app_db, KEFU_PROFILE="production")
        env.update(topology.env)
        for (name, password), role in ((STAFF, "agent"), (SUPERVISOR, "supervisor")):
            subprocess.run(
                [sys.executable, "-m", "bot.cli", "staff", "add", name, "--role", role,
                 "--password-stdin"],
                input=password + "\n", text=True, env=env, cwd=ROOT, check=True,
            )  # fmt: skip
        yield stack
