"""Follow-ups in context: the rate of right last-turn answers over `eval/followups.yml`.

Each case is a fresh conversation on the real stack (REST channel, real Rasa, real actions); its
last turn is right when the bot answers it with the case's standard question (or starts that
question's diagnosis tree). Printed by kind (`followup`: the turn leaves out its subject;
`standalone`: a complete question that must not be pulled into the earlier topic).

    .venv/bin/python -m bench.followups [--url http://127.0.0.1:8000] [--workers 4] [--show]
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


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    """The cases of a follow-up set file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return list(data.get("cases") or [])


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
    n = sum(total.values())
    out["all"] = {"n": n, "right": sum(right.values()), "rate": round(sum(right.values()) / n, 3)}
    return out


def main() -> None:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--url", help="a running app; default: start Rasa and the app here")
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--show", action="store_true", help="print every wrong case")
    args = parser.parse_args()
    cases = load_cases(args.cases)
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
