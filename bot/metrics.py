"""Kefu's own Prometheus metrics (served by the app at `GET /metrics`, see `bot.api.metrics`).

Defined here, below every package, so that any layer may count without importing the API.
One process = one set of counters: each replica is scraped on its own.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
