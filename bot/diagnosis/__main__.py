"""`python -m bot.diagnosis [KNOWLEDGE_DIR]`: validate the trees and print their shapes."""

from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.stats import shape
from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import load_knowledge


def main(argv: list[str]) -> int:
    """Validate and summarise; exit status 1 on any problem."""
    if argv[:1] == ["check"]:
        argv = argv[1:]
    root = Path(argv[0] if argv else "knowledge")
    console = Console()
    try:
        kb = load_knowledge(root)
        book = load_diagnosis(root, kb.product_ids)
    except KnowledgeError as err:
        console.print(f"[red]{err}[/red]", highlight=False)
        return 1
    table = Table(title=f"diagnosis trees in {root}")
    for col in (
        "tree",
        "title",
        "nodes",
        "questions",
        "solutions",
        "escalations",
        "depth",
        "paths",
        "self-service",
    ):
        table.add_column(col)
    totals = [0, 0]
    for tree in book.trees.values():
        s = shape(tree)
        totals[0] += s.solutions
        totals[1] += s.solutions + s.escalations
        table.add_row(
            tree.id,
            tree.title,
            str(s.nodes),
            str(s.questions),
            str(s.solutions),
            str(s.escalations),
            str(s.depth),
            str(s.paths),
            f"{s.self_service_share:.0%}",
        )
    console.print(table)
    linked = sorted({q.tree for q in kb.questions.values() if q.tree})
    share = totals[0] / totals[1] if totals[1] else 0.0
    console.print(
        f"{len(book.trees)} trees; self-service leaves {totals[0]}/{totals[1]} "
        f"({share:.0%}); trees linked from standard questions: {len(linked)}"
    )
    for warning in kb.warnings:
        if "diagnosis tree" in warning:
            console.print(f"[yellow]{warning}[/yellow]", highlight=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
