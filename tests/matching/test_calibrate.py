"""`python -m bot.matching.calibrate` on a slice of the shipped base: what it prints is what the
matcher then does."""

from __future__ import annotations

import json

import pytest

from bot.knowledge.schema import KnowledgeBase
from bot.matching.calibrate import calibrate, tune_split
from bot.matching.evaluate import read_queries, score
from bot.matching.features import FEATURES
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

from .conftest import ROOT, small_kb

PREFIXES = ("power-", "invoice-", "order-")


@pytest.fixture(scope="module")
def sliced() -> tuple[KnowledgeBase, list[tuple[str, str | None]]]:
    from bot.knowledge.loader import load_knowledge

    kb = small_kb(load_knowledge(ROOT / "knowledge"), PREFIXES)
    queries = read_queries(ROOT / "eval" / "queries.tune.jsonl")
    return kb, [(q, g) for q, g in queries if g is None or g.startswith(PREFIXES)]


def test_tune_split_holds_out_two_phrasings(shipped_kb: KnowledgeBase) -> None:
    train, held = tune_split(small_kb(shipped_kb, ("power-",)))
    assert len(held) == 2 * len(train.questions)
    for text, qid in held:
        assert text not in train.questions[qid].similar


def test_calibrate_reports_what_the_matcher_does(
    sliced: tuple[KnowledgeBase, list[tuple[str, str | None]]],
) -> None:
    kb, queries = sliced
    report = calibrate(kb, queries, MatchingSettings())
    json.dumps(report)  # printable as it is
    model = report["answer_model"]
    assert isinstance(model, dict) and set(model) == {*FEATURES, "bias"}
    tune = report["tune"]
    assert isinstance(tune, dict)
    assert tune["auto_wrong"] <= 0.015 + 1e-9 or tune["auto_correct"] == 0
    assert set(report["answer_model_without_negatives"]) == {*FEATURES, "bias"}  # type: ignore[arg-type]
    assert report["answer_model_without_negatives"]["negmargin"] == 0.0  # type: ignore[index]
    keys = (
        "lexical_weight",
        "dense_weight",
        "dense_top_n",
        "answer_probability",
        "answer_model_without_negatives",
        "answer_probability_without_negatives",
    )
    settings = MatchingSettings(
        answer_model=model,
        clarify_threshold=report["clarify_threshold"],
        answer_threshold=report["answer_threshold"],
        answer_margin=report["answer_margin"],
        **{k: report[k] for k in keys},
    )
    matcher = Matcher(settings)
    matcher.warm_up()
    matcher.build(kb)
    scored = score(matcher, queries, progress=False)
    for key in ("top1", "auto_correct", "auto_wrong", "oos_false_accept", "clarify_rate"):
        assert scored[key] == pytest.approx(tune[key], abs=1e-3), key
