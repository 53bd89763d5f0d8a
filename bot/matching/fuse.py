"""Fusion: lexical and dense scores of phrasings -> one score per standard question."""

from __future__ import annotations

from typing import TypedDict

import numpy as np


class FuseOutput(TypedDict):
    """Output of `Fuser.run`."""

    scores: np.ndarray  # fused score per question, in index order
    lexical: np.ndarray  # best lexical score per question
    dense: np.ndarray  # best dense score per question (rescaled), zeros when dense is off


class Fuser:
    """Fusion stage: best phrasing per question on each side, then a weighted sum.

    Taking the maximum per side before mixing lets lexical evidence come from one phrasing and
    semantic evidence from another. Dense cosines of a given encoder live in a narrow band
    (e5: ~0.75-1.0), so they are rescaled from [dense_floor, 1] to [0, 1] first; that keeps
    the thresholds comparable across encoders.

    Args:
        lexical_weight: weight of the lexical side.
        dense_weight: weight of the dense side (ignored when there are no dense scores).
        dense_floor: cosine mapped to 0.
    """

    def __init__(self, lexical_weight: float, dense_weight: float, dense_floor: float) -> None:
        self.lexical_weight = lexical_weight
        self.dense_weight = dense_weight
        self.dense_floor = dense_floor

    def warm_up(self) -> None:
        """Nothing to load."""

    def run(
        self,
        lexical: np.ndarray,
        dense: np.ndarray | None,
        starts: np.ndarray,
        boost: np.ndarray | None = None,
    ) -> FuseOutput:
        """Fuse phrasing scores into question scores.

        Args:
            lexical: lexical score per phrasing.
            dense: dense cosine per phrasing, or None for lexical-only matching.
            starts: index of each question's first phrasing (phrasings are grouped by question).
            boost: added to each question's fused score (identity / product line).

        Returns:
            Fused, lexical and dense scores per question.
        """
        lex_q = np.maximum.reduceat(lexical, starts) if len(starts) else lexical[:0]
        if dense is None:
            dense_q = np.zeros_like(lex_q)
            fused = lex_q.copy()
        else:
            span = max(1.0 - self.dense_floor, 1e-6)
            dense_q = np.clip((np.maximum.reduceat(dense, starts) - self.dense_floor) / span, 0, 1)
            total = self.lexical_weight + self.dense_weight or 1.0
            fused = (self.lexical_weight * lex_q + self.dense_weight * dense_q) / total
        if boost is not None:
            fused = fused + boost
        return {"scores": fused.astype(np.float32), "lexical": lex_q, "dense": dense_q}
