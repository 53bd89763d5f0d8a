"""Secrets the app needs: configured ones, or (embedded profile) random ones kept under `var/`.

No secret is a public constant. A deployment sets its secrets in the environment; the embedded
profile generates each one at first start and keeps it in `var/secrets/<name>` (mode 0600), so
a restart keeps logged-in tokens and the Rasa server and the app agree without configuration.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path

from bot.config import KNOWN_SECRETS, MIN_SECRET_CHARS, Settings


class SecretError(ValueError):
    """A secret is missing or too weak for the profile."""


def stored_secret(var_dir: Path, name: str) -> str:
    """The secret `name` kept under `var_dir/secrets/`, created (random, 256 bits) if missing."""
    path = var_dir / "secrets" / name
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if len(value) >= MIN_SECRET_CHARS:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(32)
    # Write then rename: two processes starting together both end with one valid file.
    tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(value)
    if path.exists():  # another process won the race: use its value
        tmp.unlink(missing_ok=True)
        return path.read_text(encoding="utf-8").strip()
    tmp.replace(path)
    return value


def resolve_secret(configured: str | None, *, profile: str, var_dir: Path, name: str) -> str:
    """The configured secret, or in the embedded profile a generated one kept under `var/`.

    Raises:
        SecretError: production without a configured secret of at least 32 characters.
    """
    if configured:
        if profile == "production" and (
            len(configured) < MIN_SECRET_CHARS or configured in KNOWN_SECRETS
        ):
            raise SecretError(f"{name} must be at least {MIN_SECRET_CHARS} characters, not public")
        return configured
    if profile == "production":
        raise SecretError(f"{name} must be set in the production profile")
    return stored_secret(var_dir, name)


def action_token(settings: Settings) -> str:
    """The secret the Rasa server presents on every action call (see `bot.api.limits`)."""
    return resolve_secret(
        settings.rasa.action_token,
        profile=settings.profile,
        var_dir=settings.var_dir,
        name="action_token",
    )


def staff_secret(settings: Settings) -> str:
    """The key of staff tokens: `KEFU_AUTH__SECRET`, or (embedded) one generated under var/."""
    if settings.auth.secret:
        return resolve_secret(
            settings.auth.secret,
            profile=settings.profile,
            var_dir=settings.var_dir,
            name="KEFU_AUTH__SECRET",
        )
    return _kept(settings.profile, settings.var_dir.resolve(), "auth_secret")


def kept_secret(settings: Settings, name: str) -> str:
    """Embedded profile: the secret `name` generated once under var/secrets/ (read once)."""
    return _kept(settings.profile, settings.var_dir.resolve(), name)


@lru_cache(maxsize=8)
def _kept(profile: str, var_dir: Path, name: str) -> str:
    # Read once per process: every request checks a token with it.
    return resolve_secret(None, profile=profile, var_dir=var_dir, name=name)
