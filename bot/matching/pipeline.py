"""The matcher: normalize -> segment -> lexical + dense retrieval -> fuse -> decide."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

import numpy as np

from bot.knowledge.schema import KnowledgeBase
from bot.matching.autocal import calibrate_base
from bot.matching.calibration import Calibration, CalibrationStore, fingerprint
from bot.matching.decide import Decider, Decision
from bot.matching.dense import DenseRetriever, EmbeddingCache
from bot.matching.encoders import get_encoder
from bot.matching.features import decision_features
from bot.matching.fuse import Fuser
from bot.matching.index import Index, IndexBuilder
from bot.matching.settings import MatchingSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Live:
    """What serves queries: an index and the calibration deciding on it, swapped as one."""

    index: Index
    key: str  # fingerprint of the index's base
    calibration: Calibration
    fuser: Fuser
    decider: Decider


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
        # The calibration builds split indexes with a builder of its own (the live one keeps
        # its caches for the next publish).
        self._calibration_builder = IndexBuilder(s, self._cache)
        self.store = CalibrationStore(s.calibration_dir)
        self._live: _Live | None = None
        self._build_lock = threading.Lock()
        self._calibrate_lock = threading.Lock()
        self._pending: tuple[Index, str] | None = None
        self._worker: threading.Thread | None = None
        self.last_build_s = 0.0

    @property
    def dense_enabled(self) -> bool:
        """Whether a dense encoder is configured."""
        return self._cache is not None

    @property
    def kb(self) -> KnowledgeBase | None:
        """The knowledge base of the live index."""
        return self._live.index.kb if self._live else None

    @property
    def _index(self) -> Index | None:
        return self._live.index if self._live else None

    @property
    def calibration(self) -> Calibration | None:
        """The calibration deciding on the live index."""
        return self._live.calibration if self._live else None

    @property
    def live_key(self) -> str | None:
        """The fingerprint of the live base."""
        return self._live.key if self._live else None

    @property
    def calibrated(self) -> bool:
        """Whether the live calibration was fitted on the live base."""
        live = self._live
        return live is not None and live.calibration.fingerprint == live.key

    def calibration_status(self) -> dict[str, Any]:
        """For the editor: which calibration decides now, when it ran, what it expects.

        `state` is `fitted` (fitted on the live base), `running` (a calibration of the live base
        is under way; the last one decides meanwhile) or `previous` (the last one decides and
        none is running, e.g. without an embedding cache).
        """
        live = self._live
        if live is None:
            return {"state": "none"}
        c = live.calibration
        worker = self._worker
        running = worker is not None and worker.is_alive()
        state = "fitted" if c.fingerprint == live.key else "running" if running else "previous"
        return {
            "state": state,
            "source": c.source,
            "ran_at": c.ran_at.isoformat() if c.ran_at else None,
            "seconds": round(c.seconds, 1),
            "estimates": c.estimates,
            "probes": c.probes,
        }

    def warm_up(self) -> None:
        """Load the heavy state: the encoder, jieba's dictionary, the script converter."""
        if self._cache is not None:
            DenseRetriever(self._cache).warm_up()
        self._builder.warm_up()

    def build(self, kb: KnowledgeBase) -> None:
        """Build an index of `kb` and make it live atomically.

        It goes live with the calibration stored for this very base if there is one (a restart,
        a rollback), else with the last one (an edit rarely moves it much), else the shipped
        default. `calibrate` or `calibrate_in_background` then fits one for it.

        Args:
            kb: a validated knowledge base.

        Raises:
            Exception: whatever failed; the previous index keeps serving.
        """
        with self._build_lock:
            started = time.perf_counter()
            index = self._builder.build(kb)
            key = fingerprint(kb, self.settings)
            calibration = self.store.get(key)
            if calibration is None:
                live = self._live
                calibration = (
                    live.calibration
                    if live is not None and live.calibration.source == "base"
                    else Calibration.default(self.settings, negatives=bool(kb.negatives))
                )
            # One reference assignment: readers see the old or the new pair, whole.
            self._live = self._make_live(index, key, calibration)
            self.last_build_s = time.perf_counter() - started
            if self._cache is not None:
                self._cache.save()  # after the swap: persisting is not on the edit-to-live path

    def _make_live(self, index: Index, key: str, calibration: Calibration) -> _Live:
        c, s = calibration, self.settings
        decider = Decider(
            s.answer_threshold,
            s.answer_margin,
            c.clarify_threshold,
            s.clarify_gap,
            s.clarify_max,
            model=c.answer_model,
            answer_probability=c.answer_probability,
            min_margin=s.answer_min_margin,
        )
        fuser = Fuser(
            c.lexical_weight,
            c.dense_weight,
            c.dense_floor,
            c.dense_top_n,
            c.answer_weight,
            c.answer_floor,
        )
        return _Live(index, key, calibration, fuser, decider)

    def calibrate(self) -> Calibration | None:
        """Calibrate the live base now (if it has no calibration of its own) and swap it in.

        Returns:
            The live calibration afterwards (None before the first build).
        """
        live = self._live
        if live is None:
            return None
        if live.calibration.fingerprint != live.key:
            self._calibrate(live.index, live.key)
        return self.calibration

    def calibrate_in_background(self) -> threading.Thread | None:
        """Calibrate the live base on a background thread; the newest base wins.

        While one calibration runs, later builds only leave their base to be calibrated next
        (bases published meanwhile and replaced are skipped).

        Returns:
            The worker thread (join it to wait), or None when there is nothing to do.
        """
        live = self._live
        if live is None or live.calibration.fingerprint == live.key or self._cache is None:
            return None
        with self._calibrate_lock:
            self._pending = (live.index, live.key)
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._drain, name="kefu-calibration", daemon=True
                )
                self._worker.start()
            return self._worker

    def _drain(self) -> None:
        while True:
            with self._calibrate_lock:
                job, self._pending = self._pending, None
            if job is None:
                return
            try:
                self._calibrate(*job)
            except Exception:  # a failed calibration leaves the last one deciding
                log.exception("calibration failed; the previous one stays live")

    def _calibrate(self, index: Index, key: str) -> None:
        if self._cache is None:
            return
        calibration = calibrate_base(index.kb, index, self._calibration_builder, self.settings, key)
        self.store.put(calibration)
        self._cache.save()  # the variants it encoded, for the next calibration
        with self._build_lock:
            live = self._live
            if live is not None and live.key == key:
                self._live = self._make_live(live.index, key, calibration)
        log.info(
            "calibrated %d questions in %.1f s: %s",
            len(index.qids),
            calibration.seconds,
            calibration.estimates,
        )

    def lines_named(self, text: str) -> list[frozenset[str]]:
        """The product lines a customer's words name, one set per naming word or model
        (「笔记本」 names the laptop lines, 「X60」 the phone); empty before the first build."""
        live = self._live
        if live is None:
            return []
        index = live.index
        return index.lines_named(index.query(index.normalizer.run(text)["text"]))

    def words(self, text: str) -> list[str]:
        """A customer's words as the matcher segments them (normalized, repaired)."""
        live = self._live
        if live is None:
            return []
        index = live.index
        return list(index.segmenter.run(index.query(index.normalizer.run(text)["text"]))["tokens"])

    def match(
        self,
        text: str,
        *,
        products: list[str] | None = None,
        tags: set[str] | frozenset[str] = frozenset(),
        channel: str = "web",
        exclude: frozenset[str] = frozenset(),
    ) -> MatchResult:
        """Match one query.

        Args:
            text: the user's words, as typed.
            products: the customer's product lines (boost their questions).
            tags: the customer's identity tags; ``owner_<line>`` tags count as products.
            channel: ``web`` or ``wechat`` (answers differ per channel, ranking does not).
            exclude: ids of questions not to propose (a follow-up read in the context of a
                question asks something else than that question).

        Returns:
            The decision, the ranking and per-stage timings.
        """
        live = self._live
        if live is None:
            raise RuntimeError("Matcher.build() has not been called")
        index = live.index
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        norm = index.normalizer.run(text)
        t1 = time.perf_counter()
        timings["normalize"] = (t1 - t0) * 1000
        query = index.query(norm["text"])
        if not any(ch.isalnum() for ch in query):
            return MatchResult("none", [], [], query, timings)
        tokens = index.segmenter.run(query)["tokens"]
        t2 = time.perf_counter()
        timings["segment"] = (t2 - t1) * 1000
        terms = index.terms(query, tokens)
        lexical_out = index.lexical.run(terms)
        t3 = time.perf_counter()
        timings["lexical"] = (t3 - t2) * 1000
        dense_out = index.dense.run(query) if index.dense is not None else None
        dense = dense_out["scores"] if dense_out is not None else None
        t4 = time.perf_counter()
        timings["dense"] = (t4 - t3) * 1000
        boost = index.boost(query, products, tags, self.settings.product_boost, date.today())
        if exclude:
            boost[[i for i, qid in enumerate(index.qids) if qid in exclude]] = -np.inf
        answers = dense_out["answer_scores"] if dense_out is not None else None
        fused_out = live.fuser.run(lexical_out["scores"], dense, index.layout, boost, answers)
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
        decider = live.decider
        if decider.uses_model and dense is not None and ranking:
            features = decision_features(
                fused_out["plain"],
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
                dense_out["negative_max"] if dense_out is not None else None,
                index.lexical.foreign(index.lexical.word_ids(terms), int(top[0])),
                top=int(top[0]),
            )
        # Decided on the exact scores: the candidates' are rounded for display.
        exact = [float(fused[i]) for i in top if np.isfinite(fused[i])]
        # Naming a product line the top question is not for holds the direct answer back.
        held = norm["truncated"] or bool(len(top) and index.conflict(query, int(top[0])))
        decided = decider.run(exact, held, features)
        t5 = time.perf_counter()
        timings["fuse_decide"] = (t5 - t4) * 1000
        timings["total"] = (t5 - t0) * 1000
        choices = [ranking[i] for i in decided["choices"]]
        return MatchResult(
            decided["decision"], ranking, choices, query, timings, decided["confidence"]
        )
