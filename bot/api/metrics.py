"""`GET /metrics`: HTTP request counts and latencies (prometheus-fastapi-instrumentator) and
Kefu's own metrics (`bot.metrics`), in Prometheus' text format."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_fastapi_instrumentator import Instrumentator


def install_metrics(app: FastAPI) -> None:
    """Instrument the app's HTTP handlers and serve `GET /metrics`."""
    Instrumentator(excluded_handlers=["/metrics"]).instrument(app).expose(
        app, endpoint="/metrics", include_in_schema=False
    )
