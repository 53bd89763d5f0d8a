"""The line of empathy that opens the bot's own answer to an annoyed or hurried customer."""

from __future__ import annotations

from bot.dialogue.enrich import Enriched
from bot.nlp.empathy import Tone, tone_of
from bot.nlp.lexicon import EmotionLexicon
from bot.services import Services
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


def annoyed(services: Services, found: Enriched | None) -> bool:
    """Whether the gateway read the message as annoyed (🤬, 😡😡, 烦死了): words the dialogue
    took for yes or small talk that call for empathy instead of a cheerful reply."""
    assessor = services.assessor
    if found is None or found.emotion is None or assessor is None:
        return False
    lexicon = assessor.emotion.lexicon
    return lexicon is not None and tone_of(found.emotion, lexicon) == "annoyed"
