"""Load and validate the diagnosis trees of a knowledge directory.

Like the standard questions, trees are all-or-nothing: every problem is reported at once with
file, line and field, and a book with any error is never returned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.diagnosis.graph import graph_problems
from bot.diagnosis.reader import phrase_key
from bot.diagnosis.schema import Controls, DiagnosisBook, Tree
from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.yamlsource import YamlDoc, field_path, parse_yaml

CONTROLS_FILE = "_controls.yml"


def tree_files(knowledge_dir: Path) -> list[Path]:
    """The tree files of a knowledge directory (names starting with '_' are not trees)."""
    folder = knowledge_dir / "diagnosis"
    return sorted(p for p in folder.glob("*.yml") if not p.name.startswith("_"))


def load_diagnosis(knowledge_dir: str | Path, product_ids: set[str] | None = None) -> DiagnosisBook:
    """Load `knowledge_dir/diagnosis/`.

    Args:
        knowledge_dir: the knowledge directory.
        product_ids: product-line ids of the catalogue (None = not checked).

    Returns:
        The trees and shared controls; an empty book when there is no diagnosis folder.

    Raises:
        KnowledgeError: listing every problem found.
    """
    root = Path(knowledge_dir)
    files = tree_files(root)
    if not files:
        return DiagnosisBook()
    issues: list[Issue] = []
    controls = _load_controls(root / "diagnosis" / CONTROLS_FILE, root, issues)
    skill_names = _skill_names(root)
    skills = None if skill_names is None else set(skill_names) | (product_ids or set())
    trees: dict[str, Tree] = {}
    for file in files:
        tree = _load_tree(file, root, issues, product_ids, skills)
        if tree is not None:
            trees[tree.id] = tree
    if issues:
        raise KnowledgeError(issues)
    return DiagnosisBook(trees=trees, controls=controls, skill_names=skill_names or {})


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _issues_from(err: ValidationError, doc: YamlDoc, base: tuple[Any, ...]) -> list[Issue]:
    out = []
    for e in err.errors():
        loc = base + tuple(e["loc"])
        out.append(
            Issue(
                doc.file,
                doc.line(loc),
                field_path(loc),
                str(e["msg"]).removeprefix("Value error, "),
            )
        )
    return out


def _load_controls(file: Path, root: Path, issues: list[Issue]) -> Controls | None:
    rel = _rel(file, root)
    if not file.exists():
        issues.append(Issue(rel, None, "", "missing: the shared words of all trees"))
        return None
    doc = parse_yaml(file, rel, issues)
    if doc is None:
        return None
    try:
        return Controls.model_validate(doc.data)
    except ValidationError as err:
        issues.extend(_issues_from(err, doc, ()))
        return None


def _skill_names(root: Path) -> dict[str, str] | None:
    file = root / "skills.yml"
    if not file.exists():
        return None  # skills are then not checked
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (data.get("skills") or {}).items()}


def _load_tree(
    file: Path,
    root: Path,
    issues: list[Issue],
    product_ids: set[str] | None,
    skills: set[str] | None,
) -> Tree | None:
    rel = _rel(file, root)
    doc = parse_yaml(file, rel, issues)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        issues.append(Issue(rel, doc.line(()), "", "must be a mapping (id, title, start, nodes)"))
        return None
    try:
        tree = Tree.model_validate(doc.data)
    except ValidationError as err:
        issues.extend(_issues_from(err, doc, ()))
        return None
    found: list[Issue] = []

    def bad(loc: tuple[Any, ...], message: str) -> None:
        found.append(Issue(rel, doc.line(loc), field_path(loc), message))

    if tree.id != file.stem:
        bad(("id",), f"must equal the file name {file.stem!r}")
    for i, line in enumerate(tree.products):
        if product_ids is not None and line not in product_ids:
            bad(("products", i), f"unknown product line {line!r} (see catalog.yml)")
    for i, skill in enumerate(tree.skills):
        if skills is not None and skill not in skills:
            bad(("skills", i), f"unknown skill {skill!r} (see skills.yml)")
    _check_nodes(tree, bad, skills)
    issues.extend(found)
    return None if found else tree


def _check_nodes(tree: Tree, bad: Any, skills: set[str] | None) -> None:
    index: dict[str, int] = {}
    for i, node in enumerate(tree.nodes):
        if node.id in index:
            bad(("nodes", i, "id"), f"duplicate node id {node.id!r}")
        index.setdefault(node.id, i)
    if tree.start not in index:
        bad(("start",), f"no node {tree.start!r}")
        return
    for i, node in enumerate(tree.nodes):
        seen: dict[str, int] = {}
        for j, option in enumerate(node.options):
            if option.next not in index:
                bad(("nodes", i, "options", j, "next"), f"no node {option.next!r}")
            for phrase in option.phrases:
                key = phrase_key(phrase)
                if not key:
                    bad(("nodes", i, "options", j), f"phrase {phrase!r} is empty once normalized")
                elif seen.get(key, j) != j:
                    bad(
                        ("nodes", i, "options", j),
                        f"{phrase!r} also belongs to option "
                        f"{seen[key] + 1}: a typed answer could not be told apart",
                    )
                seen.setdefault(key, j)
        if node.unsolved and node.unsolved not in index:
            bad(("nodes", i, "unsolved"), f"no node {node.unsolved!r}")
        if node.escalate and node.escalate.skills and skills is not None:
            for k, skill in enumerate(node.escalate.skills):
                if skill not in skills:
                    bad(("nodes", i, "escalate", "skills", k), f"unknown skill {skill!r}")
    for problem in graph_problems(tree):
        i = index[problem.node]
        bad(("nodes", i) if problem.kind == "loop" else ("nodes", i, "id"), problem.message)
