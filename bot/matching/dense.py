"""Dense retrieval: cosine similarity of sentence embeddings."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import TypedDict

import numpy as np

from bot.matching.encoders import Encoder

log = logging.getLogger(__name__)


class DenseOutput(TypedDict):
    """Output of `DenseRetriever.run`."""

    scores: np.ndarray  # cosine similarity per indexed phrasing


class EmbeddingCache:
    """Embeddings by text for one encoder, so a rebuild only encodes what changed.

    Args:
        encoder: the encoder whose vectors are cached.
        max_items: least recently used entries beyond this are dropped.
    """

    def __init__(
        self, encoder: Encoder, max_items: int = 50_000, directory: Path | None = None
    ) -> None:
        self.encoder = encoder
        self.max_items = max_items
        self.directory = directory
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._dirty = False
        self._loaded = False

    @property
    def path(self) -> Path | None:
        """The file this cache persists to, one per encoder."""
        if self.directory is None:
            return None
        return self.directory / (re.sub(r"[^A-Za-z0-9_.-]+", "_", self.encoder.name) + ".npz")

    def load(self) -> None:
        """Read the persisted embeddings once (a missing or unreadable file is ignored)."""
        path = self.path
        with self._lock:
            if self._loaded:
                return
            self._loaded = True
            if path is None or not path.exists():
                return
            try:
                with np.load(path, allow_pickle=False) as data:
                    for text, vec in zip(data["texts"].tolist(), data["vectors"], strict=True):
                        self._items.setdefault(str(text), vec)
            except (OSError, ValueError, KeyError) as err:  # a cache never blocks serving
                log.warning("ignoring embedding cache %s: %s", path, err)

    def save(self) -> None:
        """Persist the embeddings if new ones were computed since the last save."""
        path = self.path
        if path is None or not self._dirty:
            return
        with self._lock:
            texts = np.array(list(self._items.keys()), dtype=str)
            vectors = np.stack(list(self._items.values())) if self._items else np.zeros((0, 0))
            self._dirty = False
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, texts=texts, vectors=vectors.astype(np.float32))
            tmp.replace(path)  # readers never see a half-written file
        except OSError as err:
            log.warning("cannot write embedding cache %s: %s", path, err)

    def encode(self, texts: list[str]) -> np.ndarray:
        """Vectors of `texts`, encoding only the ones not seen before."""
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        fresh = self.encoder.encode(missing) if missing else None
        with self._lock:
            if fresh is not None:
                for text, vec in zip(missing, fresh, strict=True):
                    self._items[text] = vec
                self._dirty = True
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
        """Load the encoder and the persisted embeddings."""
        self.cache.encoder.warm_up()
        self.cache.load()

    def fit(self, texts: list[str]) -> None:
        """Index texts (normalized phrasings)."""
        self.cache.load()
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
