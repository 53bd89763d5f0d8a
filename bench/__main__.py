"""`make bench`: Kefu's matcher beside plain e5 cosine, BM25 and Rasa's FAQ recipe, per base.

Bases: the shipped one (``knowledge/``, scored on ``eval/queries.dev.jsonl``) and every
``eval/bases/<name>/`` (``kb.jsonl`` + ``queries.jsonl``, see ``eval/README.md``). On each:

1. Kefu: the matcher the bot uses, built and calibrated on the base itself as the bot does
   after a publish (`Matcher.calibrate`), shipped settings otherwise.
2. Plain e5 cosine and BM25 (`bench.baselines`), each at its best single threshold chosen with
   hindsight on the scored queries (the oracle): for at most 3 % wrong, and for Kefu's own
   wrong and out-of-scope rates on that base.
3. On the shipped base only: Rasa's own FAQ recipe in ``.venv-rasa`` (`bench.rasa_faq`:
   retrieval intents, DIET + ResponseSelector + FallbackClassifier; no clarify step).

Results: a Rich table on stdout and ``var/bench/matching.json``.

    .venv/bin/python -m bench [--skip-rasa] [--rasa-epochs N] [--base NAME ...]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase
from bot.matching.evaluate import read_queries, score
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

from .baselines import MAX_WRONG, bm25, e5_cosine
from .rasa_faq import run_rasa

ROOT = Path(__file__).resolve().parent.parent
console = Console(stderr=True)
SHIPPED = "shipped (dev set)"


def bases(names: list[str]) -> list[tuple[str, Path, Path]]:
    """(name, knowledge path, queries path) of the shipped base and of ``eval/bases/*``."""
    found = [(SHIPPED, ROOT / "knowledge", ROOT / "eval" / "queries.dev.jsonl")]
    for folder in sorted((ROOT / "eval" / "bases").glob("*/")):
        if (folder / "kb.jsonl").exists() and (folder / "queries.jsonl").exists():
            found.append((folder.name, folder / "kb.jsonl", folder / "queries.jsonl"))
    return [
        b for b in found if not names or b[0] in names or (b[0] == SHIPPED and "shipped" in names)
    ]


def run_kefu(
    matcher: Matcher, kb: KnowledgeBase, queries: list[tuple[str, str | None]]
) -> dict[str, Any]:
    """Build, calibrate and score the bot's matcher on one base."""
    started = time.perf_counter()
    matcher.build(kb)
    build_s = time.perf_counter() - started
    started = time.perf_counter()
    calibration = matcher.calibrate()
    calibrate_s = time.perf_counter() - started
    result = score(matcher, queries, progress=True)
    return {
        "system": "Kefu",
        **result,
        "index_build_s": round(build_s, 3),
        "calibration_s": round(calibrate_s, 1),
        "estimates": calibration.estimates if calibration else {},
    }


def run_base(
    name: str, kb_path: Path, queries_path: Path, matcher: Matcher, rasa: bool, epochs: int
) -> list[dict[str, Any]]:
    """Every system on one base."""
    kb = load_knowledge(kb_path)
    queries = [(t, g) for t, g in read_queries(queries_path) if g is None or g in kb.questions]
    console.print(f"[bold]{name}[/]: {len(kb.questions)} questions, {len(queries)} queries")
    kefu = run_kefu(matcher, kb, queries)
    limits = [(MAX_WRONG, 1.0), (kefu["auto_wrong"], kefu["oos_false_accept"])]
    assert matcher._cache is not None
    rows = [kefu, e5_cosine(kb, queries, matcher._cache, limits), bm25(kb, queries, limits)]
    if rasa:
        rows.append(run_rasa(kb, queries, epochs))
    return [{"base": name, "questions": len(kb.questions), **r} for r in rows]


def table(results: list[dict[str, Any]]) -> Table:
    """The side-by-side table."""
    out = Table(title="Matching per base (oracle: best threshold chosen on the scored queries)")
    columns = ("base", "system", "top1", "auto_correct", "auto_wrong", "oos_false_accept", "p95 ms")
    for column in (*columns, "at Kefu's rates", "calibration s"):
        out.add_column(column, justify="left" if column in ("base", "system") else "right")
    for r in results:
        if "oracle" in r:
            best, same = r["oracle"]
            figures = (best["auto_correct"], best["auto_wrong"], best["oos_false_accept"])
            extra = (f"{same['auto_correct']:.3f}", "", "")
            p95 = ""
        else:
            figures = (r["auto_correct"], r["auto_wrong"], r["oos_false_accept"])
            extra = ("", f"{r.get('calibration_s', r.get('index_build_s', 0)):.1f}", "")
            p95 = f"{r['p95_ms']:.1f}"
        out.add_row(
            r["base"],
            r["system"],
            f"{r['top1']:.3f}",
            *(f"{v:.3f}" for v in figures),
            p95,
            *extra[:2],
        )
    return out


def main() -> None:
    """Run every system on every base and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-rasa", action="store_true", help="no Rasa FAQ recipe")
    parser.add_argument("--rasa-epochs", type=int, default=100, help="DIET/ResponseSelector epochs")
    parser.add_argument("--base", action="append", default=[], help="only these bases")
    args = parser.parse_args()
    matcher = Matcher(MatchingSettings())
    matcher.warm_up()
    started = time.perf_counter()
    results: list[dict[str, Any]] = []
    out = ROOT / "var" / "bench" / "matching.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for name, kb_path, queries_path in bases(args.base):
        rasa = name == SHIPPED and not args.skip_rasa
        rows = run_base(name, kb_path, queries_path, matcher, rasa, args.rasa_epochs)
        results += rows
        console.print(table(rows))  # each base as soon as it is done
        out.write_text(json.dumps({"results": results}, ensure_ascii=False, indent=2), "utf-8")
    Console(width=max(Console().width, 140)).print(table(results))
    console.print(f"{time.perf_counter() - started:.0f} s; written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
