"""The copy customers read: knowledge texts, the pages' own words, and texts the bot composes.

Slips a proof-reader catches: straight ASCII quotes inside Chinese (「」 or “” are ours), a word
repeated across a space (「工程师 工程师」), two blank lines in a row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from bot.diagnosis.engine import Diagnoser
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.stats import all_paths
from bot.knowledge.loader import load_knowledge
from tests.conftest import ROOT

CJK = "\u4e00-\u9fff"
STRAIGHT_QUOTE = re.compile(rf"[{CJK}，。：；！？、（）]['\"]|['\"][{CJK}]")
REPEATED_WORD = re.compile(rf"([{CJK}]{{2,}})[ \u3000]+\1")
BLANK_LINES = re.compile(r"\n[ \t]*\n[ \t]*\n")
# Customers' own words (phrasings, messages the centre does not answer) are kept as typed.
USERS_WORDS = {"similar", "synonyms", "examples"}
NOT_COPY = {"negatives.yml", "sample_customers.yml"}
STATIC = ROOT / "bot" / "web" / "static"


def slips(text: str) -> list[str]:
    """What a proof-reader would mark in one text."""
    found = [f"straight quote: …{m.group(0)}…" for m in STRAIGHT_QUOTE.finditer(text)]
    found += [f"repeated word: {m.group(0)}" for m in REPEATED_WORD.finditer(text)]
    if BLANK_LINES.search(text):
        found.append("two blank lines in a row")
    return found


def strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(path, text) of every string in a YAML document, skipping customers' own words."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if str(k) not in USERS_WORDS:
                yield from strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{path}[{i}]")


def marked(items: Iterator[tuple[str, str]]) -> list[str]:
    return [f"{where}: {s}" for where, text in items for s in slips(text)]


def test_the_checker_marks_each_kind_of_slip() -> None:
    assert slips('还不行请点下方"预约寄修"') == ['straight quote: …方"…', 'straight quote: …修"…']
    assert slips("人工工程师 工程师 1 号") == ["repeated word: 工程师 工程师"]
    assert slips("第一步。\n\n\n按上面的方法操作后") == ["two blank lines in a row"]
    assert slips("请点「预约寄修」，或回复 “转人工”。\n\n好的") == []


def test_knowledge_texts_have_no_copy_slips() -> None:
    def texts() -> Iterator[tuple[str, str]]:
        for f in sorted((ROOT / "knowledge").rglob("*.yml")):
            if f.name not in NOT_COPY:
                yield from strings(yaml.safe_load(f.read_text("utf-8")), str(f.relative_to(ROOT)))

    assert marked(texts()) == []


def test_fixed_replies_in_the_rasa_domain_have_no_copy_slips() -> None:
    def texts() -> Iterator[tuple[str, str]]:
        for f in sorted((ROOT / "domain").glob("*.yml")):
            responses = yaml.safe_load(f.read_text("utf-8")).get("responses") or {}
            yield from strings(responses, f"domain/{f.name}")

    assert marked(texts()) == []


def test_page_texts_have_no_copy_slips() -> None:
    def texts() -> Iterator[tuple[str, str]]:
        for f in sorted(STATIC.rglob("*")):
            if f.suffix not in (".html", ".js") or "vendor" in f.parts:
                continue
            source = f.read_text("utf-8")
            if f.suffix == ".js":  # the Chinese inside string and template literals
                parts = re.findall(rf"[\"'`]([^\"'`\n]*[{CJK}][^\"'`\n]*)[\"'`]", source)
            else:
                parts = re.findall(r">([^<]+)<", source) + re.findall(
                    r'(?:placeholder|title|aria-label)="([^"]*)"', source
                )
            for text in parts:
                yield str(Path(f).relative_to(ROOT)), text

    assert marked(texts()) == []


def test_solutions_of_the_shipped_trees_read_without_blank_line_runs() -> None:
    kb = load_knowledge(ROOT / "knowledge")
    diagnoser = Diagnoser(load_diagnosis(ROOT / "knowledge", kb.product_ids))
    found = []
    for tree in diagnoser.book.trees.values():
        for path in all_paths(tree):
            step = diagnoser.start(tree.id)
            for node_id, choice in path:
                found += [f"{tree.id}/{node_id}: {s}" for say in step.says for s in slips(say.text)]
                if not isinstance(choice, int) or step.state is None:
                    break
                label = tree.node(node_id).options[choice].label
                step = diagnoser.answer(step.state, label, choice=label)
    assert found == [], found[:10]
