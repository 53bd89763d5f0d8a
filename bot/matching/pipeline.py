"""The matcher: normalize -> segment -> lexical + dense retrieval -> fuse -> decide."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

import numpy as np

from bot.knowledge.schema import KnowledgeBase
from bot.matching.decide import Decider, Decision
from bot.matching.dense import DenseRetriever, EmbeddingCache
from bot.matching.encoders import get_encoder
from bot.matching.features import decision_features
from bot.matching.fuse import Fuser
from bot.matching.index import Index, IndexBuilder
from bot.matching.settings import MatchingSettings


class Candidate(NamedTuple):
    """A standard question proposed for a query."""

    id: str
    title: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    """What the matcher made of one query."""

    decision: Decision  # answer | clarify | none
    candidates: list[Candidate]  # the ranking, best first (top_k)
    choices: list[Candidate]  # what to show: the answer, or the 2-3 clarify buttons
    query: str = ""  # the normalized query
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds per stage
    confidence: float | None = None  # probability that the top candidate is right, if modelled

    @property
    def answer_id(self) -> str | None:
        """The question to answer when the decision is ``answer``."""
        return self.choices[0].id if self.decision == "answer" else None


class Matcher:
    """Matches a user's words to the standard questions of the live knowledge base.

    Typical use: ``m = Matcher(settings.matching); m.warm_up(); m.build(kb); m.match(text)``.
    `build` can be called again at any time (a knowledge edit was published): the new index is
    built aside and swapped in with one assignment, so queries in flight finish on the old one,
    and a build that fails leaves the old one serving. Rebuilds reuse the phrasings and
    embeddings they have seen, so an edit of one question goes live in well under a second.

    Args:
        settings: matching settings; defaults when omitted.
    """

    def __init__(self, settings: MatchingSettings | None = None) -> None:
        self.settings = settings or MatchingSettings()
        s = self.settings
        encoder = get_encoder(
            s.encoder, s.encoder_device, s.query_prefix, s.encoder_threads, s.encoder_engine
        )
        self._cache = (
            EmbeddingCache(encoder, s.embedding_cache_size, s.cache_dir, s.query_cache_size)
            if encoder
            else None
        )
        self._builder = IndexBuilder(s, self._cache)
        self.fuser = Fuser(s.lexical_weight, s.dense_weight, s.dense_floor, s.dense_top_n)
        rule = (s.answer_threshold, s.answer_margin, s.clarify_threshold, s.clarify_gap)
        self.decider = Decider(
            *rule,
            s.clarify_max,
            model=s.answer_model,
            answer_probability=s.answer_probability,
            min_margin=s.answer_min_margin,
        )
        # A base without negatives.yml is decided by the model fitted without that evidence.
        self.decider_without_negatives = Decider(
            *rule,
            s.clarify_max,
            model=s.answer_model_without_negatives,
            answer_probability=s.answer_probability_without_negatives,
            min_margin=s.answer_min_margin,
        )
        self._index: Index | None = None
        self._build_lock = threading.Lock()
        self.last_build_s = 0.0

    @property
    def dense_enabled(self) -> bool:
        """Whether a dense encoder is configured."""
        return self._cache is not None

    @property
    def kb(self) -> KnowledgeBase | None:
        """The knowledge base of the live index."""
        return self._index.kb if self._index else None

    def warm_up(self) -> None:
        """Load the heavy state: the encoder, jieba's dictionary, the script converter."""
        if self._cache is not None:
            DenseRetriever(self._cache).warm_up()
        self._builder.warm_up()

    def build(self, kb: KnowledgeBase) -> None:
        """Build an index of `kb` and make it live atomically.

        Args:
            kb: a validated knowledge base.

        Raises:
            Exception: whatever failed; the previous index keeps serving.
        """
        with self._build_lock:
            started = time.perf_counter()
            index = self._builder.build(kb)
            self._index = index  # one reference assignment: readers see old or new, whole
            self.last_build_s = time.perf_counter() - started
            if self._cache is not None:
                self._cache.save()  # after the swap: persisting is not on the edit-to-live path

    def match(
        self,
        text: str,
        *,
        products: list[str] | None = None,
        tags: set[str] | frozenset[str] = frozenset(),
        channel: str = "web",
    ) -> MatchResult:
        """Match one query.

        Args:
            text: the user's words, as typed.
            products: the customer's product lines (boost their questions).
            tags: the customer's identity tags; ``owner_<line>`` tags count as products.
            channel: ``web`` or ``wechat`` (answers differ per channel, ranking does not).

        Returns:
            The decision, the ranking and per-stage timings.
        """
        index = self._index
        if index is None:
            raise RuntimeError("Matcher.build() has not been called")
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        norm = index.normalizer.run(text)
        t1 = time.perf_counter()
        timings["normalize"] = (t1 - t0) * 1000
        query = norm["text"]
        if not any(ch.isalnum() for ch in query):
            return MatchResult("none", [], [], query, timings)
        tokens = index.segmenter.run(query)["tokens"]
        t2 = time.perf_counter()
        timings["segment"] = (t2 - t1) * 1000
        lexical_out = index.lexical.run(index.terms(query, tokens))
        t3 = time.perf_counter()
        timings["lexical"] = (t3 - t2) * 1000
        dense_out = index.dense.run(query) if index.dense is not None else None
        dense = dense_out["scores"] if dense_out is not None else None
        t4 = time.perf_counter()
        timings["dense"] = (t4 - t3) * 1000
        boost = index.boost(query, products, tags, self.settings.product_boost, date.today())
        fused_out = self.fuser.run(lexical_out["scores"], dense, index.layout, boost)
        fused = fused_out["scores"]
        k = min(self.settings.top_k, len(fused))
        top = np.argpartition(-fused, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
        top = top[np.argsort(-fused[top], kind="stable")]
        ranking = [
            Candidate(index.qids[i], index.titles[i], round(float(fused[i]), 4))
            for i in top
            if np.isfinite(fused[i])
        ]
        features = None
        decider = self.decider if index.kb.negatives else self.decider_without_negatives
        if decider.uses_model and dense is not None and ranking:
            features = decision_features(
                fused,
                fused_out["lexical"],
                fused_out["dense"],
                fused_out["dense_max"],
                dense,
                index.owner,
                query,
                lexical_out["coverage"],
                index.outside(query),
                index.outside_known,
                dense_out["answer_scores"] if dense_out is not None else None,
                dense_out["negative_max"] if dense_out is not None and index.kb.negatives else None,
            )
        # Decided on the exact scores: the candidates' are rounded for display.
        exact = [float(fused[i]) for i in top if np.isfinite(fused[i])]
        decided = decider.run(exact, norm["truncated"], features)
        t5 = time.perf_counter()
        timings["fuse_decide"] = (t5 - t4) * 1000
        timings["total"] = (t5 - t0) * 1000
        choices = [ranking[i] for i in decided["choices"]]
        return MatchResult(
            decided["decision"], ranking, choices, query, timings, decided["confidence"]
        )
