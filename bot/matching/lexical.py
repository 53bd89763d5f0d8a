"""Lexical retrieval: BM25 over words and character bigrams of every phrasing."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TypedDict

import numpy as np
from scipy import sparse

# One unit per CJK character, one per ASCII word (model numbers stay whole).
_UNIT_RE = re.compile(r"[a-z0-9]+(?:[-._+][a-z0-9]+)*|\S")


class LexicalOutput(TypedDict):
    """Output of `LexicalRetriever.run`."""

    scores: np.ndarray  # per indexed document, in [0, 1]: BM25 / the query's ideal BM25
    coverage: tuple[float, float]  # shares of the query's words and bigrams the index knows


def lexical_terms(text: str, tokens: list[str]) -> list[str]:
    """The terms a text is indexed by: its words and its character bigrams.

    Words carry meaning; bigrams catch what segmentation splits differently and typos
    (冲电/充电 share nothing as words but a bigram with their context).

    Args:
        text: the normalized text.
        tokens: its words from the segmentation stage.

    Returns:
        Prefixed terms, ``w:`` for words and ``c:`` for bigrams (and lone units).
    """
    terms = [f"w:{t}" for t in tokens]
    for chunk in text.split():
        units = _UNIT_RE.findall(chunk)
        if len(units) == 1:
            terms.append(f"c:{units[0]}")
        terms.extend(f"c:{a}{b}" for a, b in zip(units, units[1:], strict=False))
    return terms


class LexicalRetriever:
    """Lexical retrieval stage (Okapi BM25), scores normalized to [0, 1].

    A raw BM25 score depends on the query's length and rarity, so it is divided by the score
    the query would get against a copy of itself; terms the index has never seen count in that
    ideal at the highest IDF, so a query of unknown words scores low (an out-of-scope cue).

    Args:
        k1: BM25 term-frequency saturation.
        b: BM25 length normalization.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._vocab: dict[str, int] = {}
        self._idf = np.zeros(0, dtype=np.float32)
        self._weights: sparse.csc_matrix | None = None
        self._rows: sparse.csr_matrix | None = None
        self._avgdl = 1.0
        self._max_idf = 1.0

    def warm_up(self) -> None:
        """Nothing heavy to load; present for the stage interface."""

    def fit(self, docs: list[list[str]]) -> None:
        """Index documents (one list of terms each)."""
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths = np.array([max(len(d), 1) for d in docs], dtype=np.float32)
        for row, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                col = vocab.setdefault(term, len(vocab))
                rows.append(row)
                cols.append(col)
                tfs.append(tf)
        n_docs = max(len(docs), 1)
        self._avgdl = float(lengths.mean()) if len(docs) else 1.0
        r = np.array(rows, dtype=np.int64)
        c = np.array(cols, dtype=np.int64)
        tf_arr = np.array(tfs, dtype=np.float32)
        df = np.bincount(c, minlength=len(vocab)).astype(np.float32)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        norm = self.k1 * (1 - self.b + self.b * lengths[r] / self._avgdl)
        data = idf[c] * tf_arr * (self.k1 + 1) / (tf_arr + norm)
        self._weights = sparse.csc_matrix((data, (r, c)), shape=(len(docs), len(vocab)))
        self._rows = self._weights.tocsr()
        self._vocab = vocab
        self._idf = idf
        self._max_idf = math.log1p((n_docs + 0.5) / 0.5)

    def run(self, terms: list[str]) -> LexicalOutput:
        """Score every indexed document against the query terms.

        Args:
            terms: the query's terms (see `lexical_terms`).

        Returns:
            Normalized BM25 score per document.
        """
        if self._weights is None:
            raise RuntimeError("LexicalRetriever.fit() was not called")
        n_docs = self._weights.shape[0]
        coverage = self.coverage(terms)
        unique = list(dict.fromkeys(terms))
        if not unique:
            return {"scores": np.zeros(n_docs, dtype=np.float32), "coverage": coverage}
        known = [self._vocab[t] for t in unique if t in self._vocab]
        idfs = [
            float(self._idf[self._vocab[t]]) if t in self._vocab else self._max_idf for t in unique
        ]
        # The query against itself: every term once, in a document of the query's length.
        saturation = (self.k1 + 1) / (
            1 + self.k1 * (1 - self.b + self.b * len(terms) / self._avgdl)
        )
        ideal = sum(idfs) * saturation
        if not known or ideal <= 0:
            return {"scores": np.zeros(n_docs, dtype=np.float32), "coverage": coverage}
        raw = np.asarray(self._weights[:, known].sum(axis=1)).ravel()
        return {"scores": np.minimum(raw / ideal, 1.0).astype(np.float32), "coverage": coverage}

    def coverage(self, terms: list[str]) -> tuple[float, float]:
        """Shares of the query's words (``w:``) and bigrams (``c:``) that the index knows.

        Words the knowledge base never uses (冰箱, 外卖) are the clearest sign of an
        out-of-scope query that happens to share its frame (怎么取消) with a real question.

        Args:
            terms: the query's terms (see `lexical_terms`).

        Returns:
            ``(words, bigrams)``, each in [0, 1]; 0 when the query has none of that kind.
        """
        counts = [0, 0, 0, 0]  # words known, words, bigrams known, bigrams
        for term in terms:
            kind = 0 if term.startswith("w:") else 2
            counts[kind + 1] += 1
            counts[kind] += term in self._vocab
        return counts[0] / max(counts[1], 1), counts[2] / max(counts[3], 1)

    def word_ids(self, terms: list[str]) -> np.ndarray:
        """Vocabulary ids of the query's words (``w:`` terms, two characters or more) the index
        knows."""
        ids = {
            self._vocab[t] for t in terms if t.startswith("w:") and len(t) > 3 and t in self._vocab
        }
        return np.array(sorted(ids), dtype=np.int64)

    def foreign(self, word_ids: np.ndarray, doc: int) -> float:
        """The rarest known word of a query that document `doc` does not contain, as its IDF
        over the highest possible IDF (0: the document has every known word of the query).

        A word the base uses elsewhere but the matched question never does is a subject the
        question does not speak of: 电脑 in 「电脑老是很卡怎么办」 matched to the phone's 卡顿.

        Args:
            word_ids: see `word_ids`.
            doc: the matched document.
        """
        if self._rows is None or not len(word_ids):
            return 0.0
        own = self._rows.indices[self._rows.indptr[doc] : self._rows.indptr[doc + 1]]
        missing = word_ids[~np.isin(word_ids, own)]
        if not len(missing):
            return 0.0
        return float(self._idf[missing].max()) / self._max_idf
