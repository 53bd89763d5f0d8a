"""Running a measurement against the live stack: a given app URL, or Rasa + app started here."""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import ROOT
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack

Measure = Callable[[str, int], dict[str, Any]]


def run(name: str, measure: Measure, default_n: int, doc: str, warm: int = 0) -> None:
    """Parse `-n` / `--url`, measure, write `var/bench/<name>.json` and print the result.

    Args:
        name: the benchmark's name (file name and JSON key).
        measure: (app URL, n) -> figures.
        default_n: repetitions unless `-n` is given.
        doc: the module docstring (its first line describes the command).
        warm: repetitions run first and thrown away, to warm both processes' caches.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("-n", type=int, default=default_n)
    parser.add_argument("--url", help="a running app; default: start Rasa and the app here")
    args = parser.parse_args()
    if args.url:
        result = measure(args.url, args.n)
    else:
        train_if_changed(ROOT / "models")
        with (
            tempfile.TemporaryDirectory() as tmp,
            LocalStack(model_path(ROOT / "models"), Path(tmp)) as stack,
        ):
            if warm:
                measure(stack.url, warm)
            result = measure(stack.url, args.n)
    out = ROOT / "var" / "bench" / f"{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps({name: result}, ensure_ascii=False))
