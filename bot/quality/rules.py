"""The quality rules (`knowledge/quality_rules.yml`): schema, loading, matching, saving."""

from __future__ import annotations

import re
import threading
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

FILE = "quality_rules.yml"
EMPTY = "severities: {}\nrules: []\n"


class RulesError(ValueError):
    """A rules file that cannot be used, with what is wrong in plain words."""


class Severity(BaseModel):
    """A severity: its name and how many hours a work order of it has."""

    name: str = Field(min_length=1, max_length=20)
    hours: float = Field(gt=0, le=24 * 90)


class Rule(BaseModel):
    """One quality rule (see the file's header for each field)."""

    id: str = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=100)
    who: Literal["customer", "agent"] = "customer"
    kind: Literal["words", "emotion"] = "words"
    words: list[str] = []
    threshold: float = Field(0.8, gt=0, le=1)
    severity: str = "normal"
    work_order: bool = False
    owner: str = Field("queue", pattern=r"^(queue|queue:[\w-]{1,40}|user:[\w.@-]{1,64})$")

    @field_validator("words")
    @classmethod
    def _words(cls, words: list[str]) -> list[str]:
        out = [fold(str(w)).strip() for w in words]
        if any(not w for w in out):
            raise ValueError("关键词不能为空")
        return list(dict.fromkeys(out))

    @model_validator(mode="after")
    def _has_words(self) -> Rule:
        if self.kind == "words" and not self.words:
            raise ValueError(f"规则 {self.id} 没有关键词")
        return self


class RuleBook(BaseModel):
    """The whole file."""

    severities: dict[str, Severity]
    rules: list[Rule]

    @model_validator(mode="after")
    def _consistent(self) -> RuleBook:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("规则编号重复")
        for r in self.rules:
            if r.severity not in self.severities:
                raise ValueError(f"规则 {r.id} 的级别 {r.severity} 未定义")
        return self

    def due_in(self, severity: str) -> timedelta:
        """How long a work order of this severity has."""
        level = self.severities.get(severity) or Severity(name=severity, hours=24)
        return timedelta(hours=level.hours)

    def hits(self, text: str, who: str) -> list[tuple[Rule, list[str]]]:
        """The word rules for `who` that `text` hits, with the words found."""
        folded = fold(text)
        out = []
        for rule in self.rules:
            if rule.kind != "words" or rule.who != who:
                continue
            found = [w for w in rule.words if _pattern(w).search(folded)]
            if found:
                out.append((rule, found))
        return out


def fold(text: str) -> str:
    """Full-width to half-width, lower case (how rules and messages are compared)."""
    return unicodedata.normalize("NFKC", text).lower()


_patterns: dict[str, re.Pattern[str]] = {}


def _pattern(word: str) -> re.Pattern[str]:
    # Numbers match whole ("315" is not in "3150元"); other words anywhere.
    if word not in _patterns:
        body = re.escape(word)
        if word[:1].isdigit():
            body = rf"(?<!\d){body}"
        if word[-1:].isdigit():
            body = rf"{body}(?!\d)"
        _patterns[word] = re.compile(body)
    return _patterns[word]


def parse(text: str) -> RuleBook:
    """A rule book from YAML text; `RulesError` saying what is wrong."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列附近" if mark else "某处"
        raise RulesError(f"YAML 格式有误：{where}的括号、引号或缩进不配对，请检查") from exc
    if not isinstance(data, dict):
        raise RulesError("规则文件应为一个映射（severities 与 rules）")
    try:
        return RuleBook.model_validate(data)
    except ValidationError as exc:
        parts = [f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors()]
        raise RulesError("；".join(parts)) from exc


class RuleStore:
    """The rules file of the knowledge directory, read once and again after every save.

    Args:
        root: the knowledge directory.
    """

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / FILE
        self._lock = threading.Lock()
        self._book: RuleBook | None = None
        self._mtime = 0.0

    def book(self) -> RuleBook:
        """The rules in force (reread when the file changed on disk)."""
        mtime = self.path.stat().st_mtime if self.path.exists() else 0.0
        with self._lock:
            if self._book is None or mtime != self._mtime:
                text = (
                    self.path.read_text(encoding="utf-8") if mtime else "severities: {}\nrules: []"
                )
                self._book, self._mtime = parse(text), mtime
            return self._book

    def text(self) -> str:
        """The file as it is."""
        return self.path.read_text(encoding="utf-8") if self.path.exists() else ""

    def save(self, text: str) -> RuleBook:
        """Check and write new rules; nothing is written when they are wrong."""
        book = parse(text)
        with self._lock:
            tmp = self.path.with_suffix(".yml.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(self.path)
            self._book, self._mtime = book, self.path.stat().st_mtime
        return book

    def describe(self) -> dict[str, Any]:
        """Rules and severities as JSON."""
        book = self.book()
        return {
            "severities": {k: v.model_dump() for k, v in book.severities.items()},
            "rules": [r.model_dump() for r in book.rules],
        }
