"""Checking an edited diagnosis tree before it is saved: no dead ends, no orphans, no loops.

The same rules as `bot.diagnosis.loader`, reported per node so the page can mark the node.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.diagnosis.graph import graph_problems
from bot.diagnosis.reader import phrase_key
from bot.diagnosis.schema import Tree
from bot.editor.catalog.questions import problems_of
from bot.editor.errors import Problem


def canonical_tree(tree: Tree) -> dict[str, Any]:
    """The stored form of a tree: JSON, defaults left out."""
    return tree.model_dump(mode="json", exclude_defaults=True, exclude_none=True)


def check_tree(
    data: Any, product_ids: set[str] | None = None, skills: set[str] | None = None
) -> tuple[Tree | None, list[Problem]]:
    """Validate one tree.

    Args:
        data: the tree as JSON (``id``, ``title``, ``start``, ``nodes``, ...).
        product_ids: the catalogue's product lines (None = not checked).
        skills: known skill ids (None = not checked).

    Returns:
        The tree (None when it has problems) and the problems found.
    """
    tid = str(data.get("id") or "") if isinstance(data, dict) else ""
    if not isinstance(data, dict):
        return None, [Problem(tid, "", "invalid", "a tree must be an object", "tree")]
    try:
        tree = Tree.model_validate(data)
    except ValidationError as err:
        found = problems_of(err, tid, "tree")
        raw_nodes = data.get("nodes")
        nodes: list[Any] = raw_nodes if isinstance(raw_nodes, list) else []
        for i, p in enumerate(found):
            parts = p.field.split(".")
            if len(parts) > 1 and parts[0] == "nodes" and parts[1].isdigit():
                raw = nodes[int(parts[1])] if int(parts[1]) < len(nodes) else {}
                node = str(raw.get("id")) if isinstance(raw, dict) else None
                found[i] = Problem(p.item, p.field, p.code, p.message, "tree", node)
        return None, found
    found = _structure(tree, product_ids, skills)
    return (None, found) if found else (tree, [])


def _structure(tree: Tree, product_ids: set[str] | None, skills: set[str] | None) -> list[Problem]:
    found: list[Problem] = []

    def bad(code: str, field: str, message: str, node: str | None = None) -> None:
        found.append(Problem(tree.id, field, code, message, "tree", node))

    for line in tree.products:
        if product_ids is not None and line not in product_ids:
            bad("unknown_product", "products", f"unknown product line {line!r}")
    for skill in tree.skills:
        if skills is not None and skill not in skills:
            bad("unknown_skill", "skills", f"unknown skill {skill!r}")
    ids: set[str] = set()
    for node in tree.nodes:
        if node.id in ids:
            bad("duplicate_node", "id", f"duplicate node id {node.id!r}", node.id)
        ids.add(node.id)
    if tree.start not in ids:
        bad("no_start", "start", f"no node {tree.start!r}")
        return found
    for node in tree.nodes:
        seen: dict[str, int] = {}
        for j, option in enumerate(node.options):
            if option.next not in ids:
                bad("dead_end", f"options[{j}].next", f"no node {option.next!r}", node.id)
            for phrase in option.phrases:
                key = phrase_key(phrase)
                if not key:
                    bad("empty_phrase", f"options[{j}]", f"{phrase!r} is empty", node.id)
                elif seen.get(key, j) != j:
                    bad(
                        "duplicate_phrase",
                        f"options[{j}]",
                        f"{phrase!r} also belongs to option {seen[key] + 1}",
                        node.id,
                    )
                seen.setdefault(key, j)
        if node.unsolved and node.unsolved not in ids:
            bad("dead_end", "unsolved", f"no node {node.unsolved!r}", node.id)
        esc = node.escalate
        for skill in (esc.skills or []) if esc else []:
            if skills is not None and skill not in skills:
                bad("unknown_skill", "escalate.skills", f"unknown skill {skill!r}", node.id)
    for problem in graph_problems(tree):
        field = "next" if problem.kind == "loop" else "id"
        bad(problem.kind, field, problem.message, problem.node)
    return found
