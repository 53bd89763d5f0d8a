"""A broken policy file is refused with file, line and field of every problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.errors import KnowledgeError
from bot.tiering.loader import load_policy, load_skills
from tests.tiering.conftest import KNOWLEDGE

SHIPPED = (KNOWLEDGE / "tier_policy.yml").read_text(encoding="utf-8")
LINES = {"book", "raptor", "desktop", "pad", "phone", "accessory"}


def _load(tmp_path: Path, text: str, question_ids: set[str] | None = None) -> None:
    path = tmp_path / "tier_policy.yml"
    path.write_text(text, encoding="utf-8")
    load_policy(path, load_skills(KNOWLEDGE), LINES, question_ids)


def _line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def _errors(tmp_path: Path, text: str, question_ids: set[str] | None = None) -> str:
    with pytest.raises(KnowledgeError) as err:
        _load(tmp_path, text, question_ids)
    return str(err.value)


class TestLoader:
    def test_run_shipped_policy_loads(self, tmp_path: Path) -> None:
        _load(tmp_path, SHIPPED)

    def test_run_unknown_skill(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("skills: [complaint, senior]", "skills: [complaint, seniour]", 1)
        line = _line_of(text, "seniour")
        assert f"tier_policy.yml:{line}: rules[0].skills[1]: unknown skill 'seniour'" in _errors(
            tmp_path, text
        )

    def test_run_unknown_tag(self, tmp_path: Path) -> None:
        text = SHIPPED.replace(
            "tags_any: [member_black, member_gold]}", "tags_any: [member_gold_card]}", 1
        )
        line = _line_of(text, "member_gold_card")
        msg = _errors(tmp_path, text)
        assert (
            f"tier_policy.yml:{line}: " in msg and "unknown customer tag 'member_gold_card'" in msg
        )

    def test_run_bad_tier_and_unknown_key(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("    tier: 5\n", "    tier: 7\n", 1).replace(
            "    priority: 5\n", "    prio: 5\n", 1
        )
        msg = _errors(tmp_path, text)
        assert f":{_line_of(text, 'tier: 7')}: rules[0].tier: Input should be less than" in msg
        assert f":{_line_of(text, 'prio: 5')}: rules[0].prio: Extra inputs are not permitted" in msg

    def test_run_unknown_numeric_input(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("at_least: {unsolved: 2}", "at_least: {tries: 2}", 1)
        assert "rules[6].when.at_least.tries" in _errors(tmp_path, text)

    def test_run_last_rule_must_catch_all(self, tmp_path: Path) -> None:
        text = SHIPPED.replace(
            "  - id: default\n", "  - id: default\n    when: {decision: [none]}\n"
        )
        assert "the last rule must have no conditions" in _errors(tmp_path, text)

    def test_run_bad_placeholder(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("-> 第4级，转选购顾问", "-> 第4级，转{advisor}", 1)
        line = _line_of(text, "{advisor}")
        assert f":{line}: rules[" in _errors(tmp_path, text) and "{advisor}" in _errors(
            tmp_path, text
        )

    def test_run_queue_needs_skills(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("    skills: [complaint]\n", "", 1)
        assert "a queue route needs skills" in _errors(tmp_path, text)

    def test_run_unknown_question(self, tmp_path: Path) -> None:
        assert "no standard question 'service-004'" in _errors(
            tmp_path, SHIPPED, {"service-001", "service-002", "service-003"}
        )

    def test_run_yaml_syntax_error(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("version: 1\n", "version: [1\n", 1)
        assert "YAML syntax error" in _errors(tmp_path, text)

    def test_run_duplicate_rule_ids(self, tmp_path: Path) -> None:
        text = SHIPPED.replace("  - id: emotion_trough\n", "  - id: risk_words\n", 1)
        assert "duplicate rule ids: risk_words" in _errors(tmp_path, text)
