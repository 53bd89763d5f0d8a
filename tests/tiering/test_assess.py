"""Whole assessments with the real matcher, entities, emotion and the shipped policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.nlp.emotion import EmotionScore
from bot.profile.profile import CustomerProfile, anonymous_profile, build_profile
from bot.profile.seed import load_sample
from bot.tiering.assess import ConversationState, TierAssessor
from bot.tiering.intent import IntentGuess
from tests.tiering.conftest import KNOWLEDGE

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def people() -> dict[str, CustomerProfile]:
    records = load_sample(Path(KNOWLEDGE / "sample_customers.yml"))
    return {r.member_id: build_profile(r, today=TODAY) for r in records[:6]}


class TestAssess:
    def test_same_words_from_two_customers_get_different_tiers(
        self, assessor: TierAssessor, people: dict[str, CustomerProfile]
    ) -> None:
        text = "想换台新电脑 打游戏用 有什么推荐"
        visitor = assessor.assess(text, anonymous_profile())
        gold = assessor.assess(text, people["XL10000001"])
        assert visitor.intent.name == gold.intent.name == "purchase_intent"
        assert (visitor.decision.tier, visitor.decision.route) == (1, "bot")
        assert (gold.decision.tier, gold.decision.route) == (4, "queue:sales")
        assert gold.decision.reason == "金卡会员 + 购买意向 -> 第4级，转选购顾问"

    def test_model_in_the_message_sets_the_device(
        self, assessor: TierAssessor, people: dict[str, CustomerProfile]
    ) -> None:
        # 王建国's Buds 3 are out of warranty, his R9 is not: the model named decides.
        a = assessor.assess("我的逐影R9开不了机", people["XL10000001"])
        assert a.inputs.product_line == "raptor" and a.inputs.model == "RG9"
        assert "in_warranty" in a.inputs.tags and a.inputs.entities == ["MODEL"]
        assert a.match is not None and a.decision.tier in (1, 2)  # a fault, not a sale

    def test_risk_words_go_to_tier5(self, assessor: TierAssessor) -> None:
        a = assessor.assess("再不给我修好我就去315曝光你们", anonymous_profile())
        assert a.decision.tier == 5 and a.decision.alert
        assert a.decision.route == "queue:complaint,senior"
        assert "315" in a.decision.reason

    def test_given_emotion_and_entities_are_used(
        self, assessor: TierAssessor, people: dict[str, CustomerProfile]
    ) -> None:
        # The gateway scored the message already: its findings win over scoring again.
        given = EmotionScore(negative=0.9, urgency=0.2, risk_words=["315"])
        a = assessor.assess("我的逐影R9开不了机", people["XL10000001"], emotion=given, entities=[])
        assert a.emotion is given and a.entities == [] and a.inputs.model is None
        assert a.decision.rule == "risk_words"

    def test_given_emotion_is_scored_again_when_the_words_repeat(
        self, assessor: TierAssessor
    ) -> None:
        text, state = "还是开不了机", ConversationState(previous_text="还是开不了机")
        alone = assessor.emotion.score(text)
        a = assessor.assess(text, anonymous_profile(), state, emotion=alone)
        assert a.emotion == assessor.emotion.score(text, text) != alone
        assert "repetition" in a.emotion.signals

    def test_trough_over_a_conversation(self, assessor: TierAssessor) -> None:
        state = ConversationState(
            previous_text="试过了还是开不了机", emotion_history=[0.1, 0.5, 0.55]
        )
        a = assessor.assess("还是不行！！你们到底行不行", anonymous_profile(), state)
        assert a.trough is not None and a.decision.rule == "emotion_trough"

    def test_second_miss_escalates(self, assessor: TierAssessor) -> None:
        first = assessor.assess("asdkjh qwe", anonymous_profile())
        assert first.decision.rule == "no_match" and first.inputs.failed_matches == 1
        state = ConversationState(failed_matches=1)
        second = assessor.assess("asdkjh qwe zzz", anonymous_profile(), state)
        assert second.decision.tier == 3 and second.decision.rule == "repeated_no_match"

    def test_given_intent_is_used(self, assessor: TierAssessor) -> None:
        angry = "等了半个月没人理 你们太过分了 气死了"
        a = assessor.assess(angry, anonymous_profile(), intent=IntentGuess("complaint", "given"))
        assert a.decision.tier == 5 and a.to_dict()["intent"] == {
            "name": "complaint",
            "source": "given",
        }

    def test_a_calm_question_the_classifier_calls_a_complaint_is_not_tier_5(
        self, assessor: TierAssessor
    ) -> None:
        calm = "你们售后网点在哪"
        a = assessor.assess(calm, anonymous_profile(), intent=IntentGuess("complaint", "rasa"))
        assert a.decision.tier < 5 and a.decision.rule != "complaint"

    def test_a_person_asked_for_after_an_answer_gets_the_skills_of_that_question(
        self, assessor: TierAssessor
    ) -> None:
        words, human = "还是找个真人吧 机器人说不清", IntentGuess("request_human", "rasa")
        alone = assessor.assess(words, anonymous_profile(), intent=human)
        assert alone.decision.skills == ["aftersales"]
        state = ConversationState(question_in_play="order-006")  # the logistics answer
        after = assessor.assess(words, anonymous_profile(), state, intent=human)
        assert "order" in after.decision.skills

    def test_json_has_the_contract_keys(self, assessor: TierAssessor) -> None:
        d = assessor.assess("发票怎么开", anonymous_profile()).to_dict()
        assert {"tier", "route", "reason"} <= set(d)
        assert isinstance(d["tier"], int) and isinstance(d["reason"], str)
