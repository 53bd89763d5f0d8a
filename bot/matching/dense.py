"""Dense retrieval: cosine similarity of sentence embeddings."""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any, TypedDict

import numpy as np

from bot.matching.encoders import Encoder

log = logging.getLogger(__name__)


class _OneBlasThread:
    """Runs the query-time matrix product on one BLAS thread.

    Scoring one query is a 6,000 x 384 matrix-vector product: ~0.2 ms on one core. With
    OpenBLAS's default of one thread per core it takes several milliseconds as soon as the
    other core is busy (its threads wait on each other), and its spinning workers slow the
    encoder that runs next. The limit is set around the product only, and restored to the
    count found at start, so other BLAS work in the process keeps its threads.
    """

    def __init__(self) -> None:
        self._libs: list[tuple[Any, int]] | None = None
        self._lock = threading.Lock()

    def prepare(self) -> list[tuple[Any, int]]:
        """Find the process's BLAS libraries and their thread counts (once, ~10 ms)."""
        with self._lock:
            if self._libs is None:
                try:
                    from threadpoolctl import ThreadpoolController

                    found = ThreadpoolController().select(user_api="blas").lib_controllers
                    self._libs = [(lib, int(lib.num_threads)) for lib in found]
                except Exception as err:  # an optimization: never a reason to fail a query
                    log.debug("BLAS threads left as they are: %s", err)
                    self._libs = []
            return self._libs

    def __enter__(self) -> None:
        for lib, threads in self.prepare():
            if threads > 1:
                lib.set_num_threads(1)

    def __exit__(self, *exc: object) -> None:
        for lib, threads in self._libs or ():
            if threads > 1:
                lib.set_num_threads(threads)


_one_blas_thread = _OneBlasThread()


class DenseOutput(TypedDict):
    """Output of `DenseRetriever.run`."""

    scores: np.ndarray  # cosine similarity per indexed phrasing
    answer_scores: np.ndarray  # cosine similarity per question's answer (empty: not indexed)
    negative_max: float  # highest cosine to a message the centre does not answer (0: none)


class EmbeddingCache:
    """Embeddings by text for one encoder, so a rebuild only encodes what changed.

    Queries are cached apart, in memory only and fewer of them (`max_queries`): they must not
    crowd out the knowledge base's phrasings nor be written to disk.

    Args:
        encoder: the encoder whose vectors are cached.
        max_items: least recently used entries beyond this are dropped.
        directory: where the phrasing embeddings persist (None = memory only).
        max_queries: query embeddings kept.
    """

    def __init__(
        self,
        encoder: Encoder,
        max_items: int = 50_000,
        directory: Path | None = None,
        max_queries: int = 2048,
    ) -> None:
        self.encoder = encoder
        self.max_items = max_items
        self.directory = directory
        self.max_queries = max_queries
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
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

    def encode_query(self, text: str) -> np.ndarray:
        """The vector of one query: from the phrasings or recent queries, else encoded.

        Args:
            text: the normalized query.

        Returns:
            Its L2-normalized vector.
        """
        with self._lock:
            vec = self._items.get(text)
            if vec is None:
                vec = self._queries.get(text)
                if vec is not None:
                    self._queries.move_to_end(text)
        if vec is not None:
            return vec
        vec = self.encoder.encode([text])[0]
        if self.max_queries:
            with self._lock:
                self._queries[text] = vec
                while len(self._queries) > self.max_queries:
                    self._queries.popitem(last=False)
        return vec


NEAR_SAMPLE = 600  # phrasings sampled to measure how close the base's questions are


def general_kept(corpus: np.ndarray, matrix: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Which messages of the general corpus stay evidence against answering on this base.

    A message goes when some phrasing of the base is as close to it as the base's questions
    typically are to each other (the median, over sampled phrasings, of the closest phrasing of
    another question): a bank's base keeps its own bank questions, a chit-chat line stays.

    Args:
        corpus: vectors of the corpus messages.
        matrix: vectors of the base's phrasings.
        owner: question position of each phrasing.

    Returns:
        A boolean mask over the corpus.
    """
    if not len(corpus):
        return np.zeros(0, dtype=bool)
    closest = (corpus @ matrix.T).max(axis=1)
    if len(np.unique(owner)) < 2:
        return closest < 0.9
    rows = np.random.default_rng(0).permutation(len(matrix))[:NEAR_SAMPLE]
    sims = matrix[rows] @ matrix.T
    sims[owner[rows][:, None] == owner[None, :]] = -1.0
    return closest < float(np.median(sims.max(axis=1)))


class DenseRetriever:
    """Dense retrieval stage.

    Args:
        cache: the embedding cache (and through it the encoder) to use.
    """

    def __init__(self, cache: EmbeddingCache) -> None:
        self.cache = cache
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._answers = np.zeros((0, 0), dtype=np.float32)
        self._negatives = np.zeros((0, 0), dtype=np.float32)
        self.negative_texts: list[str] = []
        self._negative_rows: dict[str, int] = {}

    def warm_up(self) -> None:
        """Load the encoder and the persisted embeddings."""
        self.cache.encoder.warm_up()
        self.cache.load()
        _one_blas_thread.prepare()

    def fit(
        self,
        texts: list[str],
        answers: list[str] | None = None,
        negatives: list[str] | None = None,
        general: list[str] | None = None,
        owner: np.ndarray | None = None,
    ) -> None:
        """Index texts (normalized phrasings) and, optionally, each question's answer and the
        (normalized) messages the centre does not answer: its own (`negatives`) and those of the
        shipped general corpus (`general`) that are not close to the base (`general_kept`).

        Args:
            texts: normalized phrasings, grouped by question.
            answers: one text per question.
            negatives: the base's own messages not to answer.
            general: the general corpus, normalized.
            owner: question position of each phrasing (needed with `general`).
        """
        self.cache.load()
        self._matrix = self.cache.encode(texts)
        if answers:
            self._answers = self.cache.encode(answers)
        own = list(dict.fromkeys(t for t in negatives or () if t))
        kept: list[str] = []
        vectors = [self.cache.encode(own)] if own else []
        if general and owner is not None and len(self._matrix):
            corpus = list(dict.fromkeys(t for t in general if t and t not in set(own)))
            found = self.cache.encode(corpus)
            keep = general_kept(found, self._matrix, owner)
            kept = [t for t, k in zip(corpus, keep, strict=True) if k]
            vectors.append(found[keep])
        self.negative_texts = own + kept
        self._negatives = (
            np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, 0), np.float32)
        )
        self._negative_rows = {t: i for i, t in enumerate(self.negative_texts)}

    @property
    def n_negatives(self) -> int:
        """Messages not to answer in the index (own and general)."""
        return len(self._negatives)

    def run(self, text: str, skip: str | None = None) -> DenseOutput:
        """Cosine similarity of `text` to every indexed phrasing.

        Args:
            text: the normalized query (not empty).
            skip: a message of the negatives not to count (a calibration probe that is one).

        Returns:
            One score per phrasing, and one per answer when answers are indexed.
        """
        query = self.cache.encode_query(text)
        with _one_blas_thread:
            scores = self._matrix @ query
            answer_scores = self._answers @ query if len(self._answers) else self._answers[:0, 0]
            negative_max = 0.0
            if len(self._negatives):
                near = self._negatives @ query
                if skip is not None and skip in self._negative_rows:
                    near[self._negative_rows[skip]] = -1.0
                negative_max = float(np.max(near))
        return {"scores": scores, "answer_scores": answer_scores, "negative_max": negative_max}
