"""Pinyin repair: the base's own words back where a customer typed their sound.

Customers type pinyin when the input method is in the way (mima忘了, kai pupiao, yuyue guahao)
and pick the wrong character of the right sound (凭正, 帐套, 密马). Neither the encoder nor BM25
sees that 密马 is 密码. `PinyinRepair` knows the words of one base with their toneless pinyin
and puts them back into a (normalized) query:

- a run of latin letters that spells the pinyin of one base word, or of two in a row
  (``yuyue`` -> 预约, ``jiezhang`` -> 结账, ``kaipupiao``: no, ``pupiao`` -> 普票);
- two to four Chinese characters, one of them the wrong one of the right sound, that are no
  word (neither the base's nor jieba's) and do not cut into one: 凭正 -> 凭证, 体简 -> 体检;
  老是 stays (a word), and so does the 家号 of 专家号 (cuts into 专家);
- and only characters the segmenter reads as no word: a span that holds or overlaps a word of
  two characters or more in the query's own segmentation is words already, typed as meant
  (就电脑 is 就 + 电脑, not 旧电脑; 健康度 is 健康 + 度);
- and only a dictionary word is put back for a mistyped character (the segmenter's guesses
  while cutting the base's phrasings are not: 我另 is not 我领).

Only words of two characters or more, and only sounds that belong to one base word, are used:
an ambiguous sound is left as typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

_LATIN = re.compile(r"[a-z]{4,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@lru_cache(maxsize=100_000)
def sound(text: str) -> str:
    """Toneless pinyin of `text`, syllables joined (``密码`` -> ``mima``)."""
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


class PinyinRepair:
    """Puts a base's words back where a query has their sound.

    Args:
        words: the base's words (its segmented phrasings).
        known: whether a span is a word already (the segmenter's dictionary); such a span is
            never replaced.
        cut: the segmenter's words of a run of Chinese characters (in order, covering it);
            a span with a character inside a word of two or more is never replaced.
    """

    def __init__(
        self,
        words: Iterable[str],
        known: Callable[[str], bool],
        cut: Callable[[str], list[str]] | None = None,
    ) -> None:
        by_sound: dict[str, set[str]] = {}
        for word in {w for w in words if _CJK_WORD.match(w)}:
            by_sound.setdefault(sound(word), set()).add(word)
        self._word = {s: next(iter(ws)) for s, ws in by_sound.items() if len(ws) == 1}
        self._known = known
        self._cut = cut

    def warm_up(self) -> None:
        """Load pypinyin's dictionaries."""
        sound("密码")

    def _latin(self, run: str) -> str:
        if run in self._word:
            return self._word[run]
        for cut in range(2, len(run) - 1):
            head, tail = run[:cut], run[cut:]
            if head in self._word and tail in self._word:
                return self._word[head] + self._word[tail]
        return run

    def _typo(self, run: str, i: int, n: int, worded: list[bool]) -> str | None:
        """The base word a span of `run` is a one-character homophone typo of, if it is one."""
        span = run[i : i + n]
        if len(span) < n or self._known(span) or any(worded[i : i + n]):
            return None
        word = self._word.get(sound(span))
        # The word put back must be a dictionary word: a 'word' the segmenter only guessed
        # while cutting a phrasing (我领 of 我领的优惠券) is no word customers mistype.
        if word is None or len(word) != n or not self._known(word):
            return None
        if sum(a != b for a, b in zip(word, span, strict=True)) != 1:
            return None
        # A span that starts or ends inside a real word (专家号: 家号 -> 加号) is no typo.
        if i and self._known(run[i - 1 : i + 1]) or self._known(run[i + n - 1 : i + n + 1]):
            return None
        return word

    def _worded(self, run: str) -> list[bool]:
        """Per character of `run`: whether the segmenter reads it inside a word of 2+."""
        if self._cut is None:
            return [False] * len(run)
        out: list[bool] = []
        for token in self._cut(run):
            out += [len(token) > 1] * len(token)
        if len(out) != len(run):  # the segmenter dropped or added characters: trust no word
            return [False] * len(run)
        return out

    def _chinese(self, run: str) -> str:
        out, i = [], 0
        worded = self._worded(run)
        while i < len(run):
            for n in (4, 3, 2):
                word = self._typo(run, i, n, worded)
                if word is not None:
                    out.append(word)
                    i += n
                    break
            else:
                out.append(run[i])
                i += 1
        return "".join(out)

    def run(self, query: str) -> str:
        """The query with the base's words put back (unchanged when nothing applies)."""
        if not self._word:
            return query
        query = _LATIN.sub(lambda m: self._latin(m.group()), query)
        return _CJK_RUN.sub(lambda m: self._chinese(m.group()), query)
