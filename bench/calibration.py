"""How long a base's calibration takes (`Matcher.calibrate`), by base size.

Bases of N questions are put together from the bases in ``eval/bases/`` (and the shipped one's
titles and answers as a flat import), so they have the mixed shapes a real import has. The index is built first
(phrasings encoded, as after a publish); the time is the calibration alone, in the background
of a serving app. A second run of the same base shows the cost without new encodings (the
variants are cached).

    .venv/bin/python -m bench.calibration [-n 500 -n 2000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

ROOT = Path(__file__).resolve().parent.parent


def pooled(n: int) -> KnowledgeBase:
    """A base of `n` questions taken in turn from every base of ``eval/`` and the shipped one
    (its titles and answers)."""
    sources = [load_knowledge(p) for p in sorted((ROOT / "eval" / "bases").glob("*/kb.jsonl"))]
    shipped = load_knowledge(ROOT / "knowledge")
    titles = {k: q.model_copy(update={"similar": []}) for k, q in shipped.questions.items()}
    sources.append(KnowledgeBase(questions=titles))  # as a flat import of titles and answers
    pools = [list(b.questions.values()) for b in sources]
    questions = {}
    i = 0
    while len(questions) < n and any(pools):
        pool = pools[i % len(pools)]
        if pool:
            q = pool.pop(0)
            questions[f"{i % len(pools)}-{q.id}"] = q.model_copy(
                update={"id": f"{i % len(pools)}-{q.id}"}
            )
        i += 1
    return KnowledgeBase(questions=questions)


def main() -> None:
    """Time calibrations and print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, action="append", help="base sizes (default 500, 2000)")
    args = parser.parse_args()
    out = []
    for n in args.n or [500, 2000]:
        kb = pooled(n)
        runs, builds = [], []
        for _ in range(2):
            matcher = Matcher(MatchingSettings(calibration_dir=None))  # nothing stored
            matcher.warm_up()
            started = time.perf_counter()
            matcher.build(kb)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            calibration = matcher.calibrate()
            runs.append(round(time.perf_counter() - started, 1))
        assert calibration is not None and calibration.source == "base"
        build_s = builds[0]
        out.append(
            {
                "questions": len(kb.questions),
                "phrasings": sum(len(q.phrasings) for q in kb.questions.values()),
                "index_build_s": round(build_s, 1),
                "calibration_s": runs[0],
                "calibration_again_s": runs[1],
                "probes": calibration.probes,
            }
        )
        print(json.dumps(out[-1]), flush=True)
    path = ROOT / "var" / "bench" / "calibration.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2), "utf-8")


if __name__ == "__main__":
    main()
