"""Journeys: scripted whole conversations on the real stack, pass rate by kind.

Plays every journey of `eval/journeys.yml` (format at the top of that file) as a fresh
customer on the REST channel or WeChat (a local stand-in for WeChat's API), a few at a time,
and checks its one expected end state through the staff API (see `bench.journey_play`).
Journeys that need an engineer play afterwards, while the demo engineer `agent2` is on duty;
the others play with nobody on duty (handoffs become tickets). Pending journeys (a feature
still being built) are played and counted apart.

    .venv/bin/python -m bench.journeys [--url http://127.0.0.1:8000] [--workers 4] [--show]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.journey_play import JOURNEYS, Journey, Outcome, Player, load_journeys, on_duty
from bot.auth.secrets import stored_secret
from bot.config import ROOT
from bot.runtime.rasa import model_path, train_if_changed
from bot.runtime.stack import LocalStack
from tests.channels.conftest import APP_ID, APP_SECRET, wechat_env
from tests.channels.fake_wechat import FakeWechat


def play_all(
    url: str, journeys: list[Journey], workers: int = 4, customer_secret: str | None = None
) -> list[Outcome]:
    """Play every journey, `workers` at a time; outcomes in the journeys' order.

    `customer_secret` is the app's key of signed customer tokens (default: this checkout's).
    """
    player = Player(url, customer_secret)
    alone = [j for j in journeys if not j.engineer]
    desk = [j for j in journeys if j.engineer and not j.busy]
    busy = [j for j in journeys if j.engineer and j.busy]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(player.play, alone))
        if desk:
            with on_duty(player.engineer):
                outcomes += list(pool.map(player.play, desk))
    for journey in busy:  # one at a time: the engineer's status is the whole desk's
        with on_duty(player.engineer):
            outcomes.append(player.play(journey))
    order = {j.id: i for i, j in enumerate(journeys)}
    return sorted(outcomes, key=lambda o: order[o.journey.id])


@contextmanager
def wechat_api() -> Iterator[dict[str, str]]:
    """A local stand-in for WeChat's API; the app's settings for the tests' Official Account."""
    api = FakeWechat(APP_ID, APP_SECRET).start()
    try:
        yield wechat_env(api.url)
    finally:
        api.stop()


def play_on_new_stack(journeys: list[Journey], workers: int) -> list[Outcome]:
    """Start Rasa and the app here (an Official Account configured), play, stop them."""
    train_if_changed(ROOT / "models")
    with (
        wechat_api() as env,
        tempfile.TemporaryDirectory() as tmp,
        LocalStack(model_path(ROOT / "models"), Path(tmp), env=env) as stack,
    ):
        key = stored_secret(stack.work_dir / "var", "customer_token_secret")
        return play_all(stack.url, journeys, workers, key)


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    """Passed / played by kind and overall; pending journeys counted apart."""
    total, passed = Counter[str](), Counter[str]()
    for o in outcomes:
        kind = "pending" if o.journey.pending else o.journey.kind
        total[kind] += 1
        passed[kind] += int(o.passed)
    out: dict[str, Any] = {
        k: {"n": total[k], "passed": passed[k], "rate": round(passed[k] / total[k], 3)}
        for k in sorted(total)
        if k != "pending"
    }
    n = sum(v for k, v in total.items() if k != "pending")
    ok = sum(v for k, v in passed.items() if k != "pending")
    out["all"] = {"n": n, "passed": ok, "rate": round(ok / n, 3) if n else 0.0}
    if total["pending"]:
        out["pending"] = {"n": total["pending"], "passed": passed["pending"]}
    return out


def print_table(figures: dict[str, Any]) -> None:
    """The pass rate by kind, one line each."""
    print(f"{'kind':<16}{'passed':>8}{'n':>6}{'rate':>8}")
    for kind, f in figures.items():
        rate = f"{f['rate']:.1%}" if "rate" in f else "-"
        print(f"{kind:<16}{f['passed']:>8}{f['n']:>6}{rate:>8}")


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--url",
        help="a running app (WeChat journeys need the tests' Official Account, "
        "tests/channels/conftest.py); default: start Rasa and the app here",
    )
    parser.add_argument("--journeys", type=Path, default=JOURNEYS)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--only", nargs="*", help="journey ids to play")
    parser.add_argument("--show", action="store_true", help="print every failed journey")
    args = parser.parse_args()
    journeys = load_journeys(args.journeys)
    if args.only:
        journeys = [j for j in journeys if j.id in set(args.only)]
    if args.url:
        outcomes = play_all(args.url, journeys, args.workers)
    else:
        outcomes = play_on_new_stack(journeys, args.workers)
    if args.show:
        for o in outcomes:
            if not o.passed:
                print(("[pending] " if o.journey.pending else "") + o.report())
    figures = summary(outcomes)
    out = ROOT / "var" / "bench" / "journeys.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    results = [
        {
            "id": o.journey.id,
            "kind": o.journey.kind,
            "passed": o.passed,
            "pending": o.journey.pending,
            "expected": o.expected,
            "got": o.got,
        }
        for o in outcomes
    ]
    out.write_text(
        json.dumps({"summary": figures, "journeys": results}, ensure_ascii=False, indent=1)
    )
    print_table(figures)
    print(json.dumps({"journeys": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
