"""Fusion arithmetic, decision features and the decision rules (pure logic: no model involved)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from bot.matching.calibrate import choose_probability, fit_logistic
from bot.matching.decide import Decider
from bot.matching.encoders import ThreadChooser
from bot.matching.features import FEATURES, DecisionFeatures, decision_features
from bot.matching.fuse import Fuser, group_layout


class TestFuser:
    def test_group_layout(self) -> None:
        layout = group_layout(np.array([0, 3, 4]), 6)
        assert layout.tolist() == [[0, 1, 2], [3, 6, 6], [4, 5, 6]]

    def test_mean_of_top_n_and_rescale(self) -> None:
        fuser = Fuser(lexical_weight=0.5, dense_weight=0.5, dense_floor=0.5, top_n=2)
        dense = np.array([0.9, 0.7, 0.6, 1.0, 0.5, 0.4], dtype=np.float32)
        out = fuser.run(np.array([0.2, 0.0, 1.0]), dense, group_layout(np.array([0, 3, 4]), 6))
        # q0: mean(0.9, 0.7) = 0.8 -> 0.6; q1: one phrasing 1.0 -> 1.0; q2: mean(0.5, 0.4) -> 0
        assert out["dense"] == pytest.approx([0.6, 1.0, 0.0])
        assert out["dense_max"] == pytest.approx([0.9, 1.0, 0.5])
        assert out["scores"] == pytest.approx([0.4, 0.5, 0.5])

    def test_answers_rank_only_with_a_weight(self) -> None:
        layout = group_layout(np.array([0, 1]), 2)
        lexical = np.array([0.0, 0.0], dtype=np.float32)
        dense = np.array([0.9, 0.85], dtype=np.float32)  # q0's phrasing is closer ...
        answers = np.array([0.5, 1.0], dtype=np.float32)  # ... q1's answer speaks to the words
        plain = Fuser(0.0, 1.0, 0.5, 1).run(lexical, dense, layout, None, answers)
        assert int(np.argmax(plain["scores"])) == 0  # weight 0: answers are ignored
        fuser = Fuser(0.0, 1.0, 0.5, 1, answer_weight=0.5)
        out = fuser.run(lexical, dense, layout, None, answers)
        # q0: (0.8 + 0.5 * 0.0) / 1.5; q1: (0.7 + 0.5 * 1.0) / 1.5
        assert out["scores"] == pytest.approx([0.8 / 1.5, 1.2 / 1.5])
        assert out["dense"] == pytest.approx([0.8, 0.7])  # the dense side itself is unchanged
        assert out["plain"] == pytest.approx([0.8, 0.7])  # what the decision features read
        # Without one answer score per question the answers do not count.
        assert fuser.run(lexical, dense, layout)["scores"] == pytest.approx([0.8, 0.7])

    def test_lexical_only_and_boost(self) -> None:
        fuser = Fuser(0.3, 0.7, 0.8)
        out = fuser.run(
            np.array([0.2, 0.4]),
            None,
            group_layout(np.array([0, 1]), 2),
            boost=np.array([0.1, -np.inf], dtype=np.float32),
        )
        assert out["scores"][0] == pytest.approx(0.3)
        assert out["scores"][1] == -np.inf


class TestDecisionFeatures:
    def test_features_of_the_top_question(self) -> None:
        # Three questions; phrasings 0-1 belong to q0, 2 to q1, 3-4 to q2.
        out = decision_features(
            fused=np.array([0.5, 0.9, 0.6], dtype=np.float32),
            lexical=np.array([0.1, 0.7, 0.3], dtype=np.float32),
            dense=np.array([0.2, 0.8, 0.5], dtype=np.float32),
            dense_max=np.array([0.85, 0.97, 0.9], dtype=np.float32),
            phrasing_scores=np.array([0.85, 0.8, 0.97, 0.9, 0.88], dtype=np.float32),
            owner=np.array([0, 0, 1, 2, 2]),
            query="开不了 机",
            coverage=(0.5, 1.0),
        )
        assert isinstance(out, DecisionFeatures) and out._fields == FEATURES
        assert out.s1 == pytest.approx(0.9)
        assert out.margin == pytest.approx(0.3)
        assert out.lex1 == pytest.approx(0.7)
        assert out.denmargin == pytest.approx(0.3)
        assert out.maxcos == pytest.approx(0.97)
        assert out.cosmargin == pytest.approx(0.07)
        assert out.cnt == pytest.approx(0.1)  # 1 of the (at most) 10 closest phrasings
        assert out.loglen == pytest.approx(math.log1p(4))  # spaces do not count
        assert (out.covw, out.covc) == (0.5, 1.0)
        assert (out.anscos, out.ansmargin) == (0.0, 0.0)  # no answers indexed

    def test_answer_features_compare_the_top_answer_with_the_closest(self) -> None:
        out = decision_features(
            fused=np.array([0.5, 0.9, 0.6], dtype=np.float32),
            lexical=np.zeros(3, dtype=np.float32),
            dense=np.zeros(3, dtype=np.float32),
            dense_max=np.zeros(3, dtype=np.float32),
            phrasing_scores=np.zeros(3, dtype=np.float32),
            owner=np.array([0, 1, 2]),
            query="发票",
            coverage=(1.0, 1.0),
            answer_scores=np.array([0.7, 0.82, 0.9], dtype=np.float32),
        )
        # The top question (1) by fused score, its answer less close than question 2's.
        assert out.anscos == pytest.approx(0.82)
        assert out.ansmargin == pytest.approx(-0.08)
        assert (out.negcos, out.negmargin) == (0.0, 0.0)  # no negatives: none near (maxcos 0)

    def test_closeness_to_a_negative_is_a_feature(self) -> None:
        out = decision_features(
            fused=np.array([0.5, 0.9], dtype=np.float32),
            lexical=np.zeros(2, dtype=np.float32),
            dense=np.zeros(2, dtype=np.float32),
            dense_max=np.array([0.7, 0.8], dtype=np.float32),
            phrasing_scores=np.array([0.7, 0.8], dtype=np.float32),
            owner=np.array([0, 1]),
            query="星岚是上市公司吗",
            coverage=(1.0, 1.0),
            negative_max=0.95,
        )
        assert out.negcos == pytest.approx(0.95)
        assert out.negmargin == pytest.approx(0.8 - 0.95)  # closer to a negative

    def test_features_of_a_given_top_are_read_on_the_scores_given(self) -> None:
        # The ranking (answers included) put q0 first; without answers q1 leads by 0.1.
        out = decision_features(
            fused=np.array([0.7, 0.8, 0.2], dtype=np.float32),
            lexical=np.array([0.4, 0.1, 0.0], dtype=np.float32),
            dense=np.array([0.7, 0.8, 0.2], dtype=np.float32),
            dense_max=np.array([0.9, 0.95, 0.6], dtype=np.float32),
            phrasing_scores=np.array([0.9, 0.95, 0.6], dtype=np.float32),
            owner=np.array([0, 1, 2]),
            query="电脑很卡",
            coverage=(1.0, 1.0),
            top=0,
        )
        assert out.s1 == pytest.approx(0.7) and out.margin == pytest.approx(-0.1)
        assert out.lex1 == pytest.approx(0.4) and out.maxcos == pytest.approx(0.9)

    def test_single_question_has_the_whole_margin(self) -> None:
        out = decision_features(
            np.array([0.7]),
            np.array([0.4]),
            np.array([0.6]),
            np.array([0.9]),
            np.array([0.9, 0.8]),
            np.array([0, 0]),
            "x",
            (1.0, 0.0),
        )
        assert out.margin == pytest.approx(0.7) and out.cnt == pytest.approx(0.2)


def _features(**values: float) -> DecisionFeatures:
    return DecisionFeatures(**{name: values.get(name, 0.0) for name in FEATURES})


class TestDecider:
    decider = Decider(
        answer_threshold=0.7,
        answer_margin=0.05,
        clarify_threshold=0.5,
        clarify_gap=0.1,
        clarify_max=3,
    )
    # A toy model: confident exactly when the margin is at least 0.1.
    model = Decider(0.7, 0.05, 0.5, 0.1, 3, model={"margin": 100.0, "bias": -10.0})

    def test_clear_lead_is_answered(self) -> None:
        assert self.decider.run([0.8, 0.6]) == {
            "decision": "answer",
            "choices": [0],
            "confidence": None,
        }

    def test_close_runner_up_clarifies(self) -> None:
        out = self.decider.run([0.8, 0.78, 0.75, 0.74])
        assert (out["decision"], out["choices"]) == ("clarify", [0, 1, 2])

    def test_middle_score_clarifies_with_close_ones_only(self) -> None:
        assert self.decider.run([0.6, 0.45, 0.3])["choices"] == [0]
        assert self.decider.run([0.65, 0.6, 0.5])["choices"] == [0, 1]

    def test_low_scores_get_none(self) -> None:
        assert self.decider.run([0.4, 0.3])["decision"] == "none"
        assert self.decider.run([])["decision"] == "none"

    def test_truncated_never_answers(self) -> None:
        assert self.decider.run([0.95, 0.2], truncated=True)["decision"] == "clarify"
        sure = _features(margin=0.9)
        assert self.model.run([0.95, 0.05], True, sure)["decision"] == "clarify"

    def test_model_decides_when_given_features(self) -> None:
        # The rule would answer [0.8, 0.72] (score 0.8, margin 0.08); the model wants 0.1.
        out = self.model.run([0.8, 0.72], features=_features(margin=0.08))
        assert out["decision"] == "clarify"
        assert out["confidence"] == pytest.approx(1 / (1 + math.exp(2)))
        # A low score the rule would never answer: the model trusts the clear lead.
        out = self.model.run([0.55, 0.3], features=_features(margin=0.25))
        assert out["decision"] == "answer" and out["confidence"] > 0.99
        # Below the clarify threshold and not confident: no match.
        assert self.model.run([0.45, 0.4], features=_features(margin=0.05))["decision"] == "none"

    def test_model_never_answers_a_near_tie(self) -> None:
        sure = Decider(0.7, 0.05, 0.5, 0.1, 3, model={"bias": 10.0}, min_margin=0.02)
        tie = sure.run([0.9, 0.89, 0.5], features=_features(margin=0.01))
        assert (tie["decision"], tie["choices"]) == ("clarify", [0, 1])
        assert tie["confidence"] is not None and tie["confidence"] > 0.99
        assert sure.run([0.9, 0.88, 0.5], features=_features(margin=0.02))["decision"] == "answer"
        # The lead is the features': a question answers rank first although the scores
        # without them put another first (negative lead there) is never answered at once.
        behind = sure.run([0.9, 0.8, 0.5], features=_features(margin=-0.03))
        assert behind["decision"] == "clarify"

    def test_model_without_features_falls_back_to_the_rule(self) -> None:
        assert self.model.uses_model and not self.decider.uses_model
        assert self.model.run([0.8, 0.72])["decision"] == "answer"

    def test_unknown_feature_is_refused(self) -> None:
        with pytest.raises(ValueError, match="length"):
            Decider(0.7, 0.05, 0.5, 0.1, model={"length": 1.0})


class TestCalibration:
    def test_fit_logistic_separates_and_keeps_the_raw_scale(self) -> None:
        rng = np.random.default_rng(0)
        x = rng.normal(size=(400, len(FEATURES)))
        y = (x[:, 1] * 3 + rng.normal(scale=0.5, size=400) > 0).astype(float)
        model = fit_logistic(x * 10 + 5, y)  # coefficients must undo the scaling
        assert set(model) == {*FEATURES, "bias"}
        assert model["margin"] > 0.1 and abs(model["s1"]) < model["margin"] / 5
        decider = Decider(1.0, 1.0, 0.0, 0.1, model=model, answer_probability=0.5)
        p = np.array([decider.probability(DecisionFeatures(*row)) for row in x * 10 + 5])
        assert np.mean((p >= 0.5) == (y == 1)) > 0.9

    def test_choose_probability_respects_the_limits(self) -> None:
        p = np.array([0.99, 0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
        right = np.array([True, True, True, False, True, True, False, False])
        ins = np.array([True, True, True, True, True, True, False, False])  # two OOS probes
        # From 0.9 down three are right; at 0.8 one in-scope query is answered wrongly.
        assert choose_probability(p, right, ins) == pytest.approx(0.9)
        p[6] = 0.95  # a probe the model is sure about: only above it is safe
        assert choose_probability(p, right, ins) == pytest.approx(0.99)
        # ... unless the decider never answers that probe (a near tie): 0.9 is safe again.
        allowed = np.array([True, True, True, True, True, True, False, True])
        assert choose_probability(p, right, ins, allowed) == pytest.approx(0.9)


class TestThreadChooser:
    def test_prefers_the_faster_and_retries_the_other(self) -> None:
        chooser = ThreadChooser([1, 2], gap=4, max_gap=8)
        picks = []
        for _ in range(40):
            threads = chooser.choose()
            picks.append(threads)
            chooser.record(threads, 10.0 if threads == 1 else 5.0, size=10)
        assert picks[:2] == [1, 2]  # each candidate measured once first
        assert picks[-10:].count(2) >= 8  # then mostly the faster one
        # The load changes: two threads become slow; the chooser notices at the next trial.
        for _ in range(40):
            threads = chooser.choose()
            picks.append(threads)
            chooser.record(threads, 10.0 if threads == 1 else 60.0, size=10)
        assert picks[-10:].count(1) >= 8

    def test_one_good_trial_is_enough_to_switch_back(self) -> None:
        chooser = ThreadChooser([1, 2], gap=2, max_gap=4)
        for _ in range(20):  # two threads very slow for a long time
            threads = chooser.choose()
            chooser.record(threads, 10.0 if threads == 1 else 200.0, size=10)
        assert chooser.best == 1
        for _ in range(5):  # the other process ended: two threads are fast again
            threads = chooser.choose()
            chooser.record(threads, 10.0 if threads == 1 else 5.0, size=10)
        assert chooser.best == 2
