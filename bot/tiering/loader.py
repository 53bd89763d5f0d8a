"""Load and check ``knowledge/tier_policy.yml``; problems are reported with file, line, field."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.schema import KNOWN_TAGS
from bot.knowledge.yamlsource import YamlDoc, field_path, parse_yaml
from bot.tiering.schema import SKILL_PLACEHOLDERS, Conditions, Policy

POLICY_FILE = "tier_policy.yml"


def load_skills(knowledge_dir: Path) -> dict[str, str]:
    """Skill id -> Chinese name: ``skills.yml`` plus the product lines of ``catalog.yml``."""
    skills = yaml.safe_load((knowledge_dir / "skills.yml").read_text(encoding="utf-8")) or {}
    names = {str(k): str(v) for k, v in (skills.get("skills") or {}).items()}
    catalog = yaml.safe_load((knowledge_dir / "catalog.yml").read_text(encoding="utf-8")) or {}
    for line, spec in (catalog.get("product_lines") or {}).items():
        # "游戏本（逐影 Raptor 系列）" -> "游戏本": reasons stay short.
        names.setdefault(str(line), str((spec or {}).get("name", line)).split("（")[0])
    return names


def load_policy(
    path: Path,
    skills: dict[str, str],
    product_lines: set[str],
    question_ids: set[str] | None = None,
) -> Policy:
    """Read and check a policy file.

    Args:
        path: the YAML file.
        skills: known skill ids (see `load_skills`).
        product_lines: product-line ids of the catalogue (for ``owner_<line>`` tags).
        question_ids: ids of the knowledge base, to check ``question:`` conditions (optional).

    Raises:
        KnowledgeError: every problem, each with file, line and field.
    """
    rel = path.name
    issues: list[Issue] = []
    doc = parse_yaml(path, rel, issues)
    if doc is None:
        raise KnowledgeError(issues)
    try:
        policy = Policy.model_validate(doc.data or {})
    except ValidationError as err:
        for e in err.errors():
            loc = tuple(e["loc"])
            issues.append(Issue(rel, doc.line(loc), field_path(loc) or "-", _msg(e)))
        raise KnowledgeError(issues) from None
    issues += _references(policy, doc, skills, product_lines, question_ids)
    if issues:
        raise KnowledgeError(issues)
    return policy


def _msg(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def _references(
    policy: Policy,
    doc: YamlDoc,
    skills: dict[str, str],
    lines: set[str],
    question_ids: set[str] | None,
) -> list[Issue]:
    issues: list[Issue] = []

    def bad(loc: tuple[Any, ...], message: str) -> None:
        issues.append(Issue(doc.file, doc.line(loc), field_path(loc), message))

    def tag_ok(tag: str) -> bool:
        return tag in KNOWN_TAGS or (tag.startswith("owner_") and tag[6:] in lines)

    for i, item in enumerate(policy.identity):
        if not tag_ok(item.tag):
            bad(("identity", i, "tag"), f"unknown customer tag {item.tag!r}")
    for tag in policy.priority_boost:
        if not tag_ok(tag):
            bad(("priority_boost", tag), f"unknown customer tag {tag!r}")
    for category, skill in policy.category_skills.items():
        if skill not in skills:
            bad(("category_skills", category), f"unknown skill {skill!r} (see skills.yml)")
    for i, rule in enumerate(policy.rules):
        for key in ("skills", "fallback_skills"):
            for j, skill in enumerate(getattr(rule, key)):
                if skill not in skills and skill not in SKILL_PLACEHOLDERS:
                    bad(("rules", i, key, j), f"unknown skill {skill!r} (see skills.yml)")
        for part, cond in (("when", rule.when), ("unless", rule.unless)):
            for loc, tag in _tags(cond):
                if not tag_ok(tag):
                    bad(("rules", i, part, *loc), f"unknown customer tag {tag!r}")
            if cond is not None and cond.question and question_ids is not None:
                for j, qid in enumerate(cond.question):
                    if qid not in question_ids:
                        bad(("rules", i, part, "question", j), f"no standard question {qid!r}")
        try:
            rule.reason.format_map(_Placeholders())
        except (KeyError, ValueError, IndexError) as err:
            bad(("rules", i, "reason"), f"bad placeholder in reason: {err}")
    return issues


def _tags(cond: Conditions | None) -> Iterator[tuple[tuple[Any, ...], str]]:
    if cond is None:
        return
    for key in ("tags_any", "tags_all", "tags_none"):
        for j, tag in enumerate(getattr(cond, key) or []):
            yield (key, j), tag


class _Placeholders(dict[str, str]):
    """Accepts exactly the placeholders `bot.tiering.engine` fills in."""

    NAMES = frozenset(
        {
            "identity",
            "skills",
            "question",
            "category",
            "product",
            "risk",
            "trough",
            "negative",
            "contacts",
            "failed",
            "unsolved",
            "tier",
            "intent",
        }
    )

    def __missing__(self, key: str) -> str:
        if key not in self.NAMES:
            raise KeyError(f"{{{key}}} (known: {', '.join(sorted(self.NAMES))})")
        return ""
