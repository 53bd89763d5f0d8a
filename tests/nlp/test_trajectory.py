"""Troughs: a very negative message, a sharp drop, sustained negativity."""

from __future__ import annotations

import pytest

from bot.nlp.emotion import EmotionScorer
from bot.nlp.lexicon import TroughRule
from bot.nlp.trajectory import Trajectories, detect_trough

RULE = TroughRule(high=0.75, sharp_drop=0.45, drop_floor=0.6, sustained=0.45, window=3)


class TestDetect:
    @pytest.mark.parametrize(
        ("history", "kind"),
        [
            ([], None),
            ([0.1], None),
            ([0.1, 0.2, 0.3], None),
            ([0.8], "high"),
            ([0.05, 0.1, 0.65], "sharp_drop"),
            ([0.5, 0.5, 0.65], "sustained"),  # no sharp drop: it was bad all along
            ([0.5, 0.55, 0.5], "sustained"),
            ([0.5, 0.55, 0.2], None),  # calmed down
            ([0.1, 0.5, 0.5], None),  # two bad messages are not yet sustained
        ],
    )
    def test_trough_kinds_are_detected(self, history: list[float], kind: str | None) -> None:
        trough = detect_trough(history, RULE)
        assert (trough.kind if trough else None) == kind

    def test_trough_has_a_chinese_label(self) -> None:
        trough = detect_trough([0.0, 0.7], RULE)
        assert trough is not None and trough.label == "情绪骤降"


class TestTrajectories:
    def test_histories_are_kept_per_conversation_and_bounded(self) -> None:
        t = Trajectories(RULE, max_conversations=2)
        assert t.add(1, 0.1) is None
        assert t.add(2, 0.9) is not None
        assert t.add(1, 0.7) is not None  # sharp drop from 0.1
        t.add(3, 0.0)  # conversation 2 drops out
        assert t.history(1) == [0.1, 0.7] and t.history(2) == []

    def test_worsening_real_conversation_is_a_trough(self, scorer: EmotionScorer) -> None:
        lexicon = scorer.lexicon
        assert lexicon is not None
        t = Trajectories(lexicon.trough)
        messages = ["电脑开不了机怎么办", "试过了还是不行", "修了三次还没修好 你们到底行不行！！！"]
        troughs = [t.add("c", scorer.score(m).negative) for m in messages]
        assert troughs[0] is None and troughs[-1] is not None
