"""The emotion table (``eval/emotion_table.yml``): emotional messages and the tier each earns.

Each case pins what the rest of the bot would give the tier policy (the dialogue act the
shipped Rasa model reads, the matcher's decision), so the table checks the reading of emotion
and the policy alone. `run_table` plays every case through a real `TierAssessor` and says
where it disagrees; ``python -m bot.tiering.emotion_table`` prints the agreement by kind.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from bot.matching.pipeline import Candidate, MatchResult
from bot.nlp.empathy import Tone, tone_of
from bot.profile.profile import anonymous_profile
from bot.tiering.assess import Assessment, ConversationState, TierAssessor
from bot.tiering.intent import IntentGuess

TABLE_FILE = Path(__file__).resolve().parents[2] / "eval" / "emotion_table.yml"
Kind = Literal[
    "calm", "mild", "moderate", "severe", "sarcasm", "emoji", "storm", "polite", "trough"
]


class EmotionCase(BaseModel):
    """One message of the table and what it should earn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Kind
    text: str = Field(min_length=1)
    history: list[str] = []  # the customer's earlier messages in the same conversation
    intent: str  # the dialogue act the shipped Rasa model reads in `text`
    match: str  # the matcher's decision: "answer:<question id>", "clarify:<id>" or "none"
    tier: int = Field(ge=1, le=5)
    route: str  # bot | diagnosis | queue:<skills>
    tone: Tone | None = None  # the empathy the bot's own answer opens with
    why: str = Field(min_length=4)


@dataclass(frozen=True)
class Outcome:
    """What the policy made of one case."""

    case: EmotionCase
    assessment: Assessment
    tone: Tone | None

    @property
    def agrees(self) -> bool:
        """Tier, route and empathy all as the table says."""
        d = self.assessment.decision
        return (d.tier, d.route, self.tone) == (self.case.tier, self.case.route, self.case.tone)

    def describe(self) -> str:
        """One line for a failure message."""
        d = self.assessment.decision
        got = f"tier {d.tier} {d.route} tone={self.tone} ({d.rule})"
        want = f"tier {self.case.tier} {self.case.route} tone={self.case.tone}"
        negative = self.assessment.emotion.negative
        return f"{self.case.text!r}: got {got}, want {want}; negative {negative}"


def load_table(path: Path = TABLE_FILE) -> list[EmotionCase]:
    """The cases of the table file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [EmotionCase.model_validate(c) for c in data.get("cases") or []]


def pinned_match(spec: str, assessor: TierAssessor) -> MatchResult:
    """The matcher result a case pins (its question's title from the live knowledge base)."""
    decision, _, question_id = spec.partition(":")
    if decision == "none":
        return MatchResult("none", [], [])
    assert assessor.matcher is not None and decision in ("answer", "clarify"), spec
    kb = assessor.matcher.kb
    assert kb is not None, "the matcher has no knowledge base yet"
    question = kb.questions[question_id]
    best = Candidate(question.id, question.title, 0.9)
    return MatchResult(decision, [best], [best])  # type: ignore[arg-type]


def play(assessor: TierAssessor, case: EmotionCase, intent: str | None = None) -> Outcome:
    """Assess one case as the dialogue would (`intent` replaces the case's own)."""
    scores: list[float] = []
    previous: str | None = None
    for text in case.history:
        scores.append(assessor.emotion.score(text, previous).negative)
        previous = text
    state = ConversationState(previous_text=previous, emotion_history=scores)
    name = intent or case.intent
    # As in the dialogue: a low-confidence parse is no intent (the keywords guess one).
    guess = IntentGuess(name, "rasa") if name != "nlu_fallback" else None
    a = assessor.assess(
        case.text,
        anonymous_profile(),
        state,
        intent=guess,
        match=pinned_match(case.match, assessor),
    )
    lexicon = assessor.emotion.lexicon
    assert lexicon is not None
    tone = tone_of(a.emotion, lexicon) if a.decision.kind != "queue" else None
    return Outcome(case, a, tone)


def run_table(assessor: TierAssessor, cases: list[EmotionCase]) -> list[Outcome]:
    """Every case played."""
    return [play(assessor, c) for c in cases]


def main() -> None:
    """Print the agreement of the shipped policy with the table, overall and by kind."""
    from bot.config import Settings
    from bot.tiering.build import build_assessor

    assessor = build_assessor(Settings(), use_rasa=False)
    outcomes = run_table(assessor, load_table())
    total, right = Counter[str](), Counter[str]()
    for o in outcomes:
        total[o.case.kind] += 1
        right[o.case.kind] += o.agrees
    for kind in total:
        print(f"{kind:9} {right[kind]:3}/{total[kind]:3}")
    n, ok = sum(total.values()), sum(right.values())
    print(f"{'all':9} {ok:3}/{n:3}  agreement {ok / n:.1%}")
    for o in outcomes:
        if not o.agrees:
            print("  disagrees:", o.describe(), file=sys.stderr)


if __name__ == "__main__":
    main()
