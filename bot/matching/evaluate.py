"""`bot eval`: run a query set through the same matcher the bot uses and score it."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.knowledge.loader import load_knowledge
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

CONTRACT_FIELDS = (
    "n_in_scope",
    "n_oos",
    "top1",
    "top3",
    "auto_correct",
    "auto_wrong",
    "clarify_rate",
    "oos_false_accept",
    "p50_ms",
    "p95_ms",
    "index_build_s",
)


def read_queries(path: Path) -> list[tuple[str, str | None]]:
    """Query lines ``{"query", "gold_id"}`` of a JSONL file, or of every ``*.jsonl`` in a folder."""
    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    out: list[tuple[str, str | None]] = []
    for file in files:
        for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                out.append((str(row["query"]), row.get("gold_id") or None))
            except (json.JSONDecodeError, KeyError, TypeError) as err:
                raise ValueError(f"{file}:{n}: not a query line: {err}") from err
    return out


def evaluate(
    kb_path: Path,
    queries_path: Path,
    *,
    progress: bool,
    settings: MatchingSettings | None = None,
    calibrate: bool = True,
) -> dict[str, Any]:
    """Build an index of `kb_path`, calibrate it, and score every query of `queries_path`.

    Rates are over in-scope queries (``top1``, ``top3``, ``auto_correct``, ``auto_wrong``), over
    out-of-scope queries (``oos_false_accept``: answered directly) and over all queries
    (``clarify_rate``). Latencies are one query at a time on a warm matcher.

    Args:
        kb_path: a ``knowledge/`` directory or a KB JSONL file.
        queries_path: a queries JSONL file (or a folder of them).
        progress: show a progress bar on stderr.
        settings: matcher settings (the bot's defaults when omitted).
        calibrate: calibrate the base on itself first (as the bot does after a publish);
            False = the shipped default calibration.

    Returns:
        The CONTRACTS fields plus a few extras (``clarify_hit``, ``oos_clarify``, ``encoder``,
        ``n_unknown_gold``, ``calibration_s``, ``calibration``: ``base`` or ``default``).
    """
    settings = settings or MatchingSettings()
    kb = load_knowledge(kb_path)
    queries = read_queries(queries_path)
    matcher = Matcher(settings)
    matcher.warm_up()
    started = time.perf_counter()
    matcher.build(kb)
    build_s = time.perf_counter() - started
    # The base's own calibration, as the bot has it once the background calibration is done.
    started = time.perf_counter()
    calibration = matcher.calibrate() if calibrate else None
    extra = {
        "calibration_s": round(time.perf_counter() - started, 2),
        "calibration": calibration.source if calibration else "default",
    }
    return {
        **score(matcher, queries, progress=progress),
        "index_build_s": round(build_s, 3),
        **extra,
    }


def score(
    matcher: Matcher, queries: list[tuple[str, str | None]], *, progress: bool
) -> dict[str, Any]:
    """Score `queries` on a built matcher (all CONTRACTS fields but ``index_build_s``).

    Args:
        matcher: a matcher whose index is built.
        queries: ``(query, gold_id)`` pairs; gold None = out of scope.
        progress: show a progress bar on stderr.

    Returns:
        The metrics, see `evaluate`.
    """
    kb = matcher.kb
    assert kb is not None, "build the matcher first"
    for text in ("你好", "电脑开不了机"):  # warm caches and code paths before timing
        matcher.match(text)
    unknown = sum(1 for _, gold in queries if gold is not None and gold not in kb.questions)
    queries = [(q, g) for q, g in queries if g is None or g in kb.questions]
    counts = dict.fromkeys(
        ("top1", "top3", "right", "wrong", "clarify", "clarify_hit", "oos_answer", "oos_clarify"), 0
    )
    latencies: list[float] = []
    console = Console(stderr=True)
    columns = (TextColumn("eval"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, disable=not progress, transient=True) as bar:
        task = bar.add_task("eval", total=len(queries))
        for text, gold in queries:
            t0 = time.perf_counter()
            result = matcher.match(text)
            latencies.append((time.perf_counter() - t0) * 1000)
            ranked = [c.id for c in result.candidates]
            counts["clarify"] += result.decision == "clarify"
            if gold is None:
                counts["oos_answer"] += result.decision == "answer"
                counts["oos_clarify"] += result.decision == "clarify"
            else:
                counts["top1"] += ranked[:1] == [gold]
                counts["top3"] += gold in ranked[:3]
                counts["right"] += result.answer_id == gold
                counts["wrong"] += result.decision == "answer" and result.answer_id != gold
                counts["clarify_hit"] += result.decision == "clarify" and gold in (
                    c.id for c in result.choices
                )
            bar.advance(task)
    n_in = sum(1 for _, g in queries if g is not None)
    n_oos = len(queries) - n_in

    def rate(key: str, total: int) -> float:
        return round(counts[key] / total, 4) if total else 0.0

    lat = np.array(latencies) if latencies else np.zeros(1)
    return {
        "n_in_scope": n_in,
        "n_oos": n_oos,
        "top1": rate("top1", n_in),
        "top3": rate("top3", n_in),
        "auto_correct": rate("right", n_in),
        "auto_wrong": rate("wrong", n_in),
        "clarify_rate": rate("clarify", len(queries)),
        "oos_false_accept": rate("oos_answer", n_oos),
        "p50_ms": round(float(np.percentile(lat, 50)), 2),
        "p95_ms": round(float(np.percentile(lat, 95)), 2),
        "clarify_hit": rate("clarify_hit", n_in),
        "oos_clarify": rate("oos_clarify", n_oos),
        "n_unknown_gold": unknown,
        "encoder": matcher.settings.encoder,
    }
