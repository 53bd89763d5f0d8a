"""Variants of a question as customers mistype it: the calibration's stand-in for phrasings a
base does not have.

A base imported with titles only gives the calibration nothing to hold out, so it asks its
questions again the ways customers garble them: an input-method homophone (支付 -> 知付), a
fragment (the first or last words dropped), words in another order, a colloquial frame
(请问 …, … 怎么办啊). Each variant applies two of these, so it is neither the title nor trivially
close to it. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Callable, Iterable

from pypinyin import Style, lazy_pinyin

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LOCK = threading.Lock()

# Frames customers put around a question (the normalizer strips some of them, not all).
_PREFIXES = ("我想问下", "请问", "问一下", "你好", "急", "就是", "我这边", "帮我看下")
_SUFFIXES = ("怎么办", "怎么弄", "咋办", "怎么回事", "啊", "呢", "？？", "在线等", "急急急")


class Homophones:
    """Characters by their toneless pinyin, from the texts of one base (plus its own words).

    Args:
        texts: the texts whose characters may stand in for each other.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        chars = sorted({ch for text in texts for ch in _CJK.findall(text)})
        with _LOCK:  # pypinyin loads its dictionaries lazily on first use
            sounds = lazy_pinyin(chars, style=Style.NORMAL, errors="ignore") if chars else []
        self._sound = dict(zip(chars, sounds, strict=False))
        self._by_sound: dict[str, list[str]] = {}
        for ch, sound in self._sound.items():
            self._by_sound.setdefault(sound, []).append(ch)

    def swap(self, ch: str, rnd: random.Random) -> str:
        """Another character of the same sound, or `ch` when the base has none."""
        others = [c for c in self._by_sound.get(self._sound.get(ch, ""), ()) if c != ch]
        return rnd.choice(others) if others else ch


def _typo(text: str, words: list[str], rnd: random.Random, sounds: Homophones) -> str:
    spots = [i for i, ch in enumerate(text) if _CJK.match(ch)]
    for i in rnd.sample(spots, min(len(spots), 1 + (len(spots) > 8))):
        text = text[:i] + sounds.swap(text[i], rnd) + text[i + 1 :]
    return text


def _fragment(text: str, words: list[str], rnd: random.Random, sounds: Homophones) -> str:
    if len(words) < 3:
        return text
    cut = rnd.randint(1, max(1, len(words) // 3))
    kept = words[cut:] if rnd.random() < 0.5 else words[:-cut]
    return "".join(kept)


def _reorder(text: str, words: list[str], rnd: random.Random, sounds: Homophones) -> str:
    if len(words) < 3:
        return text
    at = rnd.randint(1, len(words) - 1)
    return "".join(words[at:] + words[:at])


def _frame(text: str, words: list[str], rnd: random.Random, sounds: Homophones) -> str:
    if rnd.random() < 0.5:
        return rnd.choice(_PREFIXES) + text
    return text + rnd.choice(_SUFFIXES)


_EDITS: tuple[Callable[[str, list[str], random.Random, Homophones], str], ...] = (
    _typo,
    _fragment,
    _reorder,
    _frame,
)


def variants(
    text: str,
    segment: Callable[[str], list[str]],
    sounds: Homophones,
    n: int,
    seed: str,
) -> list[str]:
    """`n` garbled variants of `text`, each different from it and from each other.

    Args:
        text: a question as the base states it.
        segment: the words of a text (the matcher's segmenter).
        sounds: homophones of the base.
        n: how many variants.
        seed: makes the variants reproducible (e.g. the question's id).

    Returns:
        Up to `n` variants (fewer when the text is too short to vary).
    """
    rnd = random.Random(seed)
    out: list[str] = []
    for _ in range(4 * n):
        if len(out) >= n:
            break
        varied = text
        for edit in rnd.sample(_EDITS, 2):
            varied = edit(varied, [w for w in segment(varied) if w.strip()], rnd, sounds)
        if varied != text and varied not in out and len(varied) >= 2:
            out.append(varied)
    return out
