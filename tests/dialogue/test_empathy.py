"""The line of empathy before the bot's own answer."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.empathy import opening
from bot.nlp.lexicon import EmotionLexicon
from bot.profile.profile import anonymous_profile
from bot.texts import Texts
from bot.tiering.assess import TierAssessor
from tests.tiering.conftest import assessor  # noqa: F401 - the real assessor, once per session

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
TEXTS = Texts.load(KNOWLEDGE)


def _lexicon(assessor: TierAssessor) -> EmotionLexicon | None:  # noqa: F811
    return assessor.emotion.lexicon


def test_mild_annoyance_opens_the_answer_with_an_apology(assessor: TierAssessor) -> None:  # noqa: F811
    a = assessor.assess("这个破app登录不上 烦", anonymous_profile())
    assert a.decision.kind != "queue"
    assert opening(a, _lexicon(assessor), TEXTS) == TEXTS.get("empathy_annoyed")


def test_a_hurry_is_heard_before_the_answer(assessor: TierAssessor) -> None:  # noqa: F811
    a = assessor.assess("有点着急 维修进度怎么查", anonymous_profile())
    assert opening(a, _lexicon(assessor), TEXTS) == TEXTS.get("empathy_urgent")


def test_a_calm_question_gets_the_answer_alone(assessor: TierAssessor) -> None:  # noqa: F811
    a = assessor.assess("保修期多久", anonymous_profile())
    assert opening(a, _lexicon(assessor), TEXTS) == ""


def test_a_conversation_handed_to_people_gets_no_bot_empathy(assessor: TierAssessor) -> None:  # noqa: F811
    a = assessor.assess("再不解决我就去315曝光你们", anonymous_profile())
    assert a.decision.kind == "queue"
    assert opening(a, _lexicon(assessor), TEXTS) == ""
