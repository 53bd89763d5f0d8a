"""Reading a typed answer: which option (or shared control word) do the customer's words say?

The longest phrases found in the text win and may not overlap, so in 灯不亮 the phrase 不亮
(one option) hides 亮 (the other): negations are read as negations without any grammar.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from bot.matching.normalize import base_normalize

# Bare yes/no words answer a question, but inside a first description ("是不是坏了，没有反应")
# they say nothing about a particular node, so the descent ignores them.
GENERIC = frozenset(
    [
        "是",
        "是的",
        "对",
        "对的",
        "有",
        "有的",
        "没",
        "没有",
        "不",
        "不是",
        "不对",
        "否",
        "嗯",
        "好",
        "会",
        "不会",
        "能",
        "不能",
        "可以",
        "不可以",
        "行",
        "不行",
    ]
)
_PARTICLES = "了的啊呀呢吧啦"
_NUMBER = re.compile(r"^(?:选|第|选第)?\s*([1-9])\s*(?:个|项|号)?$")


def phrase_key(text: str) -> str:
    """Normalized form used for comparing phrases: width, script, case, no punctuation/space."""
    return base_normalize(text).replace(" ", "")


def number_choice(text: str, count: int) -> int | None:
    """0-based option picked by a bare number such as ``2`` or ``选2`` (text channels)."""
    m = _NUMBER.match(base_normalize(text))
    if m and 1 <= int(m.group(1)) <= count:
        return int(m.group(1)) - 1
    return None


@dataclass(frozen=True)
class Phrase:
    """One phrase and who it belongs to (an option index or a control name)."""

    key: str
    owner: Hashable


def phrases_of(owner: Hashable, texts: Iterable[str]) -> list[Phrase]:
    """Phrases of one owner, normalized, without empties.

    A phrase ending in a particle (亮了, 黑的) also counts without it (灯亮了 -> 灯亮), so that
    "灯亮但是屏幕黑" is read without listing every inflection.
    """
    keys: set[str] = set()
    for text in texts:
        key = phrase_key(text)
        keys.add(key)
        bare = key.rstrip(_PARTICLES)
        if len(bare) >= 2:
            keys.add(bare)
    return [Phrase(k, owner) for k in keys if k]


def owners_in(text: str, phrases: list[Phrase], *, skip_generic: bool = False) -> set[Hashable]:
    """Owners whose phrases are found in `text`, longest first, without overlaps.

    Args:
        text: what the customer typed.
        phrases: candidate phrases.
        skip_generic: ignore one-character phrases and bare yes/no words.

    Returns:
        The owners found: one means a clear answer, none or several mean ask again.
    """
    key = phrase_key(text)
    if not key:
        return set()
    exact = {p.owner for p in phrases if p.key == key}
    if len(exact) == 1:
        return exact
    spans: list[tuple[int, int, Hashable]] = []
    for p in phrases:
        if skip_generic and (len(p.key) < 2 or p.key in GENERIC):
            continue
        start = key.find(p.key)
        while start != -1:
            spans.append((start, start + len(p.key), p.owner))
            start = key.find(p.key, start + 1)
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first, then leftmost
    taken = [False] * len(key)
    found: set[Hashable] = set()
    for start, end, owner in spans:
        if any(taken[start:end]):
            continue
        for i in range(start, end):
            taken[i] = True
        found.add(owner)
    return found
