"""Fault scenarios against the production topology, shared by `make test-production` and
`make bench`: load while replicas are killed, and while Redis or PostgreSQL restart."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
import yaml

from bench.load import Audit, Load, audit, run_load
from bot.runtime.private import PrivatePostgres, PrivateRedis
from bot.runtime.production import ProductionStack


@dataclass
class Outcome:
    """A scenario's load, its audit and what happened when."""

    load: Load
    audit: Audit
    events: list[tuple[float, str]]
    recovered_s: float | None = None  # fault over -> first real answer again

    def report(self, polite: set[str]) -> dict[str, Any]:
        """Figures for a JSON report."""
        return {
            **self.load.summary(polite),
            **self.audit.counts(),
            "events": [f"{t:.1f}s {what}" for t, what in self.events],
            "recovered_s": self.recovered_s,
        }


def polite_texts(knowledge_dir: Any) -> set[str]:
    """The replies that mean "not answered this time" (the fallbacks)."""
    texts = yaml.safe_load((knowledge_dir / "messages.yml").read_text(encoding="utf-8"))
    keys = ("rasa_unavailable", "service_busy", "internal_error", "recovered_apology")
    return {texts[k] for k in keys}


async def replicas_killed(
    stack: ProductionStack,
    app_db: str,
    tracker_db: str,
    polite: set[str],
    *,
    users: int,
    duration_s: float,
    think_s: float,
) -> Outcome:
    """Load for `duration_s`; at 20 % one app replica is SIGKILLed and restarted, at 45 % one
    Rasa replica. Returns once the load ended and both replicas serve again."""
    events: list[tuple[float, str]] = []
    t0 = time.monotonic()

    def note(what: str) -> None:
        events.append((time.monotonic() - t0, what))

    async def faults() -> None:
        await asyncio.sleep(duration_s * 0.2)
        stack.kill_app(0)
        note("app1 killed")
        app_back = asyncio.create_task(asyncio.to_thread(stack.restart_app, 0))
        await asyncio.sleep(duration_s * 0.25)
        stack.kill_rasa(1)
        note("rasa2 killed")
        await asyncio.to_thread(stack.restart_rasa, 1)
        note("rasa2 serving again")
        await app_back
        note("app1 serving again")

    load_task = asyncio.create_task(
        run_load(stack.url, users, duration_s, prefix="kill", think_s=think_s)
    )
    await faults()
    load = await load_task
    note("load over")
    return Outcome(load, audit(load, app_db, tracker_db, frozenset(polite)), events)


async def server_restarted(
    stack: ProductionStack,
    server: PrivatePostgres | PrivateRedis,
    name: str,
    app_db: str,
    tracker_db: str,
    polite: set[str],
    *,
    users: int,
    duration_s: float,
    think_s: float,
    down_s: float = 3.0,
) -> Outcome:
    """Load for `duration_s`; at 30 % `server` stops for `down_s` and starts again. Then a
    probe customer writes until a real answer comes back (bounded: 120 s)."""
    events: list[tuple[float, str]] = []
    t0 = time.monotonic()
    load_task = asyncio.create_task(
        run_load(stack.url, users, duration_s, prefix=f"restart-{name}", think_s=think_s)
    )
    await asyncio.sleep(duration_s * 0.3)
    events.append((time.monotonic() - t0, f"{name} stopped"))
    await asyncio.to_thread(server.restart, down_s)
    back = time.monotonic()
    events.append((back - t0, f"{name} started"))
    recovered = await _first_real_answer(stack.url, polite, f"probe-{name}", back + 120)
    load = await load_task
    events.append((time.monotonic() - t0, "load over"))
    return Outcome(load, audit(load, app_db, tracker_db, frozenset(polite)), events, recovered)


async def _first_real_answer(
    url: str, polite: set[str], sender: str, deadline: float
) -> float | None:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        while time.monotonic() < deadline:
            try:
                resp = await client.post(
                    "/webhooks/rest/webhook", json={"sender": sender, "message": "谢谢"}
                )
                answered = resp.json() if resp.is_success else []
                texts = {str(m.get("text") or "") for m in answered}
                if texts and not texts <= polite:
                    return round(time.monotonic() - started, 1)
            except (httpx.HTTPError, ValueError):
                pass
            await asyncio.sleep(0.5)
    return None
