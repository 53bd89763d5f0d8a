"""YAML parsing that remembers the line of every field, for `file:line: field` reports."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.errors import Issue

# libyaml is ~10x faster; its marks carry lines just the same.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Loc = tuple[Any, ...]


class YamlLimitExceeded(Exception):
    """Untrusted YAML over a bound of its `YamlBudget`; the message names the limit."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(message)
        self.file = file
        self.message = message


@dataclass
class YamlBudget:
    """Bounds on parsing untrusted YAML (an import): per-file size, nodes over all files
    (aliases counted at every use, so an alias bomb is caught) and time."""

    max_file_bytes: int
    max_nodes: int
    max_seconds: float
    nodes: int = 0
    started: float = field(default_factory=time.monotonic)

    def check_size(self, file: str, size: int) -> None:
        if size > self.max_file_bytes:
            raise YamlLimitExceeded(
                file, f"{size} bytes, over the limit of {self.max_file_bytes} bytes per file"
            )

    def check_time(self, file: str) -> None:
        if time.monotonic() - self.started > self.max_seconds:
            raise YamlLimitExceeded(
                file, f"parsing took over the limit of {self.max_seconds:g} s per import"
            )

    def count(self, file: str, root: yaml.Node) -> None:
        """Charge the nodes under `root`, stopping as soon as the budget is spent."""
        stack = [root]
        while stack:
            node = stack.pop()
            self.nodes += 1
            if self.nodes > self.max_nodes:
                raise YamlLimitExceeded(
                    file, f"over the limit of {self.max_nodes} YAML nodes per import"
                )
            if self.nodes % 4096 == 0:
                self.check_time(file)
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    stack += (key, value)
            elif isinstance(node, yaml.SequenceNode):
                stack += node.value


_BUDGET: ContextVar[YamlBudget | None] = ContextVar("yaml_budget", default=None)


@contextmanager
def bounded(budget: YamlBudget) -> Iterator[YamlBudget]:
    """Parse every YAML file within `budget` in this block (`parse_yaml` raises
    `YamlLimitExceeded` past it)."""
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


@dataclass
class YamlDoc:
    """A parsed YAML file: the data and the 1-based line of each path in it."""

    file: str
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line(self, loc: Loc) -> int | None:
        """Line of `loc`, or of its closest parent that is in the file (a missing field)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None


def field_path(loc: Loc) -> str:
    """``("questions", 3, "similar", 2)`` -> ``questions[3].similar[2]``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_yaml(file: Path, rel: str, issues: list[Issue]) -> YamlDoc | None:
    """Parse `file`; on a syntax error append an `Issue` and return None.

    Raises:
        YamlLimitExceeded: inside `bounded`, the file goes past the budget.
    """
    budget = _BUDGET.get()
    if budget is not None:
        budget.check_size(rel, file.stat().st_size)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        issues.append(Issue(rel, None, "", f"cannot read: {err}"))
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if budget is not None and node is not None:
            budget.count(rel, node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        issues.append(Issue(rel, line, "", f"YAML syntax error: {err.problem or err}"))
        return None
    except yaml.YAMLError as err:
        issues.append(Issue(rel, None, "", f"YAML error: {err}"))
        return None
    finally:
        loader.dispose()
    doc = YamlDoc(rel, data)
    if node is not None:
        _walk(node, (), doc, issues)
    return doc


def _walk(node: yaml.Node, loc: Loc, doc: YamlDoc, issues: list[Issue]) -> None:
    doc.lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*loc, key)
            if key in seen:
                # PyYAML keeps the last duplicate silently; an editor would lose text.
                issues.append(
                    Issue(
                        doc.file, key_node.start_mark.line + 1, field_path(child), "duplicate key"
                    )
                )
            seen.add(key)
            # A field's line is the line of its key, not of its (maybe next-line) value.
            doc.lines[child] = key_node.start_mark.line + 1
            _walk(value_node, child, doc, issues)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*loc, i), doc, issues)
