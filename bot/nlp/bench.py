"""Latency of the entity and emotion stages per message, over a query file.

python -m bot.nlp.bench [--queries eval/queries.dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import ROOT, get_settings
from bot.nlp.emotion import EmotionScorer
from bot.nlp.entities import EntityExtractor


def measure(run: Callable[[str], Any], texts: list[str]) -> dict[str, float]:
    """Milliseconds per call: mean, p50, p95, max (after one warm-up pass)."""
    for text in texts[:50]:
        run(text)
    times = []
    for text in texts:
        started = time.perf_counter()
        run(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "mean": round(statistics.fmean(times), 3),
        "p50": round(times[len(times) // 2], 3),
        "p95": round(times[int(len(times) * 0.95)], 3),
        "max": round(times[-1], 3),
    }


def main() -> None:
    """Print one JSON object: warm-up seconds and per-message milliseconds of both stages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=ROOT / "eval" / "queries.dev.jsonl")
    args = parser.parse_args()
    lines = args.queries.read_text(encoding="utf-8").splitlines()
    texts = [json.loads(x)["query"] for x in lines if x.strip()]
    kdir = get_settings().knowledge_dir
    entities = EntityExtractor(kdir / "entities")
    emotion = EmotionScorer(kdir / "emotion.yml")
    t0 = time.perf_counter()
    entities.warm_up()
    t1 = time.perf_counter()
    emotion.warm_up()
    t2 = time.perf_counter()
    result = {
        "messages": len(texts),
        "warm_up_s": {"entities": round(t1 - t0, 2), "emotion": round(t2 - t1, 2)},
        "entities_ms": measure(entities.run, texts),
        "emotion_ms": measure(emotion.score, texts),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
