"""One request, assessed: entities, emotion, intent and match combined into a tier decision.

The dialogue calls `TierAssessor.assess` once per user message with what it already knows
(the Rasa intent, the match result, the conversation's counters); `bot tier` and the report call
it with the text alone and let it run the matcher and guess the intent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Matcher, MatchResult
from bot.nlp.emotion import EmotionScore, EmotionScorer, repeats
from bot.nlp.entities import Entity, EntityExtractor
from bot.nlp.trajectory import Trough, detect_trough
from bot.profile.profile import CustomerProfile
from bot.tiering.engine import TierDecision, TierEngine
from bot.tiering.inputs import TierInputs
from bot.tiering.intent import IntentGuess, IntentGuesser
from bot.tiering.scenes import scenes_in
from bot.tiering.schema import DiagnosisState


@dataclass
class ConversationState:
    """What the dialogue knows about the conversation before this message."""

    previous_text: str | None = None  # the customer's previous message
    emotion_history: list[float] = field(default_factory=list)  # earlier `negative` scores
    failed_matches: int = 0  # messages in a row nothing matched, up to the previous one
    unsolved: int = 0  # answers or solutions the customer said did not help
    human_requests: int = 0  # earlier requests for a human
    diagnosis: DiagnosisState | None = None  # state of the diagnosis walk, if any
    diagnosis_skills: list[str] = field(default_factory=list)  # its escalation skills
    question_in_play: str | None = None  # the question last answered (`bot.dialogue.context`)
    channel: str = "web"


@dataclass
class Assessment:
    """Everything found about one message, and the decision."""

    entities: list[Entity]
    emotion: EmotionScore
    trough: Trough | None
    intent: IntentGuess
    match: MatchResult | None
    inputs: TierInputs
    decision: TierDecision

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for logs, the context package and `bot tier --json`."""
        match = None
        if self.match is not None:
            best = self.match.choices[0] if self.match.choices else None
            match = {
                "decision": self.match.decision,
                "question_id": best.id if best else None,
                "title": best.title if best else None,
                "score": best.score if best else None,
            }
        return {
            **self.decision.to_dict(),
            "intent": {"name": self.intent.name, "source": self.intent.source},
            "match": match,
            "entities": [e.to_dict() for e in self.entities],
            "emotion": self.emotion.to_dict(),
            "trough": self.trough.kind if self.trough else None,
            "inputs": self.inputs.model_dump(mode="json"),
        }


class TierAssessor:
    """Combines the stages (all warmed up by the caller or on first use).

    Args:
        engine: the tier policy engine.
        entities: entity extractor.
        emotion: emotion scorer.
        intents: intent guesser (used when the caller gives no intent).
        matcher: the live matcher (used when the caller gives no match result).
    """

    def __init__(
        self,
        engine: TierEngine,
        entities: EntityExtractor,
        emotion: EmotionScorer,
        intents: IntentGuesser,
        matcher: Matcher | None = None,
    ) -> None:
        self.engine = engine
        self.entities = entities
        self.emotion = emotion
        self.intents = intents
        self.matcher = matcher

    def assess(
        self,
        text: str,
        profile: CustomerProfile,
        state: ConversationState | None = None,
        *,
        intent: IntentGuess | None = None,
        match: MatchResult | None = None,
        emotion: EmotionScore | None = None,
        entities: list[Entity] | None = None,
    ) -> Assessment:
        """Assess one user message.

        Args:
            text: the message.
            profile: the customer (`ProfileService.resolve_customer`).
            state: the conversation so far; a fresh conversation when None.
            intent: the intent the dialogue detected (Rasa's), else guessed here.
            match: the matcher's result for `text`, else matched here (when a matcher is set).
            emotion: the score of `text` alone (``EmotionScorer.score(text)``, the gateway's),
                else scored here; scored again when `text` repeats the previous message.
            entities: the entities of `text` (the gateway's), else extracted here.
        """
        state = state or ConversationState()
        if entities is None:
            entities = self.entities.run(text)
        line, model = _product(entities, profile)
        if emotion is None or repeats(text, state.previous_text):
            emotion = self.emotion.score(text, state.previous_text)
        trough = detect_trough([*state.emotion_history, emotion.negative], self._trough_rule)
        intent = intent or self.intents.guess(text)
        tags = profile.tags_for(line, model)
        if match is None and self.matcher is not None:
            lines = [line] if line else profile.product_lines
            match = self.matcher.match(text, products=lines, tags=set(tags), channel=state.channel)
        kb = self.matcher.kb if self.matcher is not None else None
        question = _question(match, kb)
        answered = match is not None and match.decision == "answer"
        if intent.name == "request_human" and not answered:
            # 「还是找个真人吧」 after the logistics answer asks a person about that: the skills
            # of the question in play, not of words the base does not answer.
            question = {**question, **_subject(state.question_in_play, kb)}
        b = profile.behaviour
        inputs = TierInputs(
            text=text,
            decision=match.decision if match is not None else None,
            **question,
            intent=intent.name,
            intent_source=intent.source,
            failed_matches=_failures_in_a_row(state.failed_matches, match),
            unsolved=state.unsolved,
            human_requests=state.human_requests + int(intent.name == "request_human"),
            diagnosis=state.diagnosis,
            diagnosis_skills=state.diagnosis_skills,
            identified=profile.identified,
            tags=tags,
            contacts_7d=b.contacts_7d,
            handoffs=b.handoffs,
            complaints=b.complaints,
            unresolved_tickets=b.unresolved_tickets,
            orders_30d=b.orders_30d,
            product_line=line or _own_line(question.get("question_products") or [], profile),
            model=model,
            entities=sorted({e.label for e in entities}),
            scenes=scenes_in(self.engine.policy.scenes, text),
            negative=emotion.negative,
            urgency=emotion.urgency,
            risk_words=emotion.risk_words,
            trough=trough.kind if trough else None,
        )
        decision = self.engine.evaluate(inputs)
        return Assessment(entities, emotion, trough, intent, match, inputs, decision)

    @property
    def _trough_rule(self) -> Any:
        if self.emotion.lexicon is None:
            self.emotion.warm_up()
        assert self.emotion.lexicon is not None
        return self.emotion.lexicon.trough


def _product(entities: list[Entity], profile: CustomerProfile) -> tuple[str | None, str | None]:
    # The product named in the message wins over the customer's own devices.
    for e in entities:
        if e.label == "MODEL":
            return e.line, e.value
    for e in entities:
        if e.label == "PRODUCT_LINE":
            return e.line, None
    return None, None


def _own_line(question_lines: list[str], profile: CustomerProfile) -> str | None:
    # Nothing named: the customer's own device, if the question is about that kind of product.
    for line in profile.product_lines:
        if not question_lines or line in question_lines:
            return line
    return None


def _question(match: MatchResult | None, kb: KnowledgeBase | None) -> dict[str, Any]:
    if match is None or not match.choices or kb is None:
        return {}
    q = kb.questions.get(match.choices[0].id)
    if q is None:
        return {}
    return {
        "question_id": q.id,
        "question_title": q.title,
        "question_tier": q.tier,
        "category": q.category,
        "question_products": list(q.products),
        "has_tree": q.tree is not None,
    }


def _subject(question_id: str | None, kb: KnowledgeBase | None) -> dict[str, Any]:
    """The category and product lines of the question in play (what a request is about)."""
    q = kb.questions.get(question_id) if kb is not None and question_id else None
    if q is None:
        return {}
    return {"category": q.category, "question_products": list(q.products)}


def _failures_in_a_row(before: int, match: MatchResult | None) -> int:
    """Messages in a row nothing matched, this one included (an answer ends the run)."""
    if match is None:
        return before
    if match.decision == "none":
        return before + 1
    return 0 if match.decision == "answer" else before
