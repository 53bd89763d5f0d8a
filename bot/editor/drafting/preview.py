"""A second matcher, beside the live one, for knowledge that is not live (a draft, a probe).

It shares the encoder and the embeddings cached on disk with the live matcher, so a build
only encodes new phrasings. Builds and the matches on them run under one lock: one preview
at a time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

T = TypeVar("T")
TOP_K = 20  # candidates kept: the checks want to see where the own question ranks


class Preview:
    """Builds an index of a knowledge base that is not live and matches against it.

    Args:
        settings: the live matcher's settings (a wider `top_k` is used).
    """

    def __init__(self, settings: MatchingSettings) -> None:
        self.matcher = Matcher(settings.model_copy(update={"top_k": TOP_K}))
        self._lock = threading.Lock()
        self._warm = False
        self._key: object = None

    @contextmanager
    def on(self, kb: KnowledgeBase, key: object = None) -> Iterator[Matcher]:
        """The matcher with `kb` indexed (rebuilt unless `key` names the current index)."""
        with self._lock:
            if not self._warm:
                self.matcher.warm_up()
                self._warm = True
            if key is None or key != self._key:
                self._key = None
                self.matcher.build(kb)
                self._key = key
            yield self.matcher

    def run(self, kb: KnowledgeBase, fn: Callable[[Matcher], T], key: object = None) -> T:
        """`fn(matcher)` with `kb` indexed."""
        with self.on(kb, key) as matcher:
            return fn(matcher)


def preview(extras: dict[str, Any], settings: MatchingSettings) -> Preview:
    """The runtime's shared preview matcher (created on first use)."""
    found = extras.get("preview")
    if not isinstance(found, Preview):
        found = extras["preview"] = Preview(settings)
    return found
