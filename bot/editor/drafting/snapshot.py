"""A whole editable knowledge state as plain JSON, stored per version and built into live objects.

A snapshot holds what the editor edits (standard questions, which are disabled, diagnosis
trees) and what they depend on but the editor does not edit (catalogue, synonyms, dictionary,
the trees' shared controls, skills), parsed and as the original file text, so an export writes
the same files back.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from bot.diagnosis.schema import Controls, DiagnosisBook, Tree
from bot.editor.catalog.questions import check_question
from bot.editor.catalog.trees import check_tree
from bot.editor.errors import Problem, invalid
from bot.knowledge.loader import overlaps
from bot.knowledge.schema import DictWord, KnowledgeBase, StandardQuestion

FORMAT = 1


@dataclass
class Support:
    """The files questions and trees depend on: parsed, plus their text for export."""

    catalog: dict[str, Any] = field(default_factory=dict)
    synonyms: list[list[str]] = field(default_factory=list)
    dictionary: list[dict[str, Any]] = field(default_factory=list)
    controls: dict[str, Any] | None = None
    skill_names: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # relative path -> original text
    outside: list[str] = field(default_factory=list)  # scope.yml words
    negatives: list[str] = field(default_factory=list)  # negatives.yml messages


@dataclass
class Snapshot:
    """Questions, disabled ids, trees, support files, and the original text of the files.

    `sources` keeps the text of every faq and tree file as read, with a hash of the items it
    held, so an export of unchanged items writes the original text (comments included).
    """

    questions: dict[str, dict[str, Any]] = field(default_factory=dict)
    disabled: set[str] = field(default_factory=set)
    trees: dict[str, dict[str, Any]] = field(default_factory=dict)
    support: Support = field(default_factory=Support)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # path -> {text, hash, ...}

    @property
    def product_ids(self) -> set[str]:
        """Product-line ids of the catalogue."""
        return set((self.support.catalog.get("product_lines") or {}).keys())

    @property
    def skills(self) -> set[str] | None:
        """Known skill ids (None = not checked, as the loader does without skills.yml)."""
        if "skills.yml" not in self.support.files:
            return None
        return set(self.support.skill_names) | self.product_ids

    def categories(self) -> dict[str, str]:
        """Category name -> file slug, in file order."""
        out: dict[str, str] = {}
        for qid, q in self.questions.items():
            out.setdefault(q.get("category", ""), qid.rsplit("-", 1)[0])
        return out

    def copy(self) -> Snapshot:
        """A copy to apply changes to. Items (one question, one tree) are never changed in
        place, only replaced, so the containers are copied and the items shared."""
        return Snapshot(
            questions=dict(self.questions),
            disabled=set(self.disabled),
            trees=dict(self.trees),
            support=self.support,
            sources=dict(self.sources),
        )

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form (the stored format)."""
        s = self.support
        return {
            "format": FORMAT,
            "questions": self.questions,
            "disabled": sorted(self.disabled),
            "trees": self.trees,
            "support": {
                "catalog": s.catalog,
                "synonyms": s.synonyms,
                "dictionary": s.dictionary,
                "controls": s.controls,
                "skill_names": s.skill_names,
                "files": s.files,
                "outside": s.outside,
                "negatives": s.negatives,
            },
            "sources": self.sources,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        """Read the stored format."""
        if data.get("format") != FORMAT:
            raise ValueError(f"unknown snapshot format {data.get('format')!r}")
        return cls(
            questions=dict(data["questions"]),
            disabled=set(data.get("disabled") or []),
            trees=dict(data.get("trees") or {}),
            support=Support(**data.get("support") or {}),
            sources=dict(data.get("sources") or {}),
        )

    def encode(self) -> bytes:
        """Compressed JSON, for the versions table."""
        raw = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":"))
        return zlib.compress(raw.encode("utf-8"), 1)  # fast: it is on the publish path

    @classmethod
    def decode(cls, blob: bytes) -> Snapshot:
        """Inverse of `encode`."""
        return cls.from_json(json.loads(zlib.decompress(blob).decode("utf-8")))

    def problems(self) -> list[Problem]:
        """Every problem that would keep this snapshot from going live."""
        return self._validate()[2]

    def build(self) -> tuple[KnowledgeBase, DiagnosisBook]:
        """The live objects: enabled questions and all trees.

        Raises:
            EditorError: 422 listing every problem (nothing is built half).
        """
        questions, trees, found = self._validate()
        if found:
            raise invalid(found, "the knowledge has problems")
        missing = [
            f"{q.id}: diagnosis tree {q.tree!r} does not exist, its answer text is shown instead"
            for q in questions.values()
            if q.tree and q.tree not in trees
        ]
        s = self.support
        kb = KnowledgeBase(
            questions=questions,
            catalog=s.catalog,
            synonyms=s.synonyms,
            dictionary=[DictWord.model_validate(w) for w in s.dictionary],
            outside=s.outside,
            negatives=s.negatives,
            warnings=overlaps(questions) + missing,
        )
        controls = Controls.model_validate(s.controls) if s.controls else None
        book = DiagnosisBook(trees=trees, controls=controls, skill_names=s.skill_names)
        return kb, book

    def _validate(self) -> tuple[dict[str, StandardQuestion], dict[str, Tree], list[Problem]]:
        found: list[Problem] = []
        products = self.product_ids or None
        questions: dict[str, StandardQuestion] = {}
        for qid, data in self.questions.items():
            question, problems = check_question(data, products)
            found.extend(problems)
            if question is not None and qid not in self.disabled:
                questions[qid] = question
        trees: dict[str, Tree] = {}
        for tid, data in self.trees.items():
            tree, problems = check_tree(data, products, self.skills)
            found.extend(problems)
            if tree is not None:
                trees[tid] = tree
        if trees and not self.support.controls:
            found.append(Problem("_controls.yml", "", "missing_controls", "no controls", "file"))
        return questions, trees, found
