"""How deep a customer's first description already goes in a tree, and what it said.

Each question node is answered by the phrases of one option found in the description. A phrase
answers one node at most: 「灯也不亮」 answers the power light, not also the charge light and
the charger's own light. When an option is found through several phrases (「灯亮但是屏幕黑的」
for 灯亮了或风扇在转, which lists both), the phrase it lists first is the one that answers it;
the others stay for the questions below (屏幕黑 answers the screen question).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.diagnosis.reader import Phrase, claims, phrase_key
from bot.diagnosis.schema import Node, Tree

_UNLISTED = 10_000


@dataclass
class Descent:
    """The nodes a description answers, in order, and where in it the answers were heard."""

    answers: list[tuple[str, int]] = field(default_factory=list)  # (node id, option index)
    heard: list[tuple[int, int]] = field(default_factory=list)  # spans of the phrase key


def descend(tree: Tree, key: str, option_phrases: Callable[[Node], list[Phrase]]) -> Descent:
    """The walk from the tree's start that the description (its `phrase_key`) decides."""
    out = Descent()
    taken = [False] * len(key)
    node = tree.node(tree.start)
    while key and node.kind == "question":
        found = claims(key, option_phrases(node), skip_generic=True, taken=taken)
        if len({owner for _, _, owner in found}) != 1:
            break
        index = int(found[0][2])  # type: ignore[call-overload]
        listed = [phrase_key(p) for p in node.options[index].phrases]
        start, end, _ = min(found, key=lambda s: (_rank(key[s[0] : s[1]], listed), s[0]))
        taken[start:end] = [True] * (end - start)
        out.answers.append((node.id, index))
        out.heard += [(s, e) for s, e, _ in found]
        node = tree.node(node.options[index].next)
    return out


def _rank(words: str, listed: list[str]) -> int:
    """Where the option lists these words (a particle-less form counts as its phrase)."""
    for i, phrase in enumerate(listed):
        if words in (phrase, phrase.rstrip("了的啊呀呢吧啦")):
            return i
    return _UNLISTED
