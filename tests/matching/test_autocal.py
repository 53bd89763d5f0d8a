"""Calibration on the base itself (`bot.matching.autocal`) and its swap into the live matcher."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from bot.knowledge.schema import KnowledgeBase
from bot.matching import pipeline
from bot.matching.autocal import ANSWER_WEIGHT, LIMITS, choose_probability
from bot.matching.calibration import Calibration, fingerprint
from bot.matching.dense import general_kept
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

from .conftest import small_kb

PREFIXES = ("power-", "invoice-")
KEPT = 2  # phrasings per question in the imported base


def imported(shipped: KnowledgeBase) -> tuple[KnowledgeBase, list[tuple[str, str]]]:
    """A customer's flat import: title + 2 phrasings, no synonyms, scope or negatives; the
    shipped base's other phrasings of the same questions are held-out customer queries."""
    kb = small_kb(shipped, PREFIXES)
    questions = {
        qid: q.model_copy(update={"similar": q.similar[:KEPT]}) for qid, q in kb.questions.items()
    }
    held = [(t, qid) for qid, q in kb.questions.items() for t in q.similar[KEPT + 4 : KEPT + 6]]
    flat = KnowledgeBase(questions=questions)
    return flat, held


@pytest.fixture(scope="module")
def flat(shipped_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    kb, held = imported(shipped_kb)
    settings = MatchingSettings(calibration_dir=tmp_path_factory.mktemp("calibrations"))
    return kb, held, settings


def right_answers(m: Matcher, held: list[tuple[str, str]]) -> tuple[int, int]:
    results = [(m.match(text), gold) for text, gold in held]
    right = sum(r.answer_id == gold for r, gold in results)
    wrong = sum(r.decision == "answer" and r.answer_id != gold for r, gold in results)
    return right, wrong


def test_calibration_makes_an_imported_base_answer_what_the_default_refuses(flat) -> None:  # type: ignore[no-untyped-def]
    kb, held, settings = flat
    m = Matcher(settings)
    m.warm_up()
    m.build(kb)
    assert m.calibration is not None and m.calibration.source == "default"
    before_right, before_wrong = right_answers(m, held)
    calibration = m.calibrate()
    assert calibration is not None and calibration.source == "base" and m.calibrated
    after_right, after_wrong = right_answers(m, held)
    assert after_right >= before_right + 5, (before_right, after_right)
    assert after_wrong <= max(before_wrong, len(held) // 20)
    assert set(calibration.estimates) >= {"auto_correct", "auto_wrong", "unanswered_accept"}
    assert calibration.probes["unanswered"] > 0 and calibration.probes["phrasing"] > 0
    # An imported base ranks with its answers too; the shipped default does not.
    assert calibration.answer_weight == ANSWER_WEIGHT > 0
    assert Calibration.default(settings, negatives=False).answer_weight == 0


def test_a_calibrated_base_is_found_again_by_a_new_matcher(flat) -> None:  # type: ignore[no-untyped-def]
    kb, _, settings = flat
    first = Matcher(settings)
    first.warm_up()
    first.build(kb)
    fitted = first.calibrate()
    assert fitted is not None
    assert list(Path(settings.calibration_dir).glob("*.json"))
    again = Matcher(settings)
    again.build(kb)
    assert again.calibrated and again.calibration == fitted  # no recalibration after a restart


def test_a_published_base_is_live_at_once_and_its_calibration_swaps_in_later(
    flat, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    kb, held, settings = flat
    m = Matcher(settings.model_copy(update={"calibration_dir": None}))
    m.warm_up()
    m.build(kb)
    gate, entered = threading.Event(), threading.Event()
    real = pipeline.calibrate_base

    calibrated: list[Calibration] = []

    def held_back(*args, **kwargs):  # type: ignore[no-untyped-def]
        entered.set()
        assert gate.wait(60)
        calibrated.append(real(*args, **kwargs))
        return calibrated[-1]

    monkeypatch.setattr(pipeline, "calibrate_base", held_back)
    worker = m.calibrate_in_background()
    assert worker is not None and entered.wait(60)
    # While the calibration runs, the base serves with the previous calibration.
    assert m.calibration is not None and m.calibration.source == "default"
    assert m.calibration_status()["state"] == "running"
    assert m.match(held[0][0]).candidates
    edited = kb.model_copy(update={"questions": dict(list(kb.questions.items())[:-1])})
    m.build(edited)  # a newer publish while calibrating ...
    assert m.calibrate_in_background() is worker  # ... is calibrated next by the same worker
    first = m.calibration
    gate.set()
    worker.join(120)
    assert not worker.is_alive()
    # The older base's calibration never decided the newer one; the newer one's swapped in.
    assert [c.fingerprint for c in calibrated] == [fingerprint(kb, m.settings), m.live_key]
    assert m.kb is edited and m.calibrated and m.calibration is not first
    status = m.calibration_status()  # what the editor shows
    assert status["state"] == "fitted" and status["source"] == "base" and status["ran_at"]
    assert 0 <= status["estimates"]["auto_correct"] <= 1 and status["probes"]


def test_the_probability_is_the_lowest_within_every_limit() -> None:
    kinds = np.array(["phrasing"] * 100 + ["unanswered"] * 20 + ["general"] * 50)
    right = np.array([True] * 90 + [False] * 10 + [False] * 70)
    p = np.concatenate(
        [np.linspace(0.99, 0.5, 90), np.linspace(0.6, 0.4, 10), np.full(20, 0.55), np.full(50, 0.1)]
    )
    p[100] = 0.97  # one unanswered probe looks sure: 1 of 20 is within the limit
    allowed = np.ones(len(p), dtype=bool)
    th, rates = choose_probability(p, right, kinds, allowed)
    assert rates["unanswered_accept"] == pytest.approx(0.05)
    assert LIMITS["unanswered"] >= 0.05
    assert rates["general_accept"] == 0.0
    assert 0.55 < th <= 0.56  # one step lower answers every unanswered probe
    assert rates["auto_correct"] == pytest.approx(np.mean(p[:90] >= th) * 0.9, abs=1e-9)
    # A probe the decider may not answer (a near tie) does not count against the limit.
    allowed[101:120] = False
    assert choose_probability(p, right, kinds, allowed)[0] < 0.55


def test_general_messages_close_to_the_base_are_dropped() -> None:
    rng = np.random.default_rng(1)
    base = np.hstack([rng.normal(size=(40, 16)), np.zeros((40, 16))])
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    owner = np.repeat(np.arange(20), 2)
    far = np.hstack([np.zeros((3, 16)), rng.normal(size=(3, 16))])  # nothing like the base
    far /= np.linalg.norm(far, axis=1, keepdims=True)
    kept = general_kept(np.vstack([base[:2], far]), base, owner)
    assert kept.tolist() == [False, False, True, True, True]


def test_the_default_calibration_is_the_shipped_settings() -> None:
    s = MatchingSettings()
    assert Calibration.default(s).answer_model == s.answer_model
    assert Calibration.default(s, negatives=False).answer_model == s.answer_model_without_negatives
