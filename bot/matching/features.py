"""What the decision stage knows about a ranking: a few numbers per query, beyond the top score.

A single threshold on the fused score answers too little: users' words for one question score
anywhere between 0.5 and 1.0, while a wrong top question or an out-of-scope query can score 0.7.
What separates them is how the evidence agrees: a clear lead over the runner-up, a knowledge
phrasing (not just a question average) close to the words, a query whose words the knowledge base
knows at all. `Decider` turns these features into the probability that the top question is right.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

#: Features of a ranking, in the order of `DecisionFeatures`.
FEATURES = (
    "s1",
    "margin",
    "lex1",
    "denmargin",
    "maxcos",
    "cosmargin",
    "cnt",
    "loglen",
    "covw",
    "covc",
    "outside",
    "anscos",
    "ansmargin",
    "negcos",
    "negmargin",
    "foreign",
)

#: Features that need ``negatives.yml``; a base without negatives is decided without them.
NEGATIVE_FEATURES = ("negcos", "negmargin")

_TOP_PHRASINGS = 10  # phrasings looked at for `cnt`


class DecisionFeatures(NamedTuple):
    """Evidence for the top question of one query (see `decision_features`)."""

    s1: float  # fused score of the top question (boosts included)
    margin: float  # its lead over the runner-up's fused score
    lex1: float  # its lexical score, in [0, 1]
    denmargin: float  # its lead on the dense side (mean of top-n phrasings, rescaled)
    maxcos: float  # cosine of its closest phrasing
    cosmargin: float  # lead of that cosine over the closest phrasing of any other question
    cnt: float  # share of the 10 closest phrasings that belong to it
    loglen: float  # log(1 + characters of the normalized query, spaces excluded)
    covw: float  # share of the query's words the index knows
    covc: float  # share of the query's character bigrams the index knows
    outside: float = 0.0  # 1: the query names what is not served and its top question does not
    anscos: float = 0.0  # cosine of the query and the top question's answer
    ansmargin: float = 0.0  # its lead over the closest answer of any other question
    negcos: float = 0.0  # cosine of the closest message the centre does not answer (negatives)
    negmargin: float = 0.0  # maxcos minus negcos: closer to its question than to a negative?
    foreign: float = 0.0  # rarest word of the query the base knows but the top question lacks


def decision_features(
    fused: np.ndarray,
    lexical: np.ndarray,
    dense: np.ndarray,
    dense_max: np.ndarray,
    phrasing_scores: np.ndarray,
    owner: np.ndarray,
    query: str,
    coverage: tuple[float, float],
    outside: frozenset[str] = frozenset(),
    outside_known: Sequence[frozenset[str]] = (),
    answer_scores: np.ndarray | None = None,
    negative_max: float | None = None,
    foreign: float = 0.0,
    top: int | None = None,
) -> DecisionFeatures:
    """The features of one query's ranking.

    Args:
        fused: fused score per question (boosts included).
        lexical: lexical score per question.
        dense: rescaled dense score per question (`Fuser` output ``dense``).
        dense_max: best phrasing cosine per question (`Fuser` output ``dense_max``).
        phrasing_scores: cosine per indexed phrasing.
        owner: question position of each phrasing.
        query: the normalized query.
        coverage: shares of the query's words and bigrams known to the lexical index.
        outside: words of ``scope.yml`` (other brands, products not made, other services) in the
            query.
        outside_known: such words each question speaks of, by question position.
        answer_scores: cosine of the query and each question's answer (None or empty: the
            answer features are 0).
        negative_max: the query's highest cosine to a message of ``negatives.yml`` (None: no
            negatives, read as a cosine of 0: nothing near).
        foreign: see `LexicalRetriever.foreign` (a subject the top question does not speak of:
            电脑 in 「电脑老是很卡」 matched to the phone's 卡顿).
        top: the question ranked first, when the ranking is not `fused` itself (answers
            ranked too, see `Fuser`): its features are read on `fused`, so its lead there is
            negative when `fused` puts another question first. None = the best of `fused`.

    Returns:
        The features of the top question.
    """
    n = len(fused)
    if n == 0:
        return DecisionFeatures(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, *coverage)
    if top is None:
        pair = np.argpartition(-fused, 1)[:2] if n > 1 else np.array([0, 0])
        top = int(pair[0] if fused[pair[0]] >= fused[pair[1]] else pair[1])
    s1 = float(fused[top])
    s2 = float(np.max(np.delete(fused, top))) if n > 1 else 0.0

    def lead(values: np.ndarray) -> float:
        return float(values[top] - np.max(np.delete(values, top))) if n > 1 else float(values[top])

    answers = answer_scores if answer_scores is not None and len(answer_scores) == n else None
    k = min(_TOP_PHRASINGS, len(phrasing_scores))
    cnt = 0.0
    if k:
        closest = np.argpartition(-phrasing_scores, k - 1)[:k]
        cnt = float(np.count_nonzero(owner[closest] == top)) / _TOP_PHRASINGS
    return DecisionFeatures(
        s1=s1,
        margin=s1 - s2 if np.isfinite(s2) else 1.0,
        lex1=float(lexical[top]),
        denmargin=lead(dense),
        maxcos=float(dense_max[top]),
        cosmargin=lead(dense_max),
        cnt=cnt,
        loglen=float(np.log1p(len(query.replace(" ", "")))),
        covw=coverage[0],
        covc=coverage[1],
        outside=float(bool(outside - (outside_known[top] if outside_known else frozenset()))),
        anscos=float(answers[top]) if answers is not None else 0.0,
        ansmargin=lead(answers) if answers is not None else 0.0,
        negcos=negative_max or 0.0,
        negmargin=float(dense_max[top]) - (negative_max or 0.0),
        foreign=foreign,
    )
