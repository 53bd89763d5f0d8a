"""Rasa's own FAQ recipe, trained and scored in .venv-rasa on the same data as Kefu."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rich.console import Console

from bot.knowledge.schema import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
RASA_PY = ROOT / ".venv-rasa" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
console = Console(stderr=True)


def rasa_project(kb: KnowledgeBase, root: Path, epochs: int) -> None:
    """Write the Rasa FAQ-recipe project for `kb` into `root`."""
    examples = []
    for q in kb.questions.values():
        lines = "".join(f"    - {json.dumps(t, ensure_ascii=False)}\n" for t in q.phrasings)
        examples.append(f"- intent: faq/{q.id}\n  examples: |\n{lines}")
    # DIET needs two intents at least; every Rasa bot has a greeting.
    greet = "- intent: greet\n  examples: |\n" + "".join(
        f"    - {t}\n" for t in ("你好", "您好", "在吗", "hi", "hello", "早上好", "有人吗")
    )
    (root / "data").mkdir(parents=True)
    (root / "data" / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n' + "".join(examples) + greet, encoding="utf-8"
    )
    responses = {f"utter_faq/{q.id}": [{"text": q.answer[:200]}] for q in kb.questions.values()}
    domain = {"version": "3.1", "intents": ["faq", "greet"], "responses": responses}
    (root / "domain.yml").write_text(yaml.safe_dump(domain, allow_unicode=True), encoding="utf-8")
    config = {
        "recipe": "default.v1",
        "language": "zh",
        "assistant_id": "kefu-bench-faq",
        "pipeline": [
            {"name": "JiebaTokenizer"},
            {"name": "CountVectorsFeaturizer", "analyzer": "word"},
            {
                "name": "CountVectorsFeaturizer",
                "analyzer": "char_wb",
                "min_ngram": 1,
                "max_ngram": 3,
            },
            {"name": "DIETClassifier", "epochs": epochs, "random_seed": 42},
            {
                "name": "ResponseSelector",
                "retrieval_intent": "faq",
                "epochs": epochs,
                "random_seed": 42,
            },
            {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
        ],
        "policies": [],
    }
    (root / "config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")


def run_rasa(
    kb: KnowledgeBase, queries: list[tuple[str, str | None]], epochs: int
) -> dict[str, Any]:
    """Train Rasa's FAQ recipe on `kb` and score `queries` with it."""
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }
    with tempfile.TemporaryDirectory(prefix="kefu-rasa-faq-") as tmp:
        root = Path(tmp)
        rasa_project(kb, root, epochs)
        console.print(
            f"[bold]Rasa FAQ recipe[/]: training on {len(kb.questions)} retrieval "
            f"intents ({epochs} epochs) ..."
        )
        started = time.perf_counter()
        subprocess.run(
            [
                str(RASA),
                "train",
                "nlu",
                "--config",
                "config.yml",
                "--nlu",
                "data/nlu.yml",
                "--domain",
                "domain.yml",
                "--out",
                "models",
                "--fixed-model-name",
                "faq",
            ],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        train_s = time.perf_counter() - started
        (root / "queries.json").write_text(
            json.dumps([q for q, _ in queries], ensure_ascii=False), encoding="utf-8"
        )
        console.print(f"Rasa trained in {train_s:.0f} s; parsing {len(queries)} queries ...")
        subprocess.run(
            [
                str(RASA_PY),
                str(ROOT / "bench" / "rasa_faq_parse.py"),
                str(root / "models" / "faq.tar.gz"),
                str(root / "queries.json"),
                str(root / "parsed.jsonl"),
            ],
            cwd=root,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        parsed = [
            json.loads(line) for line in (root / "parsed.jsonl").read_text("utf-8").splitlines()
        ]
    n_in = sum(1 for _, g in queries if g)
    n_oos = len(queries) - n_in
    counts = dict.fromkeys(("top1", "top3", "right", "wrong", "oos_answer"), 0)
    for (_, gold), row in zip(queries, parsed, strict=True):
        ranked = [k.split("/", 1)[1] for k in row["ranking"] if k and "/" in k]
        answered = row["intent"] == "faq" and row["response_key"]
        answer = row["response_key"].split("/", 1)[1] if answered else None
        if gold is None:
            counts["oos_answer"] += bool(answered)
            continue
        counts["top1"] += ranked[:1] == [gold]
        counts["top3"] += gold in ranked[:3]
        counts["right"] += answer == gold
        counts["wrong"] += bool(answered) and answer != gold
    ms = np.array([row["ms"] for row in parsed])
    return {
        "system": "Rasa FAQ (ResponseSelector)",
        "n_in_scope": n_in,
        "n_oos": n_oos,
        "top1": round(counts["top1"] / max(n_in, 1), 4),
        "top3": round(counts["top3"] / max(n_in, 1), 4),
        "auto_correct": round(counts["right"] / max(n_in, 1), 4),
        "auto_wrong": round(counts["wrong"] / max(n_in, 1), 4),
        "clarify_rate": 0.0,
        "oos_false_accept": round(counts["oos_answer"] / max(n_oos, 1), 4),
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "index_build_s": round(train_s, 1),
        "edit_to_live_s": round(train_s, 1),
        "epochs": epochs,
    }
