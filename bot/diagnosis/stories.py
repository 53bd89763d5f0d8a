"""Rasa test stories for the main paths of every tree (`python -m bot.diagnosis.stories`).

Per tree: buttons down to a solution that works, buttons down to the escalation, and the first
path again in typed words. `rasa test` only checks which action runs at each step (the tree
logic itself is tested through the running bot), so what the stories pin down is the loop:
while `diagnosis_active` is set, every message goes to `action_diagnose`, whatever its intent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.schema import DiagnosisBook, Tree
from bot.diagnosis.stats import all_paths
from bot.knowledge.loader import load_knowledge

BEGIN = "# BEGIN generated diagnosis stories (python -m bot.diagnosis.stories)"
END = "# END generated diagnosis stories"


def _payload(intent: str, entity: str, value: str) -> dict[str, Any]:
    return {
        "user": "/" + intent + json.dumps({entity: value}, ensure_ascii=False) + "\n",
        "intent": intent,
        "entities": [{entity: value}],
    }


def _active(value: bool) -> dict[str, Any]:
    return {"slot_was_set": [{"diagnosis_active": value}]}


def _choices(
    tree: Tree, path: list[tuple[str, int | str | None]], book: DiagnosisBook, typed: bool
) -> list[dict[str, Any]]:
    assert book.controls is not None
    steps: list[dict[str, Any]] = []
    for node_id, choice in path:
        node = tree.node(node_id)
        if choice is None:
            break
        if isinstance(choice, int):
            option = node.options[choice]
            label, words = option.label, (option.synonyms or [option.label])[0]
        else:
            control = getattr(book.controls, choice)
            label, words = control.label, (control.synonyms or [control.label])[0]
        if typed:
            intent = {"solved": "affirm", "unsolved": "deny"}.get(str(choice), "ask_question")
            steps.append({"user": words + "\n", "intent": intent})
        else:
            steps.append(_payload("diagnosis_reply", "diagnosis_choice", label))
            steps.append({"slot_was_set": [{"diagnosis_choice": label}]})
        steps.append({"action": "action_diagnose"})
        last = choice in ("solved",) or (choice == "unsolved" and _ends(tree, node.unsolved))
        last = last or (isinstance(choice, int) and _ends(tree, node.options[choice].next))
        steps.append(_active(not last))
    return steps


def _ends(tree: Tree, node_id: str | None) -> bool:
    return node_id is not None and tree.node(node_id).kind == "escalation"


def tree_stories(book: DiagnosisBook, titles: dict[str, str]) -> list[dict[str, Any]]:
    """The stories of every tree; `titles` maps a tree id to a standard question linking it."""
    stories = []
    for tree in book.trees.values():
        paths = all_paths(tree)
        solved = next(p for p in paths if p[-1][1] == "solved")
        escalated = next(p for p in reversed(paths) if p[-1][1] is None)
        start = [
            _payload("start_diagnosis", "diagnosis_tree", tree.id),
            {"slot_was_set": [{"diagnosis_tree": tree.id}]},
            {"action": "action_diagnose"},
            _active(True),
        ]
        stories.append(
            {
                "story": f"diagnosis {tree.id}: buttons to a solution that works",
                "steps": start + _choices(tree, solved, book, typed=False),
            }
        )
        stories.append(
            {
                "story": f"diagnosis {tree.id}: buttons to an engineer",
                "steps": start + _choices(tree, escalated, book, typed=False),
            }
        )
        asked = [
            {"user": titles.get(tree.id, tree.title) + "\n", "intent": "ask_question"},
            {"action": "action_answer_question"},
            _active(True),
        ]
        stories.append(
            {
                "story": f"diagnosis {tree.id}: typed answers from a matched question",
                "steps": asked + _choices(tree, solved, book, typed=True),
            }
        )
    return stories


def render(root: Path) -> str:
    """The generated block for tests/test_stories.yml."""
    kb = load_knowledge(root)
    book = load_diagnosis(root, kb.product_ids)
    titles: dict[str, str] = {}
    for q in kb.questions.values():
        if q.tree:
            titles.setdefault(q.tree, q.title)
    body = yaml.safe_dump(
        tree_stories(book, titles), allow_unicode=True, sort_keys=False, width=1000
    )
    indented = "".join(f"  {line}\n" if line else "\n" for line in body.splitlines())
    return f"  {BEGIN}\n{indented}  {END}\n"


def update(stories_file: Path, root: Path) -> None:
    """Replace the generated block of `stories_file` (appended when missing)."""
    text = stories_file.read_text(encoding="utf-8")
    block = render(root)
    start, end = text.find(f"  {BEGIN}"), text.find(f"  {END}")
    if start != -1 and end != -1:
        text = text[:start] + block + text[end + len(f"  {END}\n") :]
    else:
        text = text.rstrip("\n") + "\n\n" + block
    stories_file.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    args = sys.argv[1:]
    update(
        Path(args[0] if args else "tests/test_stories.yml"),
        Path(args[1] if len(args) > 1 else "knowledge"),
    )
