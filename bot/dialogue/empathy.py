"""The line of empathy that opens the bot's own answer to an annoyed or hurried customer."""

from __future__ import annotations

from bot.nlp.empathy import Tone, tone_of
from bot.nlp.lexicon import EmotionLexicon
from bot.texts import Texts
from bot.tiering.assess import Assessment

TEXT_KEYS: dict[Tone, str] = {"annoyed": "empathy_annoyed", "urgent": "empathy_urgent"}


def opening(assessment: Assessment | None, lexicon: EmotionLexicon | None, texts: Texts) -> str:
    """The opening line ("" when none is called for).

    None for a conversation handed to people: their handoff text is said instead.
    """
    if assessment is None or lexicon is None or assessment.decision.kind == "queue":
        return ""
    tone = tone_of(assessment.emotion, lexicon)
    if tone is None:
        return ""
    try:
        return texts.get(TEXT_KEYS[tone])
    except KeyError:  # an older messages.yml without the line: the answer alone
        return ""
