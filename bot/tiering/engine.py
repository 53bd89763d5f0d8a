"""The tier engine: the first rule of the policy whose conditions hold decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.nlp.trajectory import TROUGH_LABELS
from bot.tiering.inputs import TierInputs
from bot.tiering.loader import POLICY_FILE, load_policy, load_skills
from bot.tiering.schema import Conditions, Policy, Route, Rule

INTENT_LABELS = {
    "request_human": "要求人工",
    "complaint": "投诉",
    "purchase_intent": "购买意向",
}


class TierDecision(BaseModel):
    """Where one request goes, and why."""

    model_config = ConfigDict(frozen=True)

    tier: int  # 1-5, see DESIGN.md
    route: str  # bot | diagnosis | queue:<skill,...>
    kind: Route  # bot | diagnosis | queue
    skills: list[str]  # engineer skills a queued request needs
    priority: int  # 1-5, 5 = most urgent
    reason: str  # plain Chinese, e.g. 金卡会员 + 购买意向 -> 第4级，转选购顾问
    rule: str  # id of the rule that fired
    offer_human: bool = False
    answer_first: bool = False
    alert: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; includes the contract's ``tier``, ``route`` and ``reason``."""
        return self.model_dump(mode="json")


class TierEngine:
    """Evaluates a policy.

    Args:
        policy: a checked policy (`load_policy`).
        skill_names: skill id -> Chinese name, for reasons.
    """

    def __init__(self, policy: Policy, skill_names: dict[str, str]) -> None:
        self.policy = policy
        self.skill_names = skill_names

    @classmethod
    def from_dir(cls, knowledge_dir: Path, question_ids: set[str] | None = None) -> TierEngine:
        """Load ``tier_policy.yml`` with ``skills.yml`` and the catalogue's product lines."""
        skills = load_skills(knowledge_dir)
        lines = {k for k in skills if k in _catalog_lines(knowledge_dir)}
        policy = load_policy(knowledge_dir / POLICY_FILE, skills, lines, question_ids)
        return cls(policy, skills)

    def evaluate(self, inputs: TierInputs) -> TierDecision:
        """The decision for one request (the last rule always fires)."""
        identity = inputs.identity or self.identity(inputs)
        inputs = inputs.model_copy(update={"identity": identity})
        for rule in self.policy.rules:
            if matches(rule.when, inputs) and not (rule.unless and matches(rule.unless, inputs)):
                return self._decide(rule, inputs)
        raise AssertionError("the policy's last rule has no conditions")  # checked at load

    def identity(self, inputs: TierInputs) -> str:
        """How the customer is named in reasons: the first identity label whose tag they have."""
        tags = set(inputs.tags)
        for item in self.policy.identity:
            if item.tag in tags:
                return item.label
        return self.policy.anonymous

    def _decide(self, rule: Rule, inputs: TierInputs) -> TierDecision:
        skills = self._skills(rule.skills, inputs) or self._skills(rule.fallback_skills, inputs)
        priority = rule.priority
        if rule.route == "queue":
            priority += max([self.policy.priority_boost.get(t, 0) for t in inputs.tags] or [0])
            priority += 1 if inputs.urgency >= self.policy.urgent_at else 0
        route = f"queue:{','.join(skills)}" if rule.route == "queue" else rule.route
        values = {
            "identity": inputs.identity or "",
            "skills": "、".join(self.skill_names.get(s, s) for s in skills),
            "question": inputs.question_title or "",
            "category": inputs.category or "",
            "product": self.skill_names.get(inputs.product_line or "", ""),
            "risk": "、".join(inputs.risk_words),
            "trough": TROUGH_LABELS.get(inputs.trough or "", ""),
            "negative": f"{inputs.negative:.2f}",
            "contacts": str(inputs.contacts_7d),
            "failed": str(inputs.failed_matches),
            "unsolved": str(inputs.unsolved),
            "tier": str(rule.tier),
            "intent": INTENT_LABELS.get(inputs.intent or "", inputs.intent or ""),
        }
        return TierDecision(
            tier=rule.tier,
            route=route,
            kind=rule.route,
            skills=skills,
            priority=min(priority, 5),
            reason=rule.reason.format_map(values),
            rule=rule.id,
            offer_human=rule.offer_human,
            answer_first=rule.answer_first,
            alert=rule.alert,
        )

    def _skills(self, wanted: list[str], inputs: TierInputs) -> list[str]:
        out: list[str] = []
        for skill in wanted:
            if skill == "$product":
                out += [inputs.product_line] if inputs.product_line else []
            elif skill == "$question":
                out += inputs.question_products
            elif skill == "$diagnosis":
                out += inputs.diagnosis_skills
            elif skill == "$category":
                found = self.policy.category_skills.get(inputs.category or "")
                out += [found] if found else []
            else:
                out.append(skill)
        return list(dict.fromkeys(s for s in out if s in self.skill_names))


def matches(cond: Conditions, x: TierInputs) -> bool:
    """Whether every condition given in `cond` holds for `x`."""
    tags = set(x.tags)
    checks = (
        cond.intent is None or x.intent in cond.intent,
        cond.decision is None or x.decision in cond.decision,
        cond.question_tier is None or x.question_tier in cond.question_tier,
        cond.category is None or x.category in cond.category,
        cond.question is None or x.question_id in cond.question,
        cond.tags_any is None or bool(tags & set(cond.tags_any)),
        cond.tags_all is None or set(cond.tags_all) <= tags,
        cond.tags_none is None or not tags & set(cond.tags_none),
        cond.identified is None or x.identified == cond.identified,
        cond.has_tree is None or x.has_tree == cond.has_tree,
        cond.risk is None or bool(x.risk_words) == cond.risk,
        cond.trough is None or (x.trough is not None) == cond.trough,
        cond.diagnosis is None or x.diagnosis in cond.diagnosis,
        cond.entities_any is None or bool(set(x.entities) & set(cond.entities_any)),
        cond.scene is None or bool(set(x.scenes) & set(cond.scene)),
        all(getattr(x, k) >= v for k, v in cond.at_least.items()),
        all(getattr(x, k) < v for k, v in cond.below.items()),
    )
    return all(checks)


def _catalog_lines(knowledge_dir: Path) -> set[str]:
    import yaml

    catalog = yaml.safe_load((knowledge_dir / "catalog.yml").read_text(encoding="utf-8")) or {}
    return set((catalog.get("product_lines") or {}).keys())
