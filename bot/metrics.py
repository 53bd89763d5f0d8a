"""Kefu's own Prometheus metrics (served by the app at `GET /metrics`, see `bot.api.metrics`).

Defined here, below every package, so that any layer may count without importing the API.
One process = one set of counters: each replica is scraped on its own.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from prometheus_client import Counter, Gauge, Histogram

ACTION_CALL_BYTES = Histogram(
    "kefu_action_call_bytes",
    "Body size of Rasa's action calls (the tracker of the current Rasa session).",
    buckets=(4e3, 16e3, 64e3, 128e3, 256e3, 512e3, 1e6, 4e6, float("inf")),
)
ACTION_FAILURES = Counter(
    "kefu_action_failures_total",
    "Rasa action calls that failed, and turns Rasa answered with nothing.",
    ["reason"],
)
RASA_UP = Gauge(
    "kefu_rasa_up", "1 when the last call to the Rasa server (a turn or a health check) worked."
)
TURN_SECONDS = Histogram(
    "kefu_turn_seconds",
    "One customer message from arrival to its stored answer (waiting for the customer's lock "
    "included).",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60, float("inf")),
)
TURNS_IN_FLIGHT = Gauge(
    "kefu_turns_in_flight", "Customer messages accepted and not answered yet, in this process."
)
RECENT_WINDOW_S = 300.0
_recent: deque[float] = deque()
_recent_lock = threading.Lock()


def action_failed(reason: str) -> None:
    """Count a failed action call (or a turn Rasa answered with nothing)."""
    ACTION_FAILURES.labels(reason).inc()
    with _recent_lock:
        _recent.append(time.monotonic())


def recent_action_failures() -> int:
    """Action failures in this process over the last `RECENT_WINDOW_S` seconds."""
    with _recent_lock:
        while _recent and _recent[0] < time.monotonic() - RECENT_WINDOW_S:
            _recent.popleft()
        return len(_recent)
