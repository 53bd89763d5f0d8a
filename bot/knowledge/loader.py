"""Load and validate a knowledge base: a `knowledge/` directory or a flat JSONL file.

Every file is checked and every problem is reported at once (file, line, field, message);
a base with any error raises `KnowledgeError` and nothing of it is returned, so a broken edit
can never go live half-loaded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.knowledge.errors import Issue, KnowledgeError
from bot.knowledge.schema import DictWord, KnowledgeBase, StandardQuestion
from bot.knowledge.yamlsource import YamlDoc, field_path, parse_yaml

_QUESTION_KEYS = {"category", "questions"}


def load_knowledge(path: str | Path) -> KnowledgeBase:
    """Load and validate a knowledge base.

    Args:
        path: a ``knowledge/`` directory (catalog.yml, faq/*.yml, synonyms.yml,
            dictionary.txt) or a JSONL file of ``{"id", "question", "similar", "answer"}``.

    Returns:
        The validated knowledge base.

    Raises:
        KnowledgeError: listing every problem found; nothing is returned half-loaded.
    """
    path = Path(path)
    if path.is_dir():
        return _load_dir(path)
    if path.is_file():
        return _load_jsonl(path)
    raise KnowledgeError([Issue(str(path), None, "", "no such file or directory")])


def _load_dir(root: Path) -> KnowledgeBase:
    issues: list[Issue] = []
    catalog = _load_catalog(root / "catalog.yml", root, issues)
    product_ids = set((catalog.get("product_lines") or {}).keys()) if catalog else None
    context = {"product_ids": product_ids, "strict": True}
    questions: dict[str, StandardQuestion] = {}
    where: dict[str, str] = {}
    files = sorted((root / "faq").glob("*.yml")) + sorted((root / "faq").glob("*.yaml"))
    for file in files:
        for question, qline, rel in _load_category(file, root, context, issues):
            if question.id in questions:
                issues.append(
                    Issue(
                        rel,
                        qline,
                        "id",
                        f"duplicate id {question.id!r}, first defined at {where[question.id]}",
                    )
                )
                continue
            questions[question.id] = question
            where[question.id] = f"{rel}:{qline}"
    if not files:
        issues.append(Issue(_rel(root / "faq", root), None, "", "no category files (faq/*.yml)"))
    synonyms = _load_synonyms(root / "synonyms.yml", root, issues)
    dictionary = _load_dictionary(root / "dictionary.txt", root, issues)
    outside = _load_scope(root / "scope.yml", root, issues)
    negatives = _load_negatives(root / "negatives.yml", root, issues)
    if issues:
        raise KnowledgeError(issues)
    return KnowledgeBase(
        questions=questions,
        catalog=catalog or {},
        synonyms=synonyms,
        dictionary=dictionary,
        outside=outside,
        negatives=negatives,
        warnings=overlaps(questions) + _missing_trees(root, questions),
    )


def _missing_trees(root: Path, questions: dict[str, StandardQuestion]) -> list[str]:
    """Links to trees that do not exist. Not an error: unpublishing a tree must not take the
    whole base down; such a question is answered with its text until the tree is back."""
    trees = {p.stem for p in (root / "diagnosis").glob("*.yml") if not p.name.startswith("_")}
    return [
        f"{q.id}: diagnosis tree {q.tree!r} does not exist, its answer text is shown instead"
        for q in questions.values()
        if q.tree and q.tree not in trees
    ]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _load_catalog(file: Path, root: Path, issues: list[Issue]) -> dict[str, Any] | None:
    if not file.exists():
        return None  # product ids are then not checked
    doc = parse_yaml(file, _rel(file, root), issues)
    if doc is None:
        return None
    if not isinstance(doc.data, dict) or not isinstance(doc.data.get("product_lines"), dict):
        issues.append(Issue(doc.file, doc.line(()), "product_lines", "must be a mapping"))
        return None
    return doc.data


def _load_category(
    file: Path, root: Path, context: dict[str, Any], issues: list[Issue]
) -> list[tuple[StandardQuestion, int | None, str]]:
    rel = _rel(file, root)
    doc = parse_yaml(file, rel, issues)
    if doc is None:
        return []
    data = doc.data
    if not isinstance(data, dict):
        issues.append(Issue(rel, doc.line(()), "", "must be a mapping with category and questions"))
        return []
    for key in set(data) - _QUESTION_KEYS:
        issues.append(Issue(rel, doc.line((key,)), str(key), "unknown key"))
    category = data.get("category")
    if not isinstance(category, str) or not category.strip():
        issues.append(Issue(rel, doc.line(("category",)), "category", "must be a non-empty text"))
        category = ""
    raw = data.get("questions")
    if not isinstance(raw, list) or not raw:
        issues.append(Issue(rel, doc.line(("questions",)), "questions", "must be a non-empty list"))
        return []
    out = []
    for i, item in enumerate(raw):
        base = ("questions", i)
        if not isinstance(item, dict):
            issues.append(Issue(rel, doc.line(base), field_path(base), "must be a mapping"))
            continue
        try:
            question = StandardQuestion.model_validate(
                {**item, "category": category}, context=context
            )
        except ValidationError as err:
            issues.extend(_issues_from(err, doc, base, item.get("id")))
            continue
        out.append((question, doc.line(base), rel))
    return out


def _issues_from(
    err: ValidationError, doc: YamlDoc, base: tuple[Any, ...], qid: Any
) -> list[Issue]:
    found = []
    for e in err.errors():
        loc = base + tuple(e["loc"])
        message = str(e["msg"]).removeprefix("Value error, ")
        if isinstance(qid, str) and qid:
            message = f"{qid}: {message}"
        found.append(Issue(doc.file, doc.line(loc), field_path(loc), message))
    return found


def _load_synonyms(file: Path, root: Path, issues: list[Issue]) -> list[list[str]]:
    if not file.exists():
        return []
    doc = parse_yaml(file, _rel(file, root), issues)
    if doc is None:
        return []
    groups_raw = doc.data.get("groups") if isinstance(doc.data, dict) else None
    if not isinstance(groups_raw, list):
        issues.append(Issue(doc.file, doc.line(()), "groups", "must be a list of synonym groups"))
        return []
    groups: list[list[str]] = []
    owner: dict[str, int] = {}
    for i, raw in enumerate(groups_raw):
        loc = ("groups", i)
        phrases = raw.split("=") if isinstance(raw, str) else raw
        if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
            issues.append(
                Issue(doc.file, doc.line(loc), field_path(loc), "must be 'a = b = c' or a list")
            )
            continue
        phrases = [p.strip().lower() for p in phrases if p.strip()]
        if len(phrases) < 2:
            issues.append(
                Issue(doc.file, doc.line(loc), field_path(loc), "needs at least 2 phrases")
            )
            continue
        for phrase in phrases:
            if phrase in owner:
                issues.append(
                    Issue(
                        doc.file,
                        doc.line(loc),
                        field_path(loc),
                        f"{phrase!r} is already in group {owner[phrase]}",
                    )
                )
            owner[phrase] = i
        groups.append(phrases)
    return groups


def _optional_yaml(file: Path, root: Path, issues: list[Issue]) -> YamlDoc | None:
    """A support file that may be absent or empty (None then, or when it does not parse)."""
    if not file.exists():
        return None
    doc = parse_yaml(file, _rel(file, root), issues)
    return None if doc is None or doc.data is None else doc


def _load_scope(file: Path, root: Path, issues: list[Issue]) -> list[str]:
    """Words of scope.yml: lists of strings under any top-level key (brands, products, ...)."""
    doc = _optional_yaml(file, root, issues)
    if doc is None:
        return []
    if not isinstance(doc.data, dict):
        issues.append(Issue(doc.file, doc.line(()), "", "must map list names to lists of words"))
        return []
    words: list[str] = []
    for key, values in doc.data.items():
        if not isinstance(values, list):
            issues.append(Issue(doc.file, doc.line((key,)), str(key), "must be a list of words"))
            continue
        for i, value in enumerate(values):
            loc = (key, i)
            if not isinstance(value, str | int) or not str(value).strip():
                issues.append(
                    Issue(doc.file, doc.line(loc), field_path(loc), "must be a non-empty word")
                )
                continue
            words.append(str(value).strip().lower())
    return list(dict.fromkeys(words))


MAX_NEGATIVE_CHARS = 300


def _load_negatives(file: Path, root: Path, issues: list[Issue]) -> list[str]:
    """Messages of negatives.yml: a list of strings under ``negatives``."""
    doc = _optional_yaml(file, root, issues)
    if doc is None:
        return []
    values = doc.data.get("negatives") if isinstance(doc.data, dict) else None
    if not isinstance(values, list):
        issues.append(Issue(doc.file, doc.line(()), "negatives", "must be a list of messages"))
        return []
    messages: list[str] = []
    for i, value in enumerate(values):
        loc = ("negatives", i)
        text = str(value).strip() if isinstance(value, str | int | float) else ""
        if not text:
            issues.append(
                Issue(doc.file, doc.line(loc), field_path(loc), "must be a non-empty message")
            )
        elif len(text) > MAX_NEGATIVE_CHARS:
            issues.append(
                Issue(
                    doc.file,
                    doc.line(loc),
                    field_path(loc),
                    f"longer than {MAX_NEGATIVE_CHARS} characters",
                )
            )
        else:
            messages.append(text)
    return list(dict.fromkeys(messages))


def _load_dictionary(file: Path, root: Path, issues: list[Issue]) -> list[DictWord]:
    if not file.exists():
        return []
    words = []
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        freq: int | None = None
        tag: str | None = None
        rest = parts[1:]
        if rest and rest[0].isdigit():
            freq, rest = int(rest[0]), rest[1:]
        if rest:
            tag, rest = rest[0], rest[1:]
        if rest:
            issues.append(Issue(_rel(file, root), n, "word", "expected 'word [freq] [pos]'"))
            continue
        words.append(DictWord(word=parts[0], freq=freq, tag=tag))
    return words


def overlaps(questions: dict[str, StandardQuestion]) -> list[str]:
    """Phrasings shared by two questions: a warning, not an error (a phrasing under two
    questions cannot be matched reliably; editors should see it, but it does not block)."""
    owner: dict[str, str] = {}
    warnings = []
    for q in questions.values():
        for text in q.phrasings:
            key = "".join(text.lower().split())
            if key in owner and owner[key] != q.id:
                warnings.append(f"{q.id}: phrasing {text!r} also belongs to {owner[key]}")
            owner.setdefault(key, q.id)
    return warnings


def _load_jsonl(file: Path) -> KnowledgeBase:
    issues: list[Issue] = []
    questions: dict[str, StandardQuestion] = {}
    name = str(file)
    for n, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as err:
            issues.append(Issue(name, n, "", f"invalid JSON: {err.msg}"))
            continue
        if not isinstance(row, dict):
            issues.append(Issue(name, n, "", "each line must be a JSON object"))
            continue
        data = {
            "id": row.get("id"),
            "title": row.get("question"),
            "similar": row.get("similar") or [],
            "answer": row.get("answer") or "",
            "category": row.get("category") or "",
        }
        try:
            question = StandardQuestion.model_validate(data, context={"strict": False})
        except ValidationError as err:
            for e in err.errors():
                loc = ["question" if x == "title" else x for x in e["loc"]]
                issues.append(
                    Issue(
                        name, n, field_path(tuple(loc)), str(e["msg"]).removeprefix("Value error, ")
                    )
                )
            continue
        if question.id in questions:
            issues.append(Issue(name, n, "id", f"duplicate id {question.id!r}"))
            continue
        questions[question.id] = question
    if not questions and not issues:
        issues.append(Issue(name, None, "", "no questions"))
    if issues:
        raise KnowledgeError(issues)
    return KnowledgeBase(questions=questions, warnings=overlaps(questions))


__all__ = ["Issue", "KnowledgeError", "load_knowledge"]
