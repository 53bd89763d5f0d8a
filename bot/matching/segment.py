"""Segmentation: jieba with the domain dictionary, on a private tokenizer."""

from __future__ import annotations

import logging
import threading
from typing import Any, TypedDict

from bot.knowledge.schema import DictWord
from bot.matching.normalize import base_normalize

_LOCK = threading.Lock()
_BASE: Any = None  # jieba's own dictionary, loaded once (~0.5 s) and shared read-only


class SegmentOutput(TypedDict):
    """Output of `Segmenter.run`."""

    tokens: list[str]  # words, without whitespace


def _base_tokenizer() -> Any:
    global _BASE
    with _LOCK:
        if _BASE is None:
            import jieba

            # jieba logs its dictionary loading at DEBUG on its own handler.
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _BASE = tokenizer
        return _BASE


class Segmenter:
    """Segmentation stage.

    Each instance has its own `jieba.Tokenizer`, so the domain words of one knowledge base never
    leak into the global jieba (used by other libraries) or into another index.

    Args:
        words: the domain dictionary (product names, model numbers, service terms).
    """

    def __init__(self, words: list[DictWord] | None = None) -> None:
        self.words = list(words or [])
        self._tokenizer: Any = None

    def warm_up(self) -> None:
        """Build the private tokenizer: jieba's dictionary plus the domain words."""
        if self._tokenizer is not None:
            return
        import jieba

        base = _base_tokenizer()
        tokenizer = jieba.Tokenizer()
        # Copying the prefix dictionary (~10 ms) instead of reloading it (~500 ms) keeps a
        # knowledge-base rebuild fast.
        tokenizer.FREQ = dict(base.FREQ)
        tokenizer.total = base.total
        tokenizer.initialized = True
        for entry in self.words:
            # Queries are lower-cased and width-folded before segmentation; so are the words.
            word = base_normalize(entry.word).replace(" ", "")
            if word:
                tokenizer.add_word(word, entry.freq, entry.tag)
        self._tokenizer = tokenizer

    def run(self, text: str) -> SegmentOutput:
        """Segment a normalized text.

        Args:
            text: output of the normalization stage.

        Returns:
            The words, whitespace dropped.
        """
        if self._tokenizer is None:
            self.warm_up()
        return {"tokens": [t for t in self._tokenizer.cut(text) if t.strip()]}

    def known(self, word: str) -> bool:
        """Whether `word` is in the dictionary (jieba's or the domain's)."""
        if self._tokenizer is None:
            self.warm_up()
        return bool(self._tokenizer.FREQ.get(word))
