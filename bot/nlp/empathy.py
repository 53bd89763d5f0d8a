"""Whether a message calls for a word of empathy, and which: annoyance or hurry.

Mild annoyance (烦, 不好使, 😡) or a hurry is not a complaint: the customer is answered, as a good
service agent would, with a line that shows the feeling was heard (``empathy`` in
``knowledge/emotion.yml``). Strong feeling is the tier policy's business.
"""

from __future__ import annotations

from typing import Literal

from bot.nlp.emotion import EmotionScore
from bot.nlp.lexicon import EmotionLexicon

Tone = Literal["annoyed", "urgent"]


def tone_of(emotion: EmotionScore, lexicon: EmotionLexicon) -> Tone | None:
    """How the message reads when it calls for empathy: in a hurry, annoyed, or neither."""
    rule = lexicon.empathy
    if emotion.urgency >= rule.urgency:
        return "urgent"
    annoyed = any(w in lexicon.anger for w in emotion.words)
    if annoyed or emotion.negative >= rule.negative:
        return "annoyed"
    return None
