"""The supervisors' dashboard on PostgreSQL at volume: first view, drill-down, spike detection.

Writes 100,000 conversations with 1,000,000 messages over 30 days into a fresh database
(`bench.supervisor_data`, COPY), runs the real rollup over them (timed), then times what the
API routes run: the dashboard's first view (7 and 30 days; every figure, chart, hot spot and
list of the page), a drill-down page (a day's transfers; a month's unanswered), an export of a
day, and spike detection over one day (every 5 minutes, 288 runs, as the periodic job does).

    .venv/bin/python -m bench.supervisor [-n 100000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text

from bench.supervisor_data import generate
from bot.analytics import drill, export, spikes, words
from bot.analytics.dashboard import dashboard
from bot.analytics.filters import Drill, Filters
from bot.analytics.rollup import Rollup
from bot.analytics.settings import AnalyticsSettings
from bot.config import ROOT
from bot.quality.rules import RuleStore
from bot.storage.db import Database, migrate

ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
TZ = ZoneInfo("Asia/Shanghai")
console = Console()


def timed(fn: Callable[[], Any], runs: int = 5) -> dict[str, float]:
    """First (cold) and median of `runs` timings of `fn`, in ms."""
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return {"first_ms": round(times[0], 1), "median_ms": round(statistics.median(times), 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=100_000, help="conversations")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    name = f"kefu_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        run(url, args.n)
    finally:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, n: int) -> None:
    migrate(url)
    db = Database(url)
    questions = [
        json.loads(line)["query"]
        for line in (ROOT / "eval" / "queries.dev.jsonl").read_text("utf-8").splitlines()
    ]
    t = time.perf_counter()
    counts = generate(db.engine, n, questions)
    written_s = time.perf_counter() - t
    conf = AnalyticsSettings()
    t = time.perf_counter()
    Rollup(db, conf, dict).run(batch=2000)
    rollup_s = time.perf_counter() - t
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        contacts = conn.execute(text("SELECT count(*) FROM analytics_contacts")).scalar()
    book = RuleStore(ROOT / "knowledge").book()
    words.keywords("预热")  # the app loads the segmenter at start
    today = datetime.now(TZ).date()
    week = Filters(start=today - timedelta(days=6), end=today)
    month = Filters(start=today - timedelta(days=29), end=today)
    day = today - timedelta(days=3)

    def view(f: Filters) -> Callable[[], Any]:
        def go() -> None:
            with db.session() as s:
                json.dumps(dashboard(s, f, conf, TZ, book, today), default=str)

        return go

    def page(f: Filters, d: Drill) -> Callable[[], Any]:
        def go() -> None:
            with db.session() as s:
                json.dumps(drill.page(s, f, d, conf, TZ, limit=50), default=str)

        return go

    def export_day() -> None:
        f = Filters(start=day, end=day)
        with db.session() as s:
            export.xlsx_bytes(drill.rows(s, f, Drill(), conf, TZ))

    def spike_day() -> None:
        start = datetime.combine(day, datetime.min.time(), TZ).astimezone(UTC)
        with db.session() as s:
            spikes.detect_many(
                s, [start + timedelta(minutes=5 * (k + 1)) for k in range(288)], conf
            )

    def spike_now() -> None:
        with db.session() as s:
            spikes.detect(s, datetime.now(UTC), conf)

    results: dict[str, Any] = {
        **counts,
        "contacts": contacts,
        "write_s": round(written_s, 1),
        "rollup_s": round(rollup_s, 1),
        "dashboard_7d": timed(view(week)),
        "dashboard_30d": timed(view(month)),
        "drill_day_transfers": timed(page(week, Drill(metric="transferred", day=day))),
        "drill_month_unmatched": timed(page(month, Drill(metric="unmatched"))),
        "drill_tree_node": timed(page(month, Drill(tree="no_power", node="battery", step="enter"))),
        "export_day_xlsx": timed(export_day, runs=2),
        "spikes_one_day_288_runs": timed(spike_day, runs=1),
        "spikes_one_run_now": timed(spike_now),
    }
    db.dispose()
    show(results)
    out = ROOT / "var" / "bench" / "supervisor.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")


def show(results: dict[str, Any]) -> None:
    table = Table(title="Supervisors' dashboard on PostgreSQL")
    table.add_column("what")
    table.add_column("first", justify="right")
    table.add_column("median", justify="right")
    for key, value in results.items():
        if isinstance(value, dict):
            table.add_row(key, f"{value['first_ms']:.0f} ms", f"{value['median_ms']:.0f} ms")
        else:
            table.add_row(key, str(value), "")
    console.print(table)


if __name__ == "__main__":
    main()
