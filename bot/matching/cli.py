"""`bot eval`: score the matcher on a query set (see CONTRACTS.md, "Data files")."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bot.knowledge.errors import KnowledgeError

_LABELS = {
    "n_in_scope": "in-scope queries",
    "n_oos": "out-of-scope queries",
    "top1": "top-1 accuracy",
    "top3": "top-3 accuracy",
    "auto_correct": "answered directly, right",
    "auto_wrong": "answered directly, wrong",
    "clarify_rate": "clarify (all queries)",
    "oos_false_accept": "out-of-scope answered",
    "p50_ms": "latency p50 (ms)",
    "p95_ms": "latency p95 (ms)",
    "index_build_s": "index build (s)",
}


def eval_command(
    kb: Path = typer.Option(..., "--kb", help="knowledge/ directory or KB JSONL file"),  # noqa: B008
    queries: Path = typer.Option(..., "--queries", help='JSONL of {"query","gold_id"}'),  # noqa: B008
    json_out: bool = typer.Option(False, "--json", help="print one JSON object"),
) -> None:
    """Build an index of --kb and score every query of --queries with the bot's matcher.

    The matcher's settings are the app's (``KEFU_MATCHING__...`` in the environment).
    """
    from bot.matching.evaluate import evaluate
    from bot.matching.settings import matching_from_environment

    try:
        settings = matching_from_environment()
        result = evaluate(kb, queries, progress=sys.stderr.isatty(), settings=settings)
    except KnowledgeError as err:
        Console(stderr=True).print(str(err), markup=False)
        raise typer.Exit(2) from err
    except (OSError, ValueError) as err:
        Console(stderr=True).print(f"error: {err}", markup=False)
        raise typer.Exit(2) from err
    if json_out:
        typer.echo(json.dumps(result, ensure_ascii=False))
        return
    table = Table(title=f"bot eval: {queries.name} on {kb.name}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key, value in result.items():
        table.add_row(_LABELS.get(key, key), str(value))
    Console().print(table)


if __name__ == "__main__":
    typer.run(eval_command)
