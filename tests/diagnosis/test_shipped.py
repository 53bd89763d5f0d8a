"""The shipped trees: valid, of the promised kinds and sizes, covered by Rasa test stories."""

from __future__ import annotations

import yaml

from bot.diagnosis.engine import Diagnoser
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.stats import all_paths, shape
from bot.knowledge.loader import load_knowledge
from tests.conftest import ROOT

REQUIRED = {
    "no_power", "bsod", "wifi", "display_flicker", "battery_not_charging",
    "game_lag", "no_sound", "keyboard_touchpad", "slow_hot", "bluetooth",
}  # fmt: skip


def shipped():  # type: ignore[no-untyped-def]
    kb = load_knowledge(ROOT / "knowledge")
    return kb, load_diagnosis(ROOT / "knowledge", kb.product_ids)


def test_the_ten_trees_load_and_every_path_ends() -> None:
    kb, book = shipped()
    assert set(book.trees) >= REQUIRED
    for tree in book.trees.values():
        s = shape(tree)
        assert s.solutions >= 3 and s.escalations >= 1, tree.id
        for path in all_paths(tree):
            last = tree.node(path[-1][0])
            assert last.kind in ("solution", "escalation"), (tree.id, path)
    assert not [w for w in kb.warnings if "diagnosis tree" in w]


def test_every_tree_is_reachable_from_a_standard_question() -> None:
    kb, book = shipped()
    linked = {q.tree for q in kb.questions.values() if q.tree}
    assert linked >= set(book.trees)


def test_every_tree_has_rasa_test_stories() -> None:
    _, book = shipped()
    stories = yaml.safe_load((ROOT / "tests" / "test_stories.yml").read_text(encoding="utf-8"))
    names = " ".join(s["story"] for s in stories["stories"])
    for tree_id in book.trees:
        assert f"diagnosis {tree_id}:" in names, f"run python -m bot.diagnosis.stories ({tree_id})"


def test_a_phrase_of_the_description_answers_one_node_and_is_repeated_as_said() -> None:
    # Issue 14: 「灯也不亮」 answered three questions, and 「我了解到」 claimed facts about the
    # charger light the customer never gave.
    kb, book = shipped()
    words = "笔记本今天早上死活开不了 按开机键灯也不亮 风扇也不转 没进水也没摔过"
    step = Diagnoser(book).start("no_power", words)
    assert step.state is not None and step.state.node == "laptop_charge"  # asked, not assumed
    answered = [r.node for r in step.records if r.kind == "answer"]
    assert answered == ["light", "device", "accident"]
    understood = step.says[0].text.split("我了解到：")[1]
    assert understood == "笔记本今天早上死活开不了，按开机键灯也不亮，风扇也不转，没进水也没摔过。"
    assert "充电" not in understood
