"""The production topology on one machine: N app replicas and M Rasa replicas behind HAProxy,
on PostgreSQL (app store, Rasa's SQLTrackerStore) and Redis (fan-out, turn locks, leases,
Rasa's RedisLockStore).

`bot serve --profile production --replicas N --rasa-replicas M` runs it with the settings of
the environment; the fault tests and `make bench` run it on private servers. `deploy/`
holds the same topology for docker compose and systemd.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.config import PLACEHOLDER_SECRETS, ROOT, Settings
from bot.runtime import balancer
from bot.runtime.endpoints import store_env
from bot.runtime.rasa import RasaServer
from bot.runtime.replicas import AppReplica, Balancer
from bot.runtime.stack import free_port
from bot.storage.db import migrate
from bot.texts import Texts

log = logging.getLogger(__name__)


@dataclass
class Topology:
    """What to run and on which servers.

    Attributes:
        db_url: the app database (`postgresql+psycopg2://...`).
        redis_url: Redis (`redis://host:port/db`).
        tracker_url: Rasa's tracker database (`postgresql://...`).
        apps: number of app replicas.
        rasas: number of Rasa replicas.
        public_port: where users reach the balancer (0 = a free port).
        prefix: Redis key prefix of this deployment (app and Rasa's lock store).
        env: extra environment of every app replica (e.g. `KEFU_AUTH__SECRET`).
        knowledge_dir: where the texts (the balancer's 503 message) come from.
    """

    db_url: str
    redis_url: str
    tracker_url: str
    apps: int = 2
    rasas: int = 2
    public_port: int = 0
    prefix: str = "kefu"
    env: dict[str, str] = field(default_factory=dict)
    knowledge_dir: Path = ROOT / "knowledge"


class ProductionStack:
    """Start, fault and stop the topology's processes (logs and configuration in `work_dir`)."""

    def __init__(self, topology: Topology, model: Path, work_dir: Path) -> None:
        self.topology = topology
        self.work_dir = work_dir
        self.public_port = topology.public_port or free_port()
        self.url = f"http://127.0.0.1:{self.public_port}"
        listen = balancer.Listeners(
            public=f"127.0.0.1:{self.public_port}",
            actions=f"127.0.0.1:{free_port()}",
            rasa=f"127.0.0.1:{free_port()}",
        )
        self.listen = listen
        lock_url = _lock_store_url(topology)
        rasa_env = store_env(topology.tracker_url, lock_url)
        api_token = topology.env.get("KEFU_RASA__API_TOKEN") or secrets.token_urlsafe(24)
        # What Rasa presents on action calls; the app replicas are told the same one.
        action_token = topology.env.get("KEFU_RASA__ACTION_TOKEN") or secrets.token_urlsafe(32)
        self.rasas = [
            RasaServer(
                model=model,
                port=free_port(),
                action_url=f"http://{listen.actions}/actions/webhook",
                action_token=action_token,
                log_file=work_dir / f"rasa{i + 1}.log",
                env=rasa_env,
                api_token=api_token,
            )
            for i in range(topology.rasas)
        ]
        app_env = dict(
            os.environ,
            KEFU_PROFILE="production",
            KEFU_DB__URL=topology.db_url,
            KEFU_REDIS__URL=topology.redis_url,
            KEFU_REDIS__PREFIX=topology.prefix,
            KEFU_RASA__URL=f"http://{listen.rasa}",
            KEFU_PUBLIC_URL=self.url,
            KEFU_VAR_DIR=str(work_dir / "var"),
            KEFU_RASA__API_TOKEN=api_token,
            KEFU_RASA__ACTION_TOKEN=action_token,
            KEFU_RASA__LOCK_STORE_URL=lock_url,  # the gateway waits for Rasa's locks
        )
        app_env.update(topology.env)
        self.apps = [
            AppReplica(f"app{i + 1}", free_port(), app_env, work_dir / f"app{i + 1}.log")
            for i in range(topology.apps)
        ]
        self.config = work_dir / "haproxy.cfg"
        self.balancer = Balancer(self.config, work_dir / "haproxy.log")

    def start(self, timeout_s: float = 600) -> None:
        """Databases, schema, balancer, Rasa replicas, app replicas; return when all serve."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        for url in (self.topology.db_url, self.topology.tracker_url):
            ensure_database(url)
        migrate(self.topology.db_url)  # once, before any replica starts
        self._write_config()
        self.balancer.start()
        # The first Rasa replica creates the tracker tables; the others start once it serves.
        self.rasas[0].start()
        self.apps[0].start()
        self.rasas[0].wait_ready(timeout_s)
        self.apps[0].wait_ready(timeout_s)  # seeds what the others then find
        for r in self.rasas[1:]:
            r.start()
        for a in self.apps[1:]:
            a.start()
        for r in self.rasas[1:]:
            r.wait_ready(timeout_s)
        for a in self.apps[1:]:
            a.wait_ready(timeout_s)

    def _write_config(self) -> None:
        busy = self.work_dir / "busy.http"
        busy.write_text(
            balancer.busy_response(Texts.load(self.topology.knowledge_dir).get("service_busy")),
            encoding="utf-8",
        )
        apps = [balancer.Server(a.name, f"127.0.0.1:{a.port}") for a in self.apps]
        rasas = [
            balancer.Server(f"rasa{i + 1}", f"127.0.0.1:{r.port}") for i, r in enumerate(self.rasas)
        ]
        self.config.write_text(balancer.render(self.listen, apps, rasas, busy))
        balancer.check(self.config)

    def kill_app(self, i: int) -> None:
        """SIGKILL app replica `i`."""
        self.apps[i].kill()

    def restart_app(self, i: int, timeout_s: float = 600) -> None:
        """Start app replica `i` again and wait until it serves."""
        self.apps[i].start()
        self.apps[i].wait_ready(timeout_s)

    def kill_rasa(self, i: int) -> None:
        """SIGKILL Rasa replica `i`."""
        proc = self.rasas[i].proc
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def restart_rasa(self, i: int, timeout_s: float = 600) -> None:
        """Start Rasa replica `i` again and wait until it serves."""
        self.rasas[i].start()
        self.rasas[i].wait_ready(timeout_s)

    def supervise(self, poll_s: float = 1.0) -> None:
        """Restart any replica or the balancer that died, as systemd or compose would; runs
        until interrupted."""
        while True:
            time.sleep(poll_s)
            for i, r in enumerate(self.rasas):
                if r.proc is not None and r.proc.poll() is not None:
                    log.warning("rasa%d exited with %s: restarting", i + 1, r.proc.returncode)
                    r.start()
            for p in [*self.apps, self.balancer]:
                if p.proc is not None and not p.alive:
                    log.warning("%s exited with %s: restarting", p.name, p.proc.returncode)
                    p.start()

    def stop(self) -> None:
        """Stop the apps, the balancer, then Rasa."""
        for a in self.apps:
            a.stop()
        self.balancer.stop()
        for r in self.rasas:
            r.stop()

    def __enter__(self) -> ProductionStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist (no-op for SQLite)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    name = parsed.database
    admin = create_engine(
        parsed.set(drivername="postgresql+psycopg2", database="postgres", query={}),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _lock_store_url(topology: Topology) -> str:
    """Rasa's lock store on the app's Redis, under an alphanumeric form of the prefix."""
    parts = urlsplit(topology.redis_url)
    prefix = "".join(c for c in topology.prefix if c.isalnum()) or "kefu"
    return urlunsplit(parts._replace(query=f"prefix={prefix}rasa"))


LOCAL_PG = "postgresql+psycopg2://postgres@127.0.0.1:5432"  # this machine's, trust auth
LOCAL_REDIS = "redis://127.0.0.1:6379/0"


def local_topology(settings: Settings, apps: int, rasas: int) -> Topology:
    """The topology `bot serve --profile production` runs on one machine: the configured
    servers, or this machine's PostgreSQL and Redis where none is configured.

    A staff-token secret is generated once (kept in `var/production/auth-secret`) when the
    settings hold the development placeholder; every replica gets the same one.
    """
    db_url = settings.db.url
    if db_url.startswith("sqlite"):
        db_url = f"{LOCAL_PG}/kefu"
    tracker = settings.rasa.tracker_store_url or "postgresql://postgres@127.0.0.1:5432/kefu_rasa"
    env: dict[str, str] = {}
    if not settings.auth.secret or settings.auth.secret in PLACEHOLDER_SECRETS:
        env["KEFU_AUTH__SECRET"] = _kept_secret(settings.var_dir / "production" / "auth-secret")
    return Topology(
        db_url=db_url,
        redis_url=settings.redis.url or LOCAL_REDIS,
        tracker_url=tracker,
        apps=apps,
        rasas=rasas,
        public_port=settings.port,
        prefix=settings.redis.prefix,
        env=env,
        knowledge_dir=settings.knowledge_dir,
    )


def _kept_secret(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    path.write_text(secret)
    path.chmod(0o600)
    return secret
