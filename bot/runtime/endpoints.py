"""The environment that `endpoints.yml` reads: Rasa's tracker store and lock store.

`endpoints.yml` names every store setting as `${KEFU_RASA_...}` (Rasa expands them and refuses
an unset one), so the same file serves the embedded default (both stores in memory) and
production (SQLTrackerStore on PostgreSQL, RedisLockStore on Redis). The deployment files in
`deploy/` set the same variables; `store_env` derives them from the two URLs of
`RasaSettings`.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

IN_MEMORY_TRACKER = "rasa.core.tracker_store.InMemoryTrackerStore"
TRACKER_VARS = ("STORE", "DIALECT", "HOST", "PORT", "DB", "USER", "PASSWORD", "LOGIN_DB")
LOCK_VARS = ("STORE", "HOST", "PORT", "DB", "PASSWORD", "PREFIX")


def store_env(tracker_store_url: str | None, lock_store_url: str | None) -> dict[str, str]:
    """`KEFU_RASA_TRACKER_*` and `KEFU_RASA_LOCK_*` for `endpoints.yml`.

    Args:
        tracker_store_url: `postgresql://user:pw@host:port/db[?login_db=postgres]` or
            `sqlite:///path.db`; None = in memory.
        lock_store_url: `redis://[:pw@]host:port/db[?prefix=kefu]`; None = in memory.

    Raises:
        ValueError: a URL of a kind Rasa's stores do not take.
    """
    env = {f"KEFU_RASA_TRACKER_{k}": "" for k in TRACKER_VARS}
    env |= {f"KEFU_RASA_LOCK_{k}": "" for k in LOCK_VARS}
    env["KEFU_RASA_TRACKER_STORE"] = IN_MEMORY_TRACKER
    env["KEFU_RASA_LOCK_STORE"] = "in_memory"
    if tracker_store_url:
        env |= _tracker(tracker_store_url)
    if lock_store_url:
        env |= _lock(lock_store_url)
    return env


def _tracker(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    dialect = parts.scheme.split("+", 1)[0]
    if dialect == "sqlite":
        return {
            "KEFU_RASA_TRACKER_STORE": "sql",
            "KEFU_RASA_TRACKER_DIALECT": "sqlite",
            "KEFU_RASA_TRACKER_DB": url.split(":///", 1)[1],
        }
    if dialect not in ("postgresql", "postgres"):
        raise ValueError(f"Rasa's tracker store takes postgresql:// or sqlite:///, not {url!r}")
    query = parse_qs(parts.query)
    return {
        "KEFU_RASA_TRACKER_STORE": "sql",
        "KEFU_RASA_TRACKER_DIALECT": "postgresql",
        "KEFU_RASA_TRACKER_HOST": parts.hostname or "127.0.0.1",
        "KEFU_RASA_TRACKER_PORT": str(parts.port or 5432),
        "KEFU_RASA_TRACKER_DB": parts.path.lstrip("/") or "rasa",
        "KEFU_RASA_TRACKER_USER": unquote(parts.username or ""),
        "KEFU_RASA_TRACKER_PASSWORD": unquote(parts.password or ""),
        "KEFU_RASA_TRACKER_LOGIN_DB": (query.get("login_db") or [""])[0],
    }


def _lock(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    if parts.scheme != "redis":
        raise ValueError(f"Rasa's lock store takes redis://, not {url!r}")
    prefix = (parse_qs(parts.query).get("prefix") or [""])[0]
    if prefix and not prefix.isalnum():
        raise ValueError(f"Rasa's lock key prefix must be alphanumeric, not {prefix!r}")
    return {
        "KEFU_RASA_LOCK_STORE": "redis",
        "KEFU_RASA_LOCK_HOST": parts.hostname or "127.0.0.1",
        "KEFU_RASA_LOCK_PORT": str(parts.port or 6379),
        "KEFU_RASA_LOCK_DB": parts.path.lstrip("/") or "0",
        "KEFU_RASA_LOCK_PASSWORD": unquote(parts.password or ""),
        "KEFU_RASA_LOCK_PREFIX": prefix,
    }
