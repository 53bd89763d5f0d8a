"""Normalization: one canonical spelling for the many ways users type the same words."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any, TypedDict

_LOCK = threading.Lock()
_CONVERTER: Any = None  # opencc converter, shared: its tables are read-only and take ~50 ms

# Fillers carry no meaning for matching. Multi-character ones go anywhere; one-character modal
# particles only at the end of a clause, where they cannot be part of a content word.
_FILLERS = (
    "请问一下",
    "请问",
    "问一下",
    "问下",
    "你好",
    "您好",
    "哈喽",
    "在吗",
    "在不在",
    "麻烦你",
    "麻烦您",
    "麻烦",
    "谢谢你",
    "谢谢您",
    "谢谢",
    "多谢",
    "那个",
    "就是说",
    "客服",
    "亲亲",
    "小星",
)
_FILLER_RE = re.compile("|".join(sorted(map(re.escape, _FILLERS), key=len, reverse=True)))
_PARTICLE_RE = re.compile(r"[呢啊吧呀哈嘛哦噢啦咯嗯哇吗]+(?=\s|$)")
_LEADING_RE = re.compile(r"^(?:[嗯啊哦额呃诶唉亲]|就是)+")
_HTML_RE = re.compile(r"<[^<>]{0,200}>|&[a-z]{2,8};|&#\d{1,6};")
_SPACE_RE = re.compile(r"\s+")
# Kept inside model numbers and versions: XB14-2024, 12.6, wi-fi.
_JOINERS = frozenset("-._+")


class NormalizeOutput(TypedDict):
    """Output of `Normalizer.run`."""

    text: str  # the normalized text ("" when nothing meaningful is left)
    truncated: bool  # the input was longer than `max_chars` and was cut


def _converter() -> Any:
    global _CONVERTER
    with _LOCK:
        if _CONVERTER is None:
            from opencc_purepy import OpenCC

            _CONVERTER = OpenCC("t2s")
        return _CONVERTER


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def base_normalize(text: str) -> str:
    """Width, script, case, HTML, emoji and punctuation; no fillers or synonyms.

    Args:
        text: raw text.

    Returns:
        NFKC-folded (full width -> half width), simplified, lower-cased text in which every
        punctuation mark, emoji and symbol became a single space.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _converter().convert(text).lower()
    text = _HTML_RE.sub(" ", text)
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        cat = unicodedata.category(ch)
        if (
            cat[0] in "LN"
            or ch in _JOINERS
            and 0 < i < n - 1
            and _is_ascii_alnum(text[i - 1])
            and (_is_ascii_alnum(text[i + 1]))
        ):
            out.append(ch)
        elif cat[0] == "M" or cat == "Cf":
            continue  # variation selectors, zero-width joiners of emoji sequences
        else:
            out.append(" ")
    return _SPACE_RE.sub(" ", "".join(out)).strip()


def _bounded(phrase: str) -> str:
    # An ASCII word must not match inside a longer one (win in twin), digits may follow (win11).
    out = re.escape(phrase)
    if phrase[0].isascii() and phrase[0].isalpha():
        out = "(?<![a-z])" + out
    if phrase[-1].isascii() and phrase[-1].isalpha():
        out += "(?![a-z])"
    return out


class Normalizer:
    """Normalization stage: width, script, case, punctuation, emoji, fillers, synonyms.

    Args:
        synonyms: synonym groups; every phrase of a group is replaced by the group's first.
        max_chars: longer inputs are cut to this many characters (and flagged).
    """

    def __init__(self, synonyms: list[list[str]] | None = None, max_chars: int = 120) -> None:
        self.synonyms = [list(g) for g in (synonyms or [])]
        self.max_chars = max_chars
        self._canon: dict[str, str] = {}
        self._syn_re: re.Pattern[str] | None = None
        self._ready = False

    def warm_up(self) -> None:
        """Load the script converter and compile the synonym table."""
        if self._ready:
            return
        _converter()
        canon: dict[str, str] = {}
        for group in self.synonyms:
            forms = [base_normalize(p) for p in group]
            for form in forms:
                # Canonical forms map to themselves so that "windows" is not read as
                # "win" + "dows" by the group that maps win -> windows.
                if form:
                    canon.setdefault(form, forms[0])
        self._canon = canon
        # Longest first, so 按电源键没反应 wins over 没反应.
        alternatives = sorted(canon, key=len, reverse=True)
        self._syn_re = (
            re.compile("|".join(_bounded(a) for a in alternatives)) if alternatives else None
        )
        self._ready = True

    def run(self, text: str) -> NormalizeOutput:
        """Normalize one text.

        Args:
            text: what the user typed (any length, any script).

        Returns:
            The normalized text and whether it was truncated.
        """
        if not self._ready:
            self.warm_up()
        # Cut a huge paste before the per-character work, with room for what normalization
        # removes; the final cut below is on the normalized text.
        raw = text[: self.max_chars * 4]
        norm = base_normalize(raw)
        norm = _FILLER_RE.sub(" ", norm)
        norm = _PARTICLE_RE.sub(" ", norm)
        norm = _LEADING_RE.sub("", _SPACE_RE.sub(" ", norm).strip())
        if self._syn_re is not None:
            norm = self._syn_re.sub(lambda m: self._canon[m.group(0)], norm)
        norm = _SPACE_RE.sub(" ", norm).strip()
        truncated = len(text) > self.max_chars * 4 or len(norm) > self.max_chars
        return {"text": norm[: self.max_chars].strip(), "truncated": truncated}
