"""Start the real Rasa server and the real app on free loopback ports (tests, benchmarks)."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bot.config import ROOT
from bot.runtime.rasa import RasaServer


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, proc: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    """Wait until `url` answers 2xx, failing early if the process died."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=2).status_code < 300:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {timeout_s} s:\n{log.read_text()[-3000:]}")


class LocalStack:
    """Rasa (`rasa run`) and the app (`bot serve --no-rasa`) as subprocesses.

    Args:
        model: the trained Rasa model.
        work_dir: where the SQLite database and the logs go.
        env: extra environment for the app (e.g. `KEFU_DB__URL`).
    """

    def __init__(self, model: Path, work_dir: Path, env: dict[str, str] | None = None) -> None:
        self.work_dir = work_dir
        self.app_port = free_port()
        self.url = f"http://127.0.0.1:{self.app_port}"
        self.db_url = f"sqlite:///{work_dir / 'kefu.db'}"
        self.extra_env = env or {}
        # The secret Rasa presents on action calls; the app is told the same one.
        self.action_token = secrets.token_urlsafe(32)
        self.rasa = RasaServer(
            model=model,
            port=free_port(),
            action_url=f"{self.url}/actions/webhook",
            action_token=self.action_token,
            log_file=work_dir / "rasa.log",
        )
        self.app: subprocess.Popen[bytes] | None = None
        self.app_log = work_dir / "app.log"

    def start(self, timeout_s: float = 300) -> None:
        """Start both and wait until the app is healthy and Rasa has loaded its model."""
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self.rasa.start()
        try:
            self._start_app(timeout_s)
            self.rasa.wait_ready(timeout_s)
        except BaseException:
            self.stop()  # a start that failed leaves no Rasa or app running
            raise

    def restart_app(self, env: dict[str, str] | None = None, timeout_s: float = 300) -> None:
        """Restart the app only (Rasa keeps running), with `env` as its extra environment."""
        self._stop_app()
        if env is not None:
            self.extra_env = dict(env)
        self._start_app(timeout_s)

    def _start_app(self, timeout_s: float) -> None:
        env = dict(
            os.environ,
            KEFU_PORT=str(self.app_port),
            KEFU_RASA__URL=self.rasa.url,
            KEFU_DB__URL=self.db_url,
            KEFU_VAR_DIR=str(self.work_dir / "var"),
            # The supervisors' jobs run often here, so figures and alerts show within seconds.
            KEFU_ANALYTICS__ROLLUP_INTERVAL_S="1",
            KEFU_ANALYTICS__SCAN_INTERVAL_S="1",
            KEFU_RASA__ACTION_TOKEN=self.action_token,
        )
        env.update(self.extra_env)
        with self.app_log.open("ab") as out:
            self.app = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "serve", "--no-rasa"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        wait_http(f"{self.url}/healthz", self.app, self.app_log, timeout_s)

    def _stop_app(self) -> None:
        if self.app is not None and self.app.poll() is None:
            self.app.terminate()
            try:
                self.app.wait(timeout=60)  # it drains first (KEFU_DRAIN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.app.kill()

    def stop(self) -> None:
        """Stop the app, then Rasa."""
        self._stop_app()
        self.rasa.stop()

    def stop_rasa(self) -> None:
        """Stop the Rasa server (to exercise the degraded path)."""
        self.rasa.stop()

    def start_rasa(self) -> None:
        """Start the Rasa server again and wait until it answers."""
        self.rasa.start()
        self.rasa.wait_ready()

    def __enter__(self) -> LocalStack:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()
