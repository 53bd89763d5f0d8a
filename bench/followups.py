"""Follow-ups in context: the rate of right last-turn answers over `eval/followups.yml`.

Each case is a fresh conversation on the real stack (REST channel, real Rasa, real actions); its
last turn is right when the bot answers it with the case's standard question (or starts that
question's diagnosis tree). Printed by kind (`followup`: the turn leaves out its subject;
`standalone`: a complete question that must not be pulled into the earlier topic).

    .venv/bin/python -m bench.followups [--url http://127.0.0.1:8000] [--workers 4] [--show]
        [--split all|dev|held]

`--split`: the set is split once and for all by position, so that what the dialogue is tuned on
is not what it is reported on: within each kind, every third case from the first on is `dev`
(tune on these), the others are `held` (report these).
"""

from __future__ import annotations

import argparse
import json
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import yaml

from bench.chat import Customer, Staff, last_turn, on_stack
from bot.config import ROOT

CASES = ROOT / "eval" / "followups.yml"


SPLITS = ("all", "dev", "held")
DEV_EVERY = 3  # within each kind, cases 0, 3, 6, ... are the dev part


def load_cases(path: Path = CASES, split: str = "all") -> list[dict[str, Any]]:
    """The cases of a follow-up set file, each with its `split` (dev | held); `split` keeps one
    part (all: both)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    seen: Counter[str] = Counter()
    cases = []
    for case in data.get("cases") or []:
        part = "dev" if seen[case["kind"]] % DEV_EVERY == 0 else "held"
        seen[case["kind"]] += 1
        if split in ("all", part):
            cases.append({**case, "split": part})
    return cases


def run_case(url: str, staff: Staff, case: dict[str, Any]) -> dict[str, Any]:
    """Play one case in a fresh conversation; what the last turn got."""
    customer = Customer(url, f"fu-{uuid.uuid4().hex[:12]}")
    try:
        for text in case["turns"]:
            customer.say(str(text))
        turn = last_turn(staff.conversation(customer.sender))
    except httpx.HTTPError as exc:  # counted as a wrong answer, and shown
        return {**case, "got": None, "clarified": [], "right": False, "said": [repr(exc)]}
    finally:
        customer.close()
    got = turn.answered()
    return {
        **case,
        "got": got,
        "clarified": turn.clarified(),
        "right": got == case["gold"],
        "said": turn.texts[:1],
    }


def measure(url: str, cases: list[dict[str, Any]], workers: int) -> list[dict[str, Any]]:
    """Run every case, `workers` conversations at a time."""
    staff = Staff(url)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda c: run_case(url, staff, c), cases))


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Right answers by kind and overall."""
    total, right = Counter(), Counter()
    for r in results:
        total[r["kind"]] += 1
        right[r["kind"]] += int(r["right"])
    out: dict[str, Any] = {
        kind: {"n": total[kind], "right": right[kind], "rate": round(right[kind] / total[kind], 3)}
        for kind in sorted(total)
    }
    for part in ("dev", "held"):
        mine = [r for r in results if r.get("split") == part]
        if mine:
            out[part] = {
                kind: _rate([r for r in mine if r["kind"] == kind]) for kind in sorted(total)
            }
            out[part]["all"] = _rate(mine)
    n = sum(total.values())
    out["all"] = {"n": n, "right": sum(right.values()), "rate": round(sum(right.values()) / n, 3)}
    return out


def _rate(results: list[dict[str, Any]]) -> dict[str, Any]:
    n, ok = len(results), sum(int(r["right"]) for r in results)
    return {"n": n, "right": ok, "rate": round(ok / n, 3) if n else None}


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help="a running app; default: start Rasa and the app here")
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--show", action="store_true", help="print every wrong case")
    parser.add_argument("--split", choices=SPLITS, default="all", help="see the docstring")
    args = parser.parse_args()
    cases = load_cases(args.cases, args.split)
    results = on_stack(args.url, lambda url: measure(url, cases, args.workers))
    if args.show:
        for r in results:
            if not r["right"]:
                print(json.dumps(r, ensure_ascii=False))
    figures = summary(results)
    out = ROOT / "var" / "bench" / "followups.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": figures, "cases": results}, ensure_ascii=False, indent=1))
    print(json.dumps({"followups": figures}, ensure_ascii=False))


if __name__ == "__main__":
    main()
