"""`GET /metrics`: HTTP request counts and latencies (prometheus-fastapi-instrumentator) and
Kefu's own metrics (`bot.metrics`: turn latency, turns in flight, action failures, Rasa's
availability), plus the handoffs waiting per queue, read from the database at each scrape."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import FastAPI
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from prometheus_fastapi_instrumentator import Instrumentator
from sqlalchemy import func, select

from bot.handoff.store import WAITING
from bot.services import current
from bot.storage.models import Handoff


class QueueCollector(Collector):
    """`kefu_handoffs_waiting{queue}`: handoffs nobody accepted yet (shared by all replicas)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "kefu_handoffs_waiting",
            "Handoffs waiting for an engineer, per queue.",
            labels=["queue"],
        )
        try:
            db = current().db
            with db.session() as s:
                rows = s.execute(
                    select(Handoff.queue, func.count())
                    .where(Handoff.status.in_(WAITING))
                    .group_by(Handoff.queue)
                ).all()
        except Exception:  # noqa: BLE001 - a scrape reports what it can, never fails
            rows = []
        for queue, count in rows:
            family.add_metric([queue], count)
        yield family


_queues = QueueCollector()
_registered = False


def install_metrics(app: FastAPI) -> None:
    """Instrument the app's HTTP handlers and serve `GET /metrics`."""
    global _registered
    if not _registered:  # one registry per process, however many apps it builds
        REGISTRY.register(_queues)
        _registered = True
    Instrumentator(excluded_handlers=["/metrics"]).instrument(app).expose(
        app, endpoint="/metrics", include_in_schema=False
    )
