from __future__ import annotations

from typing import Any

import yaml

from bot.diagnosis.graph import GraphProblem, graph_problems
from bot.diagnosis.schema import Tree
from tests.diagnosis.conftest import MINI_TREE


def mini(**changes: Any) -> Tree:
    data = yaml.safe_load(MINI_TREE)
    for node in data["nodes"]:
        node.update(changes.get(node["id"], {}))
    return Tree.model_validate(data)


class TestGraphProblems:
    def test_sound_tree_has_none(self) -> None:
        assert graph_problems(mini()) == []

    def test_loop_names_the_closing_node_and_the_path(self) -> None:
        problems = graph_problems(mini(charge={"unsolved": "light"}))
        assert problems == [GraphProblem("charge", "loop", "path loops: light -> charge -> light")]

    def test_unreachable_node_is_an_orphan_and_missing_targets_are_skipped(self) -> None:
        options = yaml.safe_load(MINI_TREE)["nodes"][0]["options"]
        options[1]["next"] = "nowhere"
        problems = graph_problems(mini(light={"options": options}))
        assert problems == [
            GraphProblem("charge", "orphan", "node 'charge' cannot be reached from start")
        ]
