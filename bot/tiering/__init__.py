"""The five request tiers: a declarative policy (``knowledge/tier_policy.yml``) and its engine.

Per user message::

    assessor = build_assessor(settings, matcher=services.knowledge.matcher)   # at start-up
    result = assessor.assess(text, profile, state, intent=rasa_intent, match=match_result)
    result.decision.tier, result.decision.route, result.decision.reason
    record_decision(session, result.decision, result.inputs, conversation_id=..., ...)
"""

from bot.tiering.assess import Assessment, ConversationState, TierAssessor
from bot.tiering.build import build_assessor
from bot.tiering.engine import TierDecision, TierEngine
from bot.tiering.inputs import TierInputs
from bot.tiering.intent import IntentGuess, IntentGuesser, KeywordIntents, RasaIntents
from bot.tiering.store import record_decision, tier_history

__all__ = [
    "Assessment",
    "ConversationState",
    "IntentGuess",
    "IntentGuesser",
    "KeywordIntents",
    "RasaIntents",
    "TierAssessor",
    "TierDecision",
    "TierEngine",
    "TierInputs",
    "build_assessor",
    "record_decision",
    "tier_history",
]
