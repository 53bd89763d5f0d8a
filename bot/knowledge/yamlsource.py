"""YAML parsing that remembers the line of every field, for `file:line: field` reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.errors import Issue

# libyaml is ~10x faster; its marks carry lines just the same.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Loc = tuple[Any, ...]


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
    """Parse `file`; on a syntax error append an `Issue` and return None."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        issues.append(Issue(rel, None, "", f"cannot read: {err}"))
        return None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
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
