"""Private PostgreSQL and Redis servers in a temporary folder, on free loopback ports.

The fault tests and `make bench` restart the database and Redis under load; doing that to
the machine's shared servers would disturb everyone else's work, so they run their own.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from bot.runtime.stack import free_port


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the postgres user then.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(f"PostgreSQL's {name} not found (Debian package postgresql)")
    return path


class PrivatePostgres:
    """A PostgreSQL cluster of our own (trust auth, user postgres), in a temporary folder
    of its own (owned by the postgres user when we are root); `remove` deletes it."""

    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="kefu-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        self.dir = self.home / "data"
        self.port = free_port()
        self.log = self.home / "postgres.log"

    def url(self, database: str, driver: str = "postgresql+psycopg2") -> str:
        """A URL of one database of this cluster."""
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Create the cluster on first start, then start it and wait until it accepts."""
        if not (self.dir / "PG_VERSION").exists():
            cmd = [_pg_bin("initdb"), "-D", str(self.dir), "-U", "postgres", "-A", "trust"]
            subprocess.run(_as_postgres([*cmd, "--no-sync"]), check=True, capture_output=True)
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=300 -c synchronous_commit=off"
        )
        ctl = [_pg_bin("pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-o", opts, "-w"]
        subprocess.run(_as_postgres([*ctl, "start"]), check=True, capture_output=True)

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (`immediate` is a crash: no shutdown checkpoint)."""
        cmd = [_pg_bin("pg_ctl"), "-D", str(self.dir), "-m", mode, "-w", "stop"]
        subprocess.run(_as_postgres(cmd), capture_output=True)

    def restart(self, down_s: float = 0.0) -> None:
        """Stop, stay down `down_s`, start again."""
        self.stop()
        time.sleep(down_s)
        self.start()

    def remove(self) -> None:
        """Stop the server at once and delete the cluster."""
        self.stop("immediate")
        shutil.rmtree(self.home, ignore_errors=True)


class PrivateRedis:
    """A redis-server of our own that keeps nothing on disk, like the machine's."""

    def __init__(self, work_dir: Path) -> None:
        self.dir = work_dir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it answers PING."""
        self.dir.mkdir(parents=True, exist_ok=True)
        cmd = [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(self.dir),
        ]  # fmt: skip
        with (self.dir / "redis.log").open("ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            client = redis.Redis(port=self.port, socket_timeout=1)
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        """Stop the server (what it held is gone, as on the machine's)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=15)

    def restart(self, down_s: float = 0.0) -> None:
        """Stop, stay down `down_s`, start again."""
        self.stop()
        time.sleep(down_s)
        self.start()
