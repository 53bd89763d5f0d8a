"""Where one turn's time goes: py-spy samples the app and the Rasa server of the embedded
stack while one customer writes back to back, and prints the costliest frames of Kefu's code
(inclusive) and of everything (self) in each process.

    .venv/bin/python -m bench.profile [--seconds 40] [--top 25]

Writes the raw samples to `var/bench/profile-{app,rasa}.txt` (py-spy's collapsed stacks).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from bench.load import run_load
from bot.config import ROOT
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack

PY_SPY = ROOT / ".venv" / "bin" / "py-spy"
# frames where a process waits rather than works
IDLE = (
    "run (asyncio/runners.py",
    "_worker (concurrent/futures/thread.py:81)",
    "serve (sanic/server",
)
OURS = ("bot/", "actions/", "rasa/core/processor", "rasa/core/tracker_store", "rasa/core/actions")


def top(samples: Path, n: int) -> tuple[int, list[tuple[float, str]], list[tuple[float, str]]]:
    """(busy samples, our frames by inclusive share, all frames by self share)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    busy = 0
    for line in samples.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if not stack or frames[-1].startswith(IDLE) or "select (selectors" in frames[-1]:
            continue
        busy += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            if any(part in frame for part in OURS):
                inclusive[frame] += int(count)
    share = 100 / max(busy, 1)
    return (
        busy,
        [(c * share, f) for f, c in inclusive.most_common(n)],
        [(c * share, f) for f, c in own.most_common(n)],
    )


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    train_if_changed(ROOT / "models")
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    defaults = {"KEFU_ANALYTICS__ROLLUP_INTERVAL_S": "20", "KEFU_ANALYTICS__SCAN_INTERVAL_S": "5"}
    with (
        tempfile.TemporaryDirectory() as tmp,
        LocalStack(model_path(ROOT / "models"), Path(tmp), env=defaults) as stack,
    ):
        asyncio.run(run_load(stack.url, 2, 5))  # warm
        procs = {"app": stack.app, "rasa": stack.rasa.proc}
        spies = [
            subprocess.Popen(
                [
                    str(PY_SPY),
                    "record",
                    "-d",
                    str(args.seconds),
                    "-r",
                    "200",
                    "-f",
                    "raw",
                    "-o",
                    str(out / f"profile-{name}.txt"),
                    "-p",
                    str(proc.pid),
                    "--nonblocking",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            for name, proc in procs.items()
            if proc is not None
        ]
        load = asyncio.run(run_load(stack.url, 1, args.seconds - 2))
        for spy in spies:
            spy.wait()
    print(f"one customer back to back: {load.summary(set())}")
    for name in procs:
        busy, ours, own = top(out / f"profile-{name}.txt", args.top)
        print(f"\n== {name}: {busy} busy samples; Kefu's and Rasa's frames, inclusive")
        for pct, frame in ours:
            print(f"{pct:5.1f}%  {frame}")
        print(f"-- {name}: every frame, self")
        for pct, frame in own:
            print(f"{pct:5.1f}%  {frame}")


if __name__ == "__main__":
    main()
