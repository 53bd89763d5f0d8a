"""The emotion table (eval/emotion_table.yml) through the real scorer and the shipped policy."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.tiering.assess import TierAssessor
from bot.tiering.emotion_table import EmotionCase, load_table, play, run_table

CASES = load_table()
AGREEMENT_BAR = 1.0  # every case, exactly: tier, route and the empathy of the answer


def test_the_table_covers_every_kind_of_emotional_message() -> None:
    kinds = Counter(c.kind for c in CASES)
    assert len(CASES) >= 80
    for kind in ("mild", "moderate", "severe", "sarcasm", "emoji", "storm", "polite", "trough"):
        assert kinds[kind] >= 5, kind
    assert len({(c.text, tuple(c.history)) for c in CASES}) == len(CASES)


def test_every_message_gets_the_tier_route_and_empathy_of_the_table(
    assessor: TierAssessor,
) -> None:
    outcomes = run_table(assessor, CASES)
    wrong = [o.describe() for o in outcomes if not o.agrees]
    agreement = 1 - len(wrong) / len(outcomes)
    assert agreement >= AGREEMENT_BAR, f"agreement {agreement:.1%}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("case", [c for c in CASES if c.kind == "mild"], ids=lambda c: c.text)
def test_mild_annoyance_is_never_a_complaint_whatever_the_classifier_reads(
    assessor: TierAssessor, case: EmotionCase
) -> None:
    outcome = play(assessor, case, intent="complaint")
    assert outcome.assessment.decision.tier < 5
    assert outcome.assessment.decision.kind != "queue"


def test_the_issues_own_examples_are_answered_with_empathy(assessor: TierAssessor) -> None:
    by_text = {c.text: c for c in CASES}
    for text in ("每次登app都要等短信验证码 烦 能用wechat直接登进去不", "我那个东西又不好使了"):
        outcome = play(assessor, by_text[text])
        assert outcome.assessment.decision.route == "bot"
        assert outcome.tone == "annoyed"
