"""Shape figures of a tree: nodes, leaves, depth, root-to-leaf paths."""

from __future__ import annotations

from dataclasses import dataclass

from bot.diagnosis.schema import Tree


@dataclass(frozen=True)
class TreeShape:
    """Size of one tree. Leaves are solutions and escalations; a solution also leads on."""

    tree: str
    nodes: int
    questions: int
    solutions: int
    escalations: int
    depth: int  # most nodes on one root-to-end path
    paths: int  # distinct root-to-end paths (every option and every "not solved")

    @property
    def self_service_share(self) -> float:
        """Share of leaves that are solutions the customer can try alone."""
        leaves = self.solutions + self.escalations
        return self.solutions / leaves if leaves else 0.0


def all_paths(tree: Tree) -> list[list[tuple[str, int | str | None]]]:
    """Every root-to-end path as (node id, choice) pairs.

    The choice is the option index at a question, ``"unsolved"`` at a solution the path goes
    on from, ``"solved"`` at the solution it ends with, and None at the final escalation.
    """
    by_id = tree.by_id
    out: list[list[tuple[str, int | str | None]]] = []

    def walk(node_id: str, trail: list[tuple[str, int | str | None]]) -> None:
        node = by_id[node_id]
        if node.kind == "question":
            for i, option in enumerate(node.options):
                walk(option.next, [*trail, (node_id, i)])
        elif node.kind == "solution":
            out.append([*trail, (node_id, "solved")])
            walk(str(node.unsolved), [*trail, (node_id, "unsolved")])
        else:
            out.append([*trail, (node_id, None)])

    walk(tree.start, [])
    return out


def shape(tree: Tree) -> TreeShape:
    """Figures of one (validated, loop-free) tree."""
    kinds = [n.kind for n in tree.nodes]
    paths = all_paths(tree)
    return TreeShape(
        tree=tree.id,
        nodes=len(tree.nodes),
        questions=kinds.count("question"),
        solutions=kinds.count("solution"),
        escalations=kinds.count("escalation"),
        depth=max(len(p) for p in paths),
        paths=len(paths),
    )
