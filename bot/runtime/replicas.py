"""Processes of the production topology on one machine: app replicas and the balancer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.config import ROOT
from bot.runtime.balancer import haproxy_path
from bot.runtime.stack import wait_http


class Process:
    """A child process with its log file, that can be killed and started again."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_file: Path) -> None:
        self.name = name
        self.cmd = cmd
        self.env = env
        self.log_file = log_file
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def alive(self) -> bool:
        """Whether the process runs."""
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        """Start it (non-blocking)."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as out:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # stopped by us, in order, not by the terminal's Ctrl-C
            )

    def kill(self) -> None:
        """SIGKILL, as a crash would (the fault tests)."""
        if self.proc is not None and self.alive:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self, timeout_s: float = 60.0) -> None:
        """SIGTERM, then SIGKILL if it lingers."""
        if self.proc is None or not self.alive:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.kill()
        except ProcessLookupError:
            pass


class AppReplica(Process):
    """One app replica: `bot serve --no-rasa` on its own port."""

    def __init__(self, name: str, port: int, env: dict[str, str], log_file: Path) -> None:
        cmd = [sys.executable, "-m", "bot.cli", "serve", "--no-rasa"]
        super().__init__(name, cmd, dict(env, KEFU_HOST="127.0.0.1", KEFU_PORT=str(port)), log_file)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def wait_ready(self, timeout_s: float = 300) -> None:
        """Until `/livez` answers (the knowledge base is loaded by then)."""
        assert self.proc is not None
        wait_http(f"{self.url}/livez", self.proc, self.log_file, timeout_s)


class Balancer(Process):
    """HAProxy in the foreground with its configuration file."""

    def __init__(self, config: Path, log_file: Path) -> None:
        cmd = [haproxy_path(), "-db", "-f", str(config)]
        super().__init__("haproxy", cmd, dict(os.environ), log_file)
