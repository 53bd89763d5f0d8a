"""Distribution of tiers over the dev query set and over the sample customers.

    python -m bot.tiering.report [--queries eval/queries.dev.jsonl] [--json]

Dev queries are assessed as the first message of an anonymous visitor. Every sample customer
asks one generic question (they take turns through `GENERIC_QUESTIONS`), so the effect of who is
asking shows in the spread.
"""

from __future__ import annotations

import argparse
import json
import logging
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

from bot.config import ROOT, get_settings
from bot.profile.profile import anonymous_profile, build_profile
from bot.profile.seed import SAMPLE_FILE, load_sample
from bot.tiering.assess import TierAssessor
from bot.tiering.build import build_assessor

GENERIC_QUESTIONS = [
    "电脑开不了机了怎么办",
    "保修期是多久",
    "想换台新电脑 有什么推荐",
    "转人工",
    "我的订单什么时候发货",
    "屏幕出现竖线了",
]


def dev_distribution(assessor: TierAssessor, queries: Path) -> dict[str, Any]:
    """Tiers, routes and rules over a query file, as an anonymous visitor's first message."""
    lines = [json.loads(x) for x in queries.read_text(encoding="utf-8").splitlines() if x.strip()]
    visitor = anonymous_profile()
    decisions = [assessor.assess(q["query"], visitor).decision for q in lines]
    return _summary(decisions, [q.get("gold_id") is not None for q in lines])


def customer_distribution(assessor: TierAssessor, sample: Path, today: date) -> dict[str, Any]:
    """Tiers over the sample customers, each asking one generic question."""
    records = load_sample(sample, today)
    out = []
    by_question: dict[str, Counter[int]] = {q: Counter() for q in GENERIC_QUESTIONS}
    for i, record in enumerate(records):
        profile = build_profile(record, today=today)
        text = GENERIC_QUESTIONS[i % len(GENERIC_QUESTIONS)]
        decision = assessor.assess(text, profile).decision
        by_question[text][decision.tier] += 1
        out.append(decision)
    summary = _summary(out)
    summary["by_question"] = {q: dict(sorted(c.items())) for q, c in by_question.items()}
    return summary


def _summary(decisions: list[Any], in_scope: list[bool] | None = None) -> dict[str, Any]:
    n = len(decisions)
    tiers = Counter(d.tier for d in decisions)
    kinds = Counter(d.kind for d in decisions)
    out: dict[str, Any] = {
        "n": n,
        "tiers": {t: tiers.get(t, 0) for t in range(1, 6)},
        "tier_share": {t: round(tiers.get(t, 0) / max(n, 1), 3) for t in range(1, 6)},
        "routes": dict(kinds.most_common()),
        "rules": dict(Counter(d.rule for d in decisions).most_common()),
    }
    if in_scope is not None:
        oos = [d for d, s in zip(decisions, in_scope, strict=True) if not s]
        out["out_of_scope_tiers"] = dict(sorted(Counter(d.tier for d in oos).items()))
    return out


def main() -> None:
    """Print both distributions (markdown tables, or one JSON object)."""
    parser = argparse.ArgumentParser(description="tier distributions")
    parser.add_argument("--queries", type=Path, default=ROOT / "eval" / "queries.dev.jsonl")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--rasa", action="store_true", help="ask the Rasa server for intents")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = get_settings()
    assessor = build_assessor(settings, use_rasa=args.rasa)
    result = {
        "dev_queries": dev_distribution(assessor, args.queries),
        "sample_customers": customer_distribution(
            assessor, settings.knowledge_dir / SAMPLE_FILE, date.today()
        ),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    for name, r in result.items():
        print(f"\n## {name} (n={r['n']})\n\n| tier | count | share |\n|---|---|---|")
        for t in range(1, 6):
            print(f"| {t} | {r['tiers'][t]} | {r['tier_share'][t]:.1%} |")
        print(f"\nroutes: {r['routes']}\nrules: {r['rules']}")
        if "by_question" in r:
            for q, c in r["by_question"].items():
                print(f"- {q}: {c}")


if __name__ == "__main__":
    main()
