"""The typed form of ``knowledge/tier_policy.yml`` (see the file's header for the language)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.tiering.scenes import SceneWords

Route = Literal["bot", "diagnosis", "queue"]
Decision = Literal["answer", "clarify", "none"]
DiagnosisState = Literal["active", "solved", "escalated", "abandoned"]
NumericInput = Literal[
    "negative",
    "urgency",
    "failed_matches",
    "unsolved",
    "human_requests",
    "contacts_7d",
    "handoffs",
    "complaints",
    "unresolved_tickets",
    "orders_30d",
]
SKILL_PLACEHOLDERS = frozenset({"$product", "$category", "$diagnosis", "$question"})
"""Skills filled in per request: the product line in question, the skill of the question's
category, the diagnosis tree's escalation skills, the matched question's product lines."""


class Conditions(BaseModel):
    """What must hold for a rule to fire; every condition given must hold (AND)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intent: list[str] | None = None  # detected intent is one of these
    decision: list[Decision] | None = None  # matcher decision is one of these
    question_tier: list[int] | None = None  # default tier of the matched question
    category: list[str] | None = None  # category of the matched question
    question: list[str] | None = None  # id of the matched question
    tags_any: list[str] | None = None  # customer has at least one of these tags
    tags_all: list[str] | None = None  # customer has all of these tags
    tags_none: list[str] | None = None  # customer has none of these tags
    identified: bool | None = None  # customer is known (token or binding)
    has_tree: bool | None = None  # matched question has a diagnosis tree
    risk: bool | None = None  # a risk word was used
    trough: bool | None = None  # the conversation's emotion is in a trough
    diagnosis: list[DiagnosisState] | None = None  # state of the diagnosis walk
    entities_any: list[str] | None = None  # one of these entity labels was found
    scene: list[str] | None = None  # the words show one of these scenes (`scenes:`)
    at_least: dict[NumericInput, float] = {}  # input >= value
    below: dict[NumericInput, float] = {}  # input < value

    @field_validator("question_tier")
    @classmethod
    def _tiers(cls, tiers: list[int] | None) -> list[int] | None:
        if tiers and any(not 1 <= t <= 5 for t in tiers):
            raise ValueError("tiers are 1 to 5")
        return tiers

    @property
    def empty(self) -> bool:
        """A rule with no conditions fires for everything (the last rule must be one)."""
        return not any(v for v in self.model_dump().values() if v not in (None, {}, []))


class Rule(BaseModel):
    """One rule: conditions, and the tier, route and reason when they hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: Conditions = Conditions()
    unless: Conditions | None = None  # the rule does not fire when these all hold
    tier: int = Field(ge=1, le=5)
    route: Route
    skills: list[str] = []  # skill ids of skills.yml, product-line ids, or placeholders
    fallback_skills: list[str] = []  # used when `skills` resolve to nothing
    priority: int = Field(default=3, ge=1, le=5)  # 5 = most urgent
    reason: str = Field(min_length=1)  # plain Chinese, with {placeholders}
    offer_human: bool = False  # the bot answers and offers a human
    answer_first: bool = False  # send the knowledge answer before handing over
    alert: bool = False  # notify supervisors

    @model_validator(mode="after")
    def _queue_has_skills(self) -> Rule:
        if self.route == "queue" and not (self.skills or self.fallback_skills):
            raise ValueError("a queue route needs skills or fallback_skills")
        if self.route != "queue" and self.skills:
            raise ValueError("skills only apply to route: queue")
        return self


class IntentWords(BaseModel):
    """Keywords of one intent, for guessing it without Rasa."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: list[str] = Field(min_length=1)
    exclude: list[str] = []  # phrases that do not count (人工智能 is not 人工)


class IdentityLabel(BaseModel):
    """How a tag is named in reasons, e.g. ``member_gold`` -> 金卡会员."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tag: str
    label: str


class Policy(BaseModel):
    """The whole policy file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal[1] = 1
    identity: list[IdentityLabel]
    anonymous: str = "访客"
    category_skills: dict[str, str] = {}
    priority_boost: dict[str, int] = {}  # tag -> added to a queued request's priority
    urgent_at: float = Field(default=0.6, ge=0, le=1)  # urgency from which priority +1
    intents: dict[str, IntentWords] = {}  # checked in this order; the first found wins
    scenes: dict[str, SceneWords] = {}  # what words reveal, whoever says them
    rules: list[Rule] = Field(min_length=1)

    @model_validator(mode="after")
    def _shape(self) -> Policy:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {', '.join(dupes)}")
        named = {s for r in self.rules for c in (r.when, r.unless) if c for s in c.scene or []}
        if named - set(self.scenes):
            raise ValueError(f"unknown scenes: {', '.join(sorted(named - set(self.scenes)))}")
        if not self.rules[-1].when.empty or self.rules[-1].unless is not None:
            raise ValueError("the last rule must have no conditions (it catches everything)")
        return self
