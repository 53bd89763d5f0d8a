"""Build a ready `TierAssessor` from the settings (for `bot tier`, the report, and start-up)."""

from __future__ import annotations

from bot.config import Settings
from bot.knowledge.loader import load_knowledge
from bot.matching.pipeline import Matcher
from bot.nlp.emotion import EmotionScorer
from bot.nlp.entities import EntityExtractor
from bot.tiering.assess import TierAssessor
from bot.tiering.engine import TierEngine
from bot.tiering.intent import IntentGuesser, KeywordIntents, RasaIntents


def build_assessor(
    settings: Settings, *, matcher: Matcher | None = None, use_rasa: bool = True
) -> TierAssessor:
    """Load the policy, the entity patterns, the emotion lexicon and (unless given) a matcher.

    Args:
        settings: app settings (knowledge directory, matcher settings, Rasa URL).
        matcher: a live matcher to reuse (the app's); None builds one over the knowledge dir.
        use_rasa: ask the Rasa server for intents when it answers (``KEFU_RASA__URL``).
    """
    kdir = settings.knowledge_dir
    if matcher is None:
        kb = load_knowledge(kdir)
        matcher = Matcher(settings.matching)
        matcher.warm_up()
        matcher.build(kb)
    question_ids = set(matcher.kb.questions) if matcher.kb is not None else None
    engine = TierEngine.from_dir(kdir, question_ids)
    entities = EntityExtractor(kdir / "entities", matcher.kb.catalog if matcher.kb else None)
    emotion = EmotionScorer(kdir / "emotion.yml")
    entities.warm_up()
    emotion.warm_up()
    rasa = RasaIntents(settings.rasa.url, min(settings.rasa.timeout_s, 3.0)) if use_rasa else None
    intents = IntentGuesser(KeywordIntents(engine.policy.intents), rasa)
    return TierAssessor(engine, entities, emotion, intents, matcher)
