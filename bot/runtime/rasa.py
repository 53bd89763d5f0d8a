"""Training and running the Rasa server, which lives in its own virtual env (`.venv-rasa`)."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx

from bot.config import ROOT
from bot.runtime.endpoints import store_env

log = logging.getLogger(__name__)

RASA_BIN = ROOT / ".venv-rasa" / "bin" / "rasa"
MODEL_NAME = "kefu"
TRAINING_INPUTS = ("domain", "data", "config.yml")


def rasa_env(**extra: str) -> dict[str, str]:
    """The environment for Rasa processes: no telemetry, quiet TensorFlow."""
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        **extra,
    )
    return env


def fingerprint(root: Path = ROOT) -> str:
    """A hash of everything training reads: `domain/`, `data/` and `config.yml`."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for f in files:
            digest.update(str(f.relative_to(root)).encode())
            digest.update(f.read_bytes())
    return digest.hexdigest()


def model_path(model_dir: Path) -> Path:
    """Where the trained model is kept."""
    return model_dir / f"{MODEL_NAME}.tar.gz"


def train_if_changed(model_dir: Path, *, force: bool = False, root: Path = ROOT) -> bool:
    """Train the Rasa model when its inputs changed since the last training.

    Returns True when it trained. The fingerprint is written only after a successful
    training, so an interrupted run trains again next time.
    """
    stamp = model_dir / f"{MODEL_NAME}.fingerprint"
    current = fingerprint(root)
    if (
        not force
        and model_path(model_dir).exists()
        and stamp.exists()
        and stamp.read_text() == current
    ):
        return False
    model_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(RASA_BIN), "train",
        "--domain", "domain", "--data", "data", "--config", "config.yml",
        "--out", str(model_dir), "--fixed-model-name", MODEL_NAME,
    ]  # fmt: skip
    subprocess.run(cmd, cwd=root, env=rasa_env(), check=True)
    stamp.write_text(current)
    return True


class RasaServer:
    """A Rasa server subprocess serving the trained model on one loopback port."""

    def __init__(
        self,
        model: Path,
        port: int,
        action_url: str,
        action_token: str,
        log_file: Path,
        host: str = "127.0.0.1",
        env: dict[str, str] | None = None,
        api_token: str | None = None,
    ) -> None:
        self.model = model
        self.action_token = action_token
        self.host = host
        self.port = port
        self.action_url = action_url
        self.log_file = log_file
        # endpoints.yml's store variables (in memory unless `env` names the stores)
        self.env = store_env(None, None) | (env or {})
        self.api_token = api_token  # Rasa's HTTP API on, behind this token
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://{self.host}:{self.port}"

    def start(self) -> None:
        """Start the server (non-blocking); `wait_ready` waits for it."""
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        cmd = [
            str(RASA_BIN), "run",
            "--model", str(self.model),
            "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
            "--interface", self.host, "--port", str(self.port),
        ]  # fmt: skip
        if self.api_token:
            cmd += ["--enable-api", "--auth-token", self.api_token]
        with self.log_file.open("ab") as out:
            self.proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=rasa_env(
                    KEFU_ACTION_URL=self.action_url,
                    KEFU_RASA__ACTION_TOKEN=self.action_token,
                    **self.env,
                ),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # our own Ctrl-C handling stops it, in order
            )

    def wait_ready(self, timeout_s: float = 180.0) -> None:
        """Block until the model is loaded and the REST channel answers."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"Rasa exited with {self.proc.returncode}; see {self.log_file}")
            try:
                status = httpx.get(f"{self.url}/", timeout=1.0).status_code
                if status == 200 and self._model_loaded():
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"Rasa not ready after {timeout_s:.0f} s; see {self.log_file}")

    def _model_loaded(self) -> bool:
        # The root path answers before the model is loaded; the REST channel's health
        # route answers only once the server runs its channels.
        try:
            return httpx.get(f"{self.url}/webhooks/rest/", timeout=1.0).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self, timeout_s: float = 15.0) -> None:
        """Stop the server: SIGTERM to its process group, then SIGKILL if it lingers."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        except ProcessLookupError:
            pass
