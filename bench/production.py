"""`make bench` part: one turn, saturation and faults, next to bare Rasa, in one run.

1. Embedded (`bot serve` defaults: one app, one Rasa, SQLite): single-turn latency (one
   customer, closed loop) and saturation throughput (`--users` customers back to back).
2. Bare Rasa, same model and machine, the same Rasa server: REST channel, "谢谢" (a rule
   reply, no custom action): single turn and saturation. The ratio shows what Kefu adds.
3. Production on a private PostgreSQL and Redis: saturation with 1 app + 1 Rasa replica and
   with 2 + 2, both on all cores; and 1 + 1 pinned to one core (`os.sched_setaffinity`, as
   `taskset -c 0` would) against 2 + 2 on two, to show what a second core buys.
4. Faults (2 + 2): 200 customers for `--fault-s` (180) seconds while an app and a Rasa
   replica are killed and restarted (`bench.faults.replicas_killed`): lost, duplicated,
   out of order.

Prints a table and writes `var/bench/production.json`.

    .venv/bin/python -m bench.production [--saturation-s 30] [--users 24] [--fault-s 180]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.faults import polite_texts, replicas_killed
from bench.load import run_load
from bot.config import ROOT
from bot.runtime.private import PrivatePostgres, PrivateRedis
from bot.runtime.production import ProductionStack, Topology
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack

POLITE = polite_texts(ROOT / "knowledge")
SECRET = {"KEFU_AUTH__SECRET": "bench-production-secret-" + "x" * 16}


def figures(
    url: str, users: int, seconds: float, messages: list[str] | None = None
) -> dict[str, Any]:
    """Latency and throughput of `users` customers back to back for `seconds`."""
    load = asyncio.run(run_load(url, users, seconds, prefix="bench", messages=messages))
    return load.summary(POLITE)


@contextmanager
def cores(which: set[int] | None) -> Iterator[None]:
    """Processes started inside run on `which` cores (None: all)."""
    before = os.sched_getaffinity(0)
    if which is not None:
        os.sched_setaffinity(0, which)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def production(
    servers: tuple[PrivatePostgres, PrivateRedis], apps: int, rasas: int, work: Path, name: str
) -> ProductionStack:
    """A production stack on the private servers (one database pair per stack)."""
    pg, redis = servers
    topology = Topology(
        db_url=pg.url(f"kefu_{name}"),
        redis_url=redis.url,
        tracker_url=pg.url(f"kefu_rasa_{name}", driver="postgresql"),
        apps=apps,
        rasas=rasas,
        prefix=f"kefu{name}",
        env=SECRET,
    )
    return ProductionStack(topology, model_path(ROOT / "models"), work / name)


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--saturation-s", type=float, default=30.0)
    parser.add_argument("--single-s", type=float, default=20.0)
    parser.add_argument("--users", type=int, default=24)
    parser.add_argument("--fault-s", type=float, default=180.0)
    parser.add_argument("--think-s", type=float, default=20.0, help="faults: mean pause")
    parser.add_argument(
        "--embedded-only", action="store_true", help="single turn, saturation, bare Rasa only"
    )
    args = parser.parse_args()
    train_if_changed(ROOT / "models")
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # the supervisors' jobs at `bot serve`'s pace (the test stack runs them every second)
        defaults = {
            "KEFU_ANALYTICS__ROLLUP_INTERVAL_S": "20",
            "KEFU_ANALYTICS__SCAN_INTERVAL_S": "5",
        }
        stack = LocalStack(model_path(ROOT / "models"), work / "embedded", env=defaults)
        try:
            stack.start(timeout_s=900)  # a machine shared by several test runs starts slowly
            figures(stack.url, 4, 5)  # warm both processes
            out["embedded_single"] = figures(stack.url, 1, args.single_s)
            out["embedded_saturation"] = figures(stack.url, args.users, args.saturation_s)
            thanks = ["谢谢"]
            out["bare_rasa_single"] = figures(stack.rasa.url, 1, args.single_s, thanks)
            out["bare_rasa_saturation"] = figures(
                stack.rasa.url, args.users, args.saturation_s, thanks
            )
        finally:
            stack.stop()
        if args.embedded_only:
            print(json.dumps(out, indent=2, ensure_ascii=False))
            return
        pg, redis = PrivatePostgres(), PrivateRedis(work / "redis")
        pg.start()
        redis.start()
        try:
            for apps, rasas, only in ((1, 1, None), (2, 2, None), (1, 1, {0})):
                label = f"{apps}x{rasas}" + ("_one_core" if only else "")
                with cores(only):
                    stack = production((pg, redis), apps, rasas, work, label)
                    stack.start()
                try:
                    figures(stack.url, 4, 5)
                    out[f"production_{label}"] = figures(stack.url, args.users, args.saturation_s)
                finally:
                    stack.stop()
            with production((pg, redis), 2, 2, work, "faults") as stack:
                topo = stack.topology
                outcome = asyncio.run(
                    replicas_killed(
                        stack, topo.db_url, topo.tracker_url, POLITE,
                        users=200, duration_s=args.fault_s, think_s=args.think_s,
                    )
                )  # fmt: skip
                out["faults"] = outcome.report(POLITE)
        finally:
            redis.stop()
            pg.remove()
    result = headline(out) | {"details": out}
    path = ROOT / "var" / "bench" / "production.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    print(json.dumps({"production": {k: v for k, v in result.items() if k != "details"}}))


def headline(out: dict[str, Any]) -> dict[str, Any]:
    """The figures `var/bench/production.json` promises at its top level."""
    return {
        "lost": out["faults"]["lost"],
        "duplicated": out["faults"]["duplicated"],
        "out_of_order": out["faults"]["out_of_order"],
        "turn_p50_ms": out["embedded_single"]["turn_p50_ms"],
        "turn_p95_ms": out["embedded_single"]["turn_p95_ms"],
        "throughput_msg_s": out["embedded_saturation"]["throughput_msg_s"],
        "bare_rasa_turn_p50_ms": out["bare_rasa_single"]["turn_p50_ms"],
        "bare_rasa_throughput_msg_s": out["bare_rasa_saturation"]["throughput_msg_s"],
        "production_1x1_throughput_msg_s": out["production_1x1"]["throughput_msg_s"],
        "production_2x2_throughput_msg_s": out["production_2x2"]["throughput_msg_s"],
        "production_1x1_one_core_throughput_msg_s": out["production_1x1_one_core"][
            "throughput_msg_s"
        ],
        "fault_messages": out["faults"]["messages"],
        "fault_polite_fallbacks": out["faults"]["polite_fallbacks"],
    }


def print_table(result: dict[str, Any]) -> None:
    """The headline figures, one per line."""
    d = result["details"]
    rows = [
        ("embedded single turn p50 / p95 ms", f"{result['turn_p50_ms']} / {result['turn_p95_ms']}"),
        ("bare Rasa single turn p50 / p95 ms",
         f"{d['bare_rasa_single']['turn_p50_ms']} / {d['bare_rasa_single']['turn_p95_ms']}"),
        ("embedded saturation msg/s", result["throughput_msg_s"]),
        ("bare Rasa saturation msg/s", result["bare_rasa_throughput_msg_s"]),
        ("production 1+1 msg/s (2 cores)", result["production_1x1_throughput_msg_s"]),
        ("production 2+2 msg/s (2 cores)", result["production_2x2_throughput_msg_s"]),
        ("production 1+1 msg/s (1 core)", result["production_1x1_one_core_throughput_msg_s"]),
        ("faults: messages / lost / duplicated / out of order",
         f"{result['fault_messages']} / {result['lost']} / {result['duplicated']} / "
         f"{result['out_of_order']}"),
    ]  # fmt: skip
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
