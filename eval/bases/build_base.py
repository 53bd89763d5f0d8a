"""Build a base of eval/bases/ from its hand-written sources and check it.

    .venv/bin/python eval/bases/build_base.py eval/bases/<name>

Reads ``src/kb.txt`` (one question a line: ``id | title | phrasing / phrasing | answer``; an
empty phrasing field means none, ``-`` as the answer means none) and ``src/queries.txt``
(``gold_id<TAB>query``, ``-`` as the gold id for out of scope), writes ``kb.jsonl`` and
``queries.jsonl``, and checks: ids unique, every gold id exists, every question has a query,
no query equals a title or phrasing after normalization, the longest substring a query
shares with its own question's texts.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path


def norm(text: str) -> str:
    return re.sub(r"[\s，。？！、,.?!~～…：:；;“”\"'（）()]+", "", text).lower()


def longest_common(a: str, b: str) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def main(folder: Path) -> None:
    rows = []
    for n, line in enumerate((folder / "src" / "kb.txt").read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        assert len(parts) == 4, f"kb.txt:{n}: {line}"
        qid, title, similar, answer = parts
        rows.append(
            {
                "id": qid,
                "question": title,
                "similar": [s.strip() for s in similar.split(" / ") if s.strip()],
                "answer": None if answer == "-" else answer,
            }
        )
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate ids"
    known = {r["id"]: r for r in rows}
    texts = {norm(t) for r in rows for t in [r["question"], *r["similar"]]}
    queries = []
    for n, line in enumerate((folder / "src" / "queries.txt").read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        gold, query = line.split("\t", 1)
        gold = None if gold.strip() == "-" else gold.strip()
        assert gold is None or gold in known, f"queries.txt:{n}: unknown id {gold}"
        assert norm(query) not in texts, f"queries.txt:{n}: equals a knowledge text: {query}"
        queries.append({"query": query.strip(), "gold_id": gold})
    seen = [q["query"] for q in queries]
    assert len(seen) == len(set(seen)), "duplicate queries"
    missing = set(known) - {q["gold_id"] for q in queries}
    shared = []
    for q in queries:
        if q["gold_id"]:
            own = known[q["gold_id"]]
            shared.append(
                max(longest_common(q["query"], t) for t in [own["question"], *own["similar"]])
            )
    with (folder / "kb.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with (folder / "queries.jsonl").open("w", encoding="utf-8") as f:
        for q in queries:
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    counts = [len(r["similar"]) for r in rows]
    print(
        json.dumps(
            {
                "questions": len(rows),
                "phrasings": sum(counts),
                "phrasing_counts": {str(k): counts.count(k) for k in sorted(set(counts))},
                "answers_null": sum(r["answer"] is None for r in rows),
                "in_scope": sum(q["gold_id"] is not None for q in queries),
                "out_of_scope": sum(q["gold_id"] is None for q in queries),
                "questions_without_query": sorted(missing),
                "max_shared_substring": max(shared) if shared else 0,
                "shared_over_8": sum(s > 8 for s in shared),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
