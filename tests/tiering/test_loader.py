"""A broken policy file is refused with file, line and field of every problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.knowledge.errors import KnowledgeError
from bot.tiering.loader import load_policy, load_skills
from bot.tiering.schema import Conditions, Policy
from tests.tiering.conftest import KNOWLEDGE

SHIPPED = (KNOWLEDGE / "tier_policy.yml").read_text(encoding="utf-8")
LINES = {"book", "raptor", "desktop", "pad", "phone", "accessory"}


def _load(tmp_path: Path, text: str, question_ids: set[str] | None = None) -> Policy:
    path = tmp_path / "tier_policy.yml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path, load_skills(KNOWLEDGE), LINES, question_ids)


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def _errors(tmp_path: Path, text: str, question_ids: set[str] | None = None) -> str:
    with pytest.raises(KnowledgeError) as err:
        _load(tmp_path, text, question_ids)
    return str(err.value)


class TestLoader:
    def test_shipped_policy_loads_with_a_catch_all_last_rule(self, tmp_path: Path) -> None:
        policy = _load(tmp_path, SHIPPED)
        assert [r.id for r in policy.rules] == [r["id"] for r in yaml.safe_load(SHIPPED)["rules"]]
        first, last = policy.rules[0], policy.rules[-1]
        assert (first.id, first.tier, first.route) == ("risk_words", 5, "queue")
        assert last.when == Conditions() and last.unless is None

    def test_unknown_skill_is_named_with_its_line(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("skills: [complaint, senior]", "skills: [complaint, seniour]", 1)
        line = _line_of(text, "seniour")
        assert f"tier_policy.yml:{line}: rules[0].skills[1]: unknown skill 'seniour'" in _errors(
            tmp_path, text
        )

    def test_unknown_tag_is_named_with_its_line(self, tmp_path: Path) -> None:
        text = SHIPPED.replace(
            "tags_any: [member_black, member_gold]}", "tags_any: [member_gold_card]}", 1
        )
        line = _line_of(text, "member_gold_card")
        msg = _errors(tmp_path, text)
        assert (
            f"tier_policy.yml:{line}: " in msg and "unknown customer tag 'member_gold_card'" in msg
        )

    def test_bad_tier_and_unknown_key(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("    tier: 5\n", "    tier: 7\n", 1).replace(
            "    priority: 5\n", "    prio: 5\n", 1
        )
        msg = _errors(tmp_path, text)
        assert f":{_line_of(text, 'tier: 7')}: rules[0].tier: Input should be less than" in msg
        assert f":{_line_of(text, 'prio: 5')}: rules[0].prio: Extra inputs are not permitted" in msg

    def test_unknown_numeric_input_is_named(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("at_least: {unsolved: 2}", "at_least: {tries: 2}", 1)
        index = next(i for i, r in enumerate(policy_rules()) if r.get("id") == "repeated_unsolved")
        assert f"rules[{index}].when.at_least.tries" in _errors(tmp_path, text)

    def test_last_rule_must_catch_all(self, tmp_path: Path) -> None:
        text = SHIPPED.replace(
            "  - id: default\n", "  - id: default\n    when: {decision: [none]}\n"
        )
        assert "the last rule must have no conditions" in _errors(tmp_path, text)

    def test_unknown_placeholder_in_a_reason_is_named(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("-> 第4级，转选购顾问", "-> 第4级，转{advisor}", 1)
        line = _line_of(text, "{advisor}")
        assert f":{line}: rules[" in _errors(tmp_path, text) and "{advisor}" in _errors(
            tmp_path, text
        )

    def test_queue_route_without_skills_is_refused(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("    skills: [complaint]\n", "", 1)
        assert "a queue route needs skills" in _errors(tmp_path, text)

    def test_rule_naming_an_unknown_question_is_refused(self, tmp_path: Path) -> None:
        assert "no standard question 'service-004'" in _errors(
            tmp_path, SHIPPED, {"service-001", "service-002", "service-003"}
        )

    def test_yaml_syntax_error_is_reported(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("version: 1\n", "version: [1\n", 1)
        assert "YAML syntax error" in _errors(tmp_path, text)

    def test_duplicate_rule_ids_are_refused(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("  - id: emotion_trough\n", "  - id: risk_words\n", 1)
        assert "duplicate rule ids: risk_words" in _errors(tmp_path, text)


def policy_rules() -> list[dict]:
    """The shipped policy's rules, in order."""
    return list(yaml.safe_load(SHIPPED)["rules"])
