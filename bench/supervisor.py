"""The supervisors' dashboard on PostgreSQL at volume: first view, drill-down, spike detection.

Writes 100,000 conversations with 1,000,000 messages over 30 days into a fresh database
(`bench.supervisor_data`: bulk COPY straight into the tables, not the live service's path,
which `bot history` takes), runs the real rollup job over them (facts, then the daily, hourly
and funnel rollups; timed), rebuilds every day's rollups once more (timed, as after a
migration), then times what the API routes run: the dashboard's first view (today, 7 days as
the page opens, 30 days, 30 days filtered; every figure, chart and list of the overview), the
job's refresh of today, drill-down pages (a day's transfers; a month's unanswered; a tree
node), the complaint hot spots, an export of a day, and spike detection over one day (every
5 minutes, 288 runs, as the periodic job does). Results: var/bench/supervisor.json.

    .venv/bin/python -m bench.supervisor [-n 100000] [--keep | --database NAME]

`--database NAME` writes the volume once into that database and reuses it on later runs.
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
from sqlalchemy import create_engine, delete, text

from bench.supervisor_data import generate
from bot.analytics import cubes, drill, export, spikes, words
from bot.analytics.dashboard import dashboard
from bot.analytics.filters import Drill, Filters
from bot.analytics.hotspots import hotspots
from bot.analytics.rollup import Rollup, question_info
from bot.analytics.settings import AnalyticsSettings
from bot.config import ROOT
from bot.knowledge.loader import load_knowledge
from bot.quality.rules import RuleStore
from bot.storage.db import Database, migrate
from bot.storage.supervision import AnalyticsState

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
    ap.add_argument(
        "--database",
        help="write into this PostgreSQL database and keep it; when it already holds the "
        "volume, it is reused (only the rollup's catch-up runs)",
    )
    args = ap.parse_args()
    name = args.database or f"kefu_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        run(url, args.n)
    finally:
        if not (args.keep or args.database):
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(url: str, n: int) -> None:
    migrate(url)
    db = Database(url)
    kb = load_knowledge(ROOT / "knowledge")
    info = question_info(kb)
    with db.engine.connect() as conn:
        have = conn.scalar(text("SELECT count(*) FROM conversations"))
    written_s = None
    if have:
        console.print(f"reusing {have} conversations of {db.engine.url.database}")
        with db.engine.connect() as conn:
            counts = {
                table: conn.scalar(text(f"SELECT count(*) FROM {table}"))
                for table in ("conversations", "messages", "handoffs", "service_ratings")
            }
    else:
        queries = [
            json.loads(line)
            for line in (ROOT / "eval" / "queries.dev.jsonl").read_text("utf-8").splitlines()
        ]
        t = time.perf_counter()
        counts = generate(db.engine, n, [(q["query"], q.get("gold_id")) for q in queries])
        written_s = round(time.perf_counter() - t, 1)
    conf = AnalyticsSettings()
    t = time.perf_counter()
    Rollup(db, conf, lambda: info, TZ).run(batch=2000)
    rollup_s = time.perf_counter() - t
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        contacts = conn.execute(text("SELECT count(*) FROM analytics_contacts")).scalar()
    t = time.perf_counter()
    with db.session() as s:  # every day's rollup rows from the facts, as after a migration
        s.execute(delete(AnalyticsState).where(AnalyticsState.name == cubes.SHAPE))
        rebuilt_days = cubes.refresh(s, TZ, conf)
    rebuild_s = time.perf_counter() - t
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    book = RuleStore(ROOT / "knowledge").book()
    words.keywords("预热")  # the app loads the segmenter at start
    today = datetime.now(TZ).date()
    week = Filters(start=today - timedelta(days=6), end=today)
    month = Filters(start=today - timedelta(days=29), end=today)
    day = today - timedelta(days=3)
    narrow = {"channel": "wechat", "tier": 2}

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

    def refresh_today() -> None:  # what each run of the job adds while customers write
        with db.session() as s:
            cubes.mark(s, [today])
            cubes.refresh(s, TZ, conf)

    def hot(f: Filters) -> Callable[[], Any]:
        def go() -> None:
            with db.session() as s:
                json.dumps(hotspots(s, f, TZ), default=str)

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
        "write_s": written_s,
        "rollup_s": round(rollup_s, 1),
        "rollups_rebuild_s": round(rebuild_s, 1),
        "rollups_rebuild_days": rebuilt_days,
        "rollups_refresh_today": timed(refresh_today),
        "dashboard_7d": timed(view(week)),
        "dashboard_today": timed(view(Filters(start=today, end=today))),
        "dashboard_30d": timed(view(month)),
        "dashboard_30d_wechat_tier2": timed(view(month.model_copy(update=narrow))),
        "drill_day_transfers": timed(page(week, Drill(metric="transferred", day=day))),
        "drill_month_unmatched": timed(page(month, Drill(metric="unmatched"))),
        "drill_tree_node": timed(page(month, Drill(tree="no_power", node="battery", step="enter"))),
        "hotspots_7d": timed(hot(week), runs=2),
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
