"""The shape of a diagnosis tree: everything reachable from start, no path that loops.

Shared by the loader (problems by file and line) and the editor (problems by node).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from bot.diagnosis.schema import Tree


class GraphProblem(NamedTuple):
    """One problem with the shape of a tree."""

    node: str  # the node it belongs to: the one whose step closes a loop, or the orphan
    kind: Literal["loop", "orphan"]
    message: str


def graph_problems(tree: Tree) -> list[GraphProblem]:
    """The loops and unreachable nodes of a tree (so that every path ends in a leaf).

    Targets that name no node are skipped: they are dead ends, reported by the callers.

    Args:
        tree: a tree whose start node exists.

    Returns:
        The loops in depth-first order, then the unreachable node ids in the order of the nodes.
    """
    by_id = tree.by_id
    state: dict[str, str] = {}  # grey while on the current path, black when done
    found: list[GraphProblem] = []

    def visit(node_id: str, trail: list[str]) -> None:
        state[node_id] = "grey"
        for target in by_id[node_id].targets:
            if target not in by_id:
                continue
            if state.get(target) == "grey":
                loop = " -> ".join([*trail[trail.index(target) :], target])
                found.append(GraphProblem(node_id, "loop", f"path loops: {loop}"))
            elif target not in state:
                visit(target, [*trail, target])
        state[node_id] = "black"

    visit(tree.start, [tree.start])
    for node_id in dict.fromkeys(n.id for n in tree.nodes):
        if node_id not in state:
            message = f"node {node_id!r} cannot be reached from start"
            found.append(GraphProblem(node_id, "orphan", message))
    return found
