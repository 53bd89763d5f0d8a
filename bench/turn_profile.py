"""Where one turn's time goes, in the embedded profile (`bot serve` defaults: one app, one Rasa).

Starts the real stack on loopback with SQL echo on, sends `-n` messages one at a time (the
round-trip mix of `bench.roundtrip`), and reports per turn:

- CPU seconds of the app process and of the Rasa process (from /proc; less sensitive to the
  machine's load than latency);
- SQL statements the app sent (echoed statements during the turns, minus the background
  jobs' rate measured while idle);
- the size of Rasa's action calls (the app's `kefu_action_call_bytes` histogram).

Where the CPU goes inside each process: `bench.profile` (py-spy).

Writes `var/bench/turn_profile.json`.

    .venv/bin/python -m bench.turn_profile [-n 120]
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench.roundtrip import MESSAGES
from bot.config import ROOT
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack

TICK = os.sysconf("SC_CLK_TCK")
SQL = re.compile(r"sqlalchemy\.engine\.Engine.*\b(SELECT|INSERT|UPDATE|DELETE|BEGIN|COMMIT)\b")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of `pid` and its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def statements(log: Path) -> collections.Counter[str]:
    """SQL statements echoed to the app's log so far, by kind."""
    found: collections.Counter[str] = collections.Counter()
    for line in log.read_text(errors="replace").splitlines():
        m = SQL.search(line)
        if m:
            found[m.group(1)] += 1
    return found


def action_calls(url: str) -> tuple[float, float]:
    """(count, total bytes) of the action calls the app received so far."""
    text = httpx.get(f"{url}/metrics", timeout=10).text
    count = re.search(r"^kefu_action_call_bytes_count (\S+)", text, re.M)
    total = re.search(r"^kefu_action_call_bytes_sum (\S+)", text, re.M)
    return (float(count.group(1)) if count else 0.0, float(total.group(1)) if total else 0.0)


def turns(url: str, n: int, senders: int) -> list[float]:
    """`n` messages one at a time, spread over `senders` customers; each turn's seconds."""
    names = [f"prof-{uuid.uuid4().hex[:8]}" for _ in range(senders)]
    took = []
    with httpx.Client(timeout=60) as client:
        for i in range(n):
            started = time.perf_counter()
            resp = client.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": names[i % senders], "message": MESSAGES[i % len(MESSAGES)]},
            )
            resp.raise_for_status()
            took.append(time.perf_counter() - started)
    return took


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("-n", type=int, default=120)
    parser.add_argument("--senders", type=int, default=12, help="customers the turns go to")
    parser.add_argument("--idle-s", type=float, default=20.0)
    args = parser.parse_args()
    train_if_changed(ROOT / "models")
    out: dict[str, Any] = {"n": args.n, "load_avg": os.getloadavg()}
    env = {
        "KEFU_DB__ECHO": "true",
        "KEFU_ANALYTICS__ROLLUP_INTERVAL_S": "20",
        "KEFU_ANALYTICS__SCAN_INTERVAL_S": "5",
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with LocalStack(model_path(ROOT / "models"), work, env=env) as stack:
            assert stack.app is not None and stack.rasa.proc is not None
            app_pid, rasa_pid = stack.app.pid, stack.rasa.proc.pid
            turns(stack.url, 12, 12)  # warm both processes
            before_idle = statements(stack.app_log)
            time.sleep(args.idle_s)
            idle = statements(stack.app_log)
            idle_rate = {k: (idle[k] - before_idle[k]) / args.idle_s for k in idle}
            calls0 = action_calls(stack.url)
            app0, rasa0, sql0, t0 = cpu_s(app_pid), cpu_s(rasa_pid), idle, time.monotonic()
            took = turns(stack.url, args.n, args.senders)
            elapsed = time.monotonic() - t0
            app1, rasa1, sql1 = cpu_s(app_pid), cpu_s(rasa_pid), statements(stack.app_log)
            calls1 = action_calls(stack.url)
        took.sort()
        per_turn = {
            k: round((sql1[k] - sql0[k] - idle_rate.get(k, 0) * elapsed) / args.n, 2) for k in sql1
        }
        calls = calls1[0] - calls0[0]
        out |= {
            "turn_p50_ms": round(took[len(took) // 2] * 1000, 1),
            "turn_p95_ms": round(took[int(0.95 * (len(took) - 1))] * 1000, 1),
            "app_cpu_ms_per_turn": round((app1 - app0) * 1000 / args.n, 1),
            "rasa_cpu_ms_per_turn": round((rasa1 - rasa0) * 1000 / args.n, 1),
            "sql_statements_per_turn": per_turn,
            "action_calls_per_turn": round(calls / args.n, 2),
            "action_call_kb_mean": round((calls1[1] - calls0[1]) / max(calls, 1) / 1024, 1),
        }
    path = ROOT / "var" / "bench" / "turn_profile.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
