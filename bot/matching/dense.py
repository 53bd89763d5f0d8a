"""Dense retrieval: cosine similarity of sentence embeddings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TypedDict

import numpy as np

from bot.matching.encoders import Encoder


class DenseOutput(TypedDict):
    """Output of `DenseRetriever.run`."""

    scores: np.ndarray  # cosine similarity per indexed phrasing


class EmbeddingCache:
    """Embeddings by text for one encoder, so a rebuild only encodes what changed.

    Args:
        encoder: the encoder whose vectors are cached.
        max_items: least recently used entries beyond this are dropped.
    """

    def __init__(self, encoder: Encoder, max_items: int = 50_000) -> None:
        self.encoder = encoder
        self.max_items = max_items
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts`, encoding only the ones not seen before."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        fresh = self.encoder.encode(missing) if missing else None
        with self._lock:
            if fresh is not None:
                for text, vec in zip(missing, fresh, strict=True):
                    self._items[text] = vec
            vectors = []
            for text in texts:
                vectors.append(self._items[text])
                self._items.move_to_end(text)
            while len(self._items) > max(self.max_items, len(texts)):
                self._items.popitem(last=False)
        if not vectors:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack(vectors).astype(np.float32, copy=False)


class DenseRetriever:
    """Dense retrieval stage.

    Args:
        cache: the embedding cache (and through it the encoder) to use.
    """

    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache
        self._matrix = np.zeros((0, 0), dtype=np.float32)

    def warm_up(self) -> None:
        """Load the encoder."""
        self.cache.encoder.warm_up()

    def fit(self, texts: list[str]) -> None:
        """Index texts (normalized phrasings)."""
        self._matrix = self.cache.encode(texts)

    def run(self, text: str) -> DenseOutput:
        """Cosine similarity of `text` to every indexed phrasing.

        Args:
            text: the normalized query (not empty).

        Returns:
            One score per phrasing.
        """
        query = self.cache.encoder.encode([text])[0]
        return {"scores": (self._matrix @ query).astype(np.float32)}
