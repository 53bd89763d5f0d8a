"""What calibrations share: the retrieval stages run on labelled queries, the decision features
of any fusion setting, and the ridge logistic regression the decision model is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from bot.matching.features import FEATURES, decision_features
from bot.matching.fuse import FuseOutput, Fuser
from bot.matching.index import Index

L2 = 0.1  # ridge penalty on standardized features (cross-validated: 0.01-3 within noise)
FOLDS = 5


@dataclass
class Components:
    """What each query got from the retrieval stages, before fusion."""

    queries: list[str]  # normalized
    truncated: list[bool]
    lexical: np.ndarray  # queries x questions
    dense: np.ndarray | None  # queries x phrasings (cosines)
    answers: np.ndarray | None  # queries x questions (cosines to the answers)
    negatives: list[float] | None  # per query, highest cosine to a negative (None: none)
    coverage: list[tuple[float, float]]
    boost: np.ndarray  # queries x questions (model numbers named in the query, validity)
    outside: list[frozenset[str]]  # words of scope.yml in each query
    outside_known: tuple[frozenset[str], ...]  # such words each question speaks of
    gold: np.ndarray  # question position, -1 = out of scope
    terms: list[np.ndarray]  # per query, its words the lexical index knows (for `foreign`)


def components(
    index: Index,
    queries: Sequence[tuple[str, str | None]],
    product_boost: float = 0.0,
    self_negatives: bool = False,
) -> Components:
    """Run the retrieval stages of `index` on every query (the code path of `Matcher.match`).

    Queries whose gold id the base does not have are dropped.

    Args:
        index: a built index.
        queries: ``(text, gold_id)`` pairs; gold None = out of scope.
        product_boost: as in the settings (model numbers named in a query).
        self_negatives: the queries may be messages of the index's negatives themselves (the
            calibration's general probes): a negative identical to the query is not counted.
    """
    ids = {qid: i for i, qid in enumerate(index.qids)}
    kept = [(t, g) for t, g in queries if not g or g in ids]
    texts, truncated, lex, den, ans, cov, boosts, foreign = [], [], [], [], [], [], [], []
    neg: list[float] = []
    n_phrasings = int(index.owner.shape[0])
    today = date.today()
    for text, _ in kept:
        norm = index.normalizer.run(text)
        query = index.query(norm["text"])
        tokens = index.segmenter.run(query)["tokens"]
        terms = index.terms(query, tokens)
        out = index.lexical.run(terms)
        texts.append(query)
        truncated.append(norm["truncated"])
        lex.append(out["scores"])
        cov.append(out["coverage"])
        foreign.append(index.lexical.word_ids(terms))
        if index.dense is not None:
            if query:
                dense_out = index.dense.run(query, skip=query if self_negatives else None)
                den.append(dense_out["scores"])
                ans.append(dense_out["answer_scores"])
                neg.append(dense_out["negative_max"])
            else:
                den.append(np.zeros(n_phrasings, np.float32))
                ans.append(np.zeros(len(index.qids), np.float32))
                neg.append(0.0)
        boosts.append(index.boost(query, None, frozenset(), product_boost, today))
    has_negatives = index.dense is not None and index.dense.n_negatives > 0
    return Components(
        queries=texts,
        truncated=truncated,
        lexical=np.array(lex, dtype=np.float32).reshape(len(kept), len(index.qids)),
        dense=np.array(den, dtype=np.float32) if den else None,
        answers=np.array(ans, dtype=np.float32) if ans else None,
        negatives=neg if neg and has_negatives else None,
        coverage=cov,
        boost=np.array(boosts, dtype=np.float32),
        outside=[index.outside(q) for q in texts],
        outside_known=index.outside_known,
        gold=np.array([ids[g] if g else -1 for _, g in kept], dtype=np.int64),
        terms=foreign,
    )


def fused_scores(comp: Components, fuser: Fuser, layout: np.ndarray) -> list[FuseOutput]:
    """`Fuser.run` on every query (boosts included)."""
    out = []
    for i in range(len(comp.queries)):
        dense = comp.dense[i] if comp.dense is not None else None
        answers = comp.answers[i] if comp.answers is not None else None
        out.append(fuser.run(comp.lexical[i], dense, layout, comp.boost[i], answers))
    return out


def top1_hits(comp: Components, fuser: Fuser, layout: np.ndarray) -> int:
    """In-scope queries whose best-fused question is the gold one."""
    fused = fused_scores(comp, fuser, layout)
    return sum(
        int(np.argmax(f["scores"]) == g) for f, g in zip(fused, comp.gold, strict=True) if g >= 0
    )


def feature_matrix(
    comp: Components, fuser: Fuser, index: Index
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features (queries x FEATURES), the top question and its fused scores per query."""
    assert comp.dense is not None, "the decision model needs dense scores"
    rows, tops, scores = [], [], []
    for i, f in enumerate(fused_scores(comp, fuser, index.layout)):
        top = int(np.argmax(f["scores"]))
        feats = decision_features(
            f["plain"],
            f["lexical"],
            f["dense"],
            f["dense_max"],
            comp.dense[i],
            index.owner,
            comp.queries[i],
            comp.coverage[i],
            comp.outside[i],
            comp.outside_known,
            comp.answers[i] if comp.answers is not None else None,
            comp.negatives[i] if comp.negatives is not None else None,
            index.lexical.foreign(comp.terms[i], top),
            top=top,
        )
        rows.append(list(feats))
        tops.append(top)
        scores.append(f["scores"])
    return np.array(rows, dtype=np.float64), np.array(tops), np.array(scores)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> dict[str, float]:
    """Ridge logistic regression (Newton steps) -> coefficients on the raw feature scale.

    Args:
        x: features, one row per query, columns in `FEATURES` order.
        y: 1 when the top question is right (and the query in scope), else 0.
        l2: penalty on the standardized coefficients (not the bias).

    Returns:
        Coefficient by feature name, plus ``bias``.
    """
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd < 1e-9] = 1.0
    xs = np.hstack([(x - mu) / sd, np.ones((len(x), 1))])
    w = np.zeros(xs.shape[1])
    penalty = np.full(len(w), l2)
    penalty[-1] = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-(xs @ w)))
        grad = xs.T @ (p - y) + penalty * w
        hess = (xs * (p * (1 - p))[:, None]).T @ xs + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    raw = w[:-1] / sd
    model = {name: round(float(c), 4) for name, c in zip(FEATURES, raw, strict=True)}
    model["bias"] = round(float(w[-1] - (raw * mu).sum()), 4)
    return model


def probabilities(model: dict[str, float], x: np.ndarray) -> np.ndarray:
    coef = np.array([model.get(name, 0.0) for name in FEATURES])
    return 1 / (1 + np.exp(-(x @ coef + model["bias"])))


def out_of_fold(x: np.ndarray, y: np.ndarray, seed: int = 0) -> np.ndarray:
    """Each query's probability from a model fitted without it (`FOLDS` folds)."""
    folds = np.random.default_rng(seed).permutation(len(y)) % FOLDS
    p = np.zeros(len(y))
    for k in range(FOLDS):
        train = folds != k
        p[~train] = probabilities(fit_logistic(x[train], y[train]), x[~train])
    return p
