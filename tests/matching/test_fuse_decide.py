"""Fusion arithmetic and the decision rule (pure logic: no model involved)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.matching.decide import Decider
from bot.matching.fuse import Fuser, group_layout


class TestFuser:
    def test_group_layout(self) -> None:
        layout = group_layout(np.array([0, 3, 4]), 6)
        assert layout.tolist() == [[0, 1, 2], [3, 6, 6], [4, 5, 6]]

    def test_run_mean_of_top_n_and_rescale(self) -> None:
        fuser = Fuser(lexical_weight=0.5, dense_weight=0.5, dense_floor=0.5, top_n=2)
        dense = np.array([0.9, 0.7, 0.6, 1.0, 0.5, 0.4], dtype=np.float32)
        out = fuser.run(np.array([0.2, 0.0, 1.0]), dense, group_layout(np.array([0, 3, 4]), 6))
        # q0: mean(0.9, 0.7) = 0.8 -> 0.6; q1: one phrasing 1.0 -> 1.0; q2: mean(0.5, 0.4) -> 0
        assert out["dense"] == pytest.approx([0.6, 1.0, 0.0])
        assert out["scores"] == pytest.approx([0.4, 0.5, 0.5])

    def test_run_lexical_only_and_boost(self) -> None:
        fuser = Fuser(0.3, 0.7, 0.8)
        out = fuser.run(
            np.array([0.2, 0.4]),
            None,
            group_layout(np.array([0, 1]), 2),
            boost=np.array([0.1, -np.inf], dtype=np.float32),
        )
        assert out["scores"][0] == pytest.approx(0.3)
        assert out["scores"][1] == -np.inf


class TestDecider:
    decider = Decider(
        answer_threshold=0.7,
        answer_margin=0.05,
        clarify_threshold=0.5,
        clarify_gap=0.1,
        clarify_max=3,
    )

    def test_run_answer(self) -> None:
        assert self.decider.run([0.8, 0.6]) == {"decision": "answer", "choices": [0]}

    def test_run_close_runner_up_clarifies(self) -> None:
        out = self.decider.run([0.8, 0.78, 0.75, 0.74])
        assert out == {"decision": "clarify", "choices": [0, 1, 2]}

    def test_run_middle_score_clarifies_with_close_ones_only(self) -> None:
        assert self.decider.run([0.6, 0.45, 0.3]) == {"decision": "clarify", "choices": [0]}
        assert self.decider.run([0.65, 0.6, 0.5]) == {"decision": "clarify", "choices": [0, 1]}

    def test_run_none(self) -> None:
        assert self.decider.run([0.4, 0.3])["decision"] == "none"
        assert self.decider.run([])["decision"] == "none"

    def test_run_truncated_never_answers(self) -> None:
        assert self.decider.run([0.95, 0.2], truncated=True)["decision"] == "clarify"
