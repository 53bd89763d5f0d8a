"""Writing questions and trees in the house style of the knowledge files.

Lists of phrasings, questions, variants and nodes are blocks; short lists (products, keywords,
tags, option synonyms) and small mappings (`when`, links) are flow; multi-line answers are
literal blocks; an empty line separates items, as in the hand-written files.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

_QUESTION_KEYS = [
    "id",
    "title",
    "products",
    "tier",
    "keywords",
    "similar",
    "answer",
    "variants",
    "links",
    "valid_from",
    "valid_until",
    "tree",
]
_TREE_KEYS = ["id", "title", "description", "products", "skills", "start", "nodes"]
_NODE_KEYS = ["id", "ask", "options", "solution", "link", "image", "unsolved", "escalate"]
_OPTION_KEYS = ["label", "synonyms", "understood", "next"]
_ESCALATE_KEYS = ["summary", "skills", "tier", "message"]
_FLOW_LISTS = {"products", "keywords", "tags", "synonyms", "skills"}


class _Flow(list[Any]):
    pass


class _FlowMap(dict[str, Any]):
    pass


class _Literal(str):
    pass


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Sequences under a key are indented ("  - id: ..."), like the hand-written files.
        super().increase_indent(flow, False)


def _flow(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


def _flow_map(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _literal(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(data), style="|")


_Dumper.add_representer(_Flow, _flow)
_Dumper.add_representer(_FlowMap, _flow_map)
_Dumper.add_representer(_Literal, _literal)


def _text(value: str) -> str:
    # Trailing spaces on a line would force PyYAML to quote the whole block.
    if "\n" in value.strip() and not re.search(r"[ \t]\n", value):
        return _Literal(value.strip() + "\n")
    return value


def _ordered(data: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    return {k: data[k] for k in [*keys, *data] if k in data}


def _style(key: str, value: Any) -> Any:
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, list) and key in _FLOW_LISTS:
        return _Flow(value)
    return value


def question_doc(q: dict[str, Any]) -> dict[str, Any]:
    """A stored question as the mapping written to a category file (category left out)."""
    out: dict[str, Any] = {}
    for key, value in _ordered(q, _QUESTION_KEYS).items():
        if key == "category":
            continue
        if key in ("valid_from", "valid_until") and isinstance(value, str):
            value = date.fromisoformat(value)
        elif key == "variants":
            value = [_variant(v) for v in value]
        elif key == "links":
            value = [_FlowMap(link) for link in value]
        out[key] = _style(key, value)
    return out


def _variant(v: dict[str, Any]) -> dict[str, Any]:
    when = {k: (_Flow(x) if isinstance(x, list) else x) for k, x in v.get("when", {}).items()}
    out: dict[str, Any] = {"when": _FlowMap(when), "answer": _text(v["answer"])}
    if v.get("links") is not None:
        out["links"] = [_FlowMap(link) for link in v["links"]]
    return out


def tree_doc(t: dict[str, Any]) -> dict[str, Any]:
    """A stored tree as the mapping written to its file."""
    out = {k: _style(k, v) for k, v in _ordered(t, _TREE_KEYS).items() if k != "nodes"}
    out["nodes"] = [_node(n) for n in t.get("nodes", [])]
    return out


def _node(n: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in _ordered(n, _NODE_KEYS).items():
        if key == "options":
            value = [{k: _style(k, x) for k, x in _ordered(o, _OPTION_KEYS).items()} for o in value]
        elif key == "link":
            value = _FlowMap(value)
        elif key == "escalate":
            value = {k: _style(k, x) for k, x in _ordered(value, _ESCALATE_KEYS).items()}
        out[key] = _style(key, value)
    return out


def dump(data: dict[str, Any], item_indent: str = "  - id: ") -> str:
    """YAML text of a file, with an empty line before every item but the first."""
    text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6)
    lines = text.splitlines()
    out: list[str] = []
    seen = False
    for line in lines:
        if line.startswith(item_indent):
            if seen:
                out.append("")
            seen = True
        out.append(line)
    return "\n".join(out) + "\n"


def category_text(category: str, questions: list[dict[str, Any]]) -> str:
    """A whole category file."""
    return dump({"category": category, "questions": [question_doc(q) for q in questions]})


def tree_text(tree: dict[str, Any]) -> str:
    """A whole tree file."""
    return dump(tree_doc(tree))
