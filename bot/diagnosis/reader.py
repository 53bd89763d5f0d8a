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
_CLAUSE_BREAK = re.compile(r"[^\w]+|_+")
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
    return {owner for _, _, owner in claims(key, phrases, skip_generic=skip_generic)}


def claims(
    key: str,
    phrases: list[Phrase],
    *,
    skip_generic: bool = False,
    taken: list[bool] | None = None,
) -> list[tuple[int, int, Hashable]]:
    """Where phrases are found in a normalized text (`phrase_key`): longest first, leftmost
    first, none overlapping another or a span already `taken` (answered an earlier node)."""
    spans: list[tuple[int, int, Hashable]] = []
    for p in phrases:
        if skip_generic and (len(p.key) < 2 or p.key in GENERIC):
            continue
        start = key.find(p.key)
        while start != -1:
            spans.append((start, start + len(p.key), p.owner))
            start = key.find(p.key, start + 1)
    spans.sort(key=lambda s: (s[0] - s[1], s[0]))  # longest first, then leftmost
    used = list(taken) if taken is not None else [False] * len(key)
    found: list[tuple[int, int, Hashable]] = []
    for start, end, owner in spans:
        if any(used[start:end]):
            continue
        for i in range(start, end):
            used[i] = True
        found.append((start, end, owner))
    return found


def clauses(text: str) -> list[tuple[int, int, str]]:
    """The customer's clauses (split at punctuation and spaces) with their span in
    `phrase_key(text)`, in the customer's own characters where normalizing kept their length."""
    keys = base_normalize(text).split()
    originals = [c for c in _CLAUSE_BREAK.split(text) if c]
    same = len(originals) == len(keys) and all(
        phrase_key(o) == k and len(o) == len(k) for o, k in zip(originals, keys, strict=False)
    )
    out, at = [], 0
    for i, k in enumerate(keys):
        out.append((at, at + len(k), originals[i] if same else k))
        at += len(k)
    return out


def quoted(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The clauses of `text` that hold the given spans of its `phrase_key`, in order, each once:
    what the customer said, to repeat back without adding anything."""
    out = []
    for start, end, clause in clauses(text):
        if any(s < end and e > start for s, e in spans) and clause not in out:
            out.append(clause)
    return out
