"""Sentence vectors for the editor's checks and clusters: the matcher's encoder and normalizer.

Texts are normalized exactly as the matcher indexes them, so the embeddings the matcher has
already cached on disk are reused. Without an encoder (``KEFU_MATCHING__ENCODER=none``),
hashed character bigrams stand in, so the checks still work, more coarsely.
"""

from __future__ import annotations

import hashlib
import threading
import zlib

import numpy as np

from bot.matching.dense import EmbeddingCache
from bot.matching.encoders import get_encoder
from bot.matching.normalize import Normalizer
from bot.matching.settings import MatchingSettings

_HASH_DIMS = 1024


class Embedder:
    """Normalizes and embeds texts; vectors are L2-normalized rows.

    Args:
        settings: the matcher's settings (encoder, cache directory, query length).
    """

    def __init__(self, settings: MatchingSettings) -> None:
        self.settings = settings
        encoder = get_encoder(
            settings.encoder,
            settings.encoder_device,
            settings.query_prefix,
            settings.encoder_threads,
            settings.encoder_engine,
        )
        self._cache = (
            EmbeddingCache(encoder, settings.embedding_cache_size, settings.cache_dir)
            if encoder is not None
            else None
        )
        self._normalizers: dict[str, Normalizer] = {}
        self._memo: dict[str, str] = {}  # text -> normalized, for the live synonym set
        self._lock = threading.Lock()

    @property
    def dense(self) -> bool:
        """Whether a real encoder is used (else hashed bigrams)."""
        return self._cache is not None

    def normalize(self, texts: list[str], synonyms: list[list[str]]) -> list[str]:
        """Texts as the matcher reads them, with these synonym groups."""
        key = hashlib.sha1(repr(synonyms).encode()).hexdigest()
        with self._lock:
            norm = self._normalizers.get(key)
            if norm is None:
                norm = Normalizer(synonyms, self.settings.max_query_chars)
                norm.warm_up()
                self._normalizers = {key: norm}  # one synonym set is live at a time
                self._memo = {}
            memo = self._memo
        out = []
        for text in texts:
            if text not in memo:
                memo[text] = norm.run(text)["text"] or text
            out.append(memo[text])
        if len(memo) > 200_000:
            memo.clear()
        return out

    def embed(self, texts: list[str], synonyms: list[list[str]]) -> np.ndarray:
        """Vectors of `texts` (normalized first), one row each."""
        norm = self.normalize(texts, synonyms)
        if not norm:
            return np.zeros((0, _HASH_DIMS if self._cache is None else 1), dtype=np.float32)
        if self._cache is None:
            return _hashed(norm)
        self._cache.load()
        vectors = self._cache.encode(norm)
        self._cache.save()
        return vectors


def _hashed(texts: list[str]) -> np.ndarray:
    out = np.zeros((len(texts), _HASH_DIMS), dtype=np.float32)
    for row, text in enumerate(texts):
        compact = "".join(text.split())
        grams = [compact[i : i + 2] for i in range(max(len(compact) - 1, 1))]
        for gram in grams:
            out[row, zlib.crc32(gram.encode()) % _HASH_DIMS] += 1.0
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-9)


def embedder(extras: dict[str, object], settings: MatchingSettings) -> Embedder:
    """The runtime's shared embedder (created on first use)."""
    found = extras.get("embedder")
    if not isinstance(found, Embedder):
        found = extras["embedder"] = Embedder(settings)
    return found
