"""The decision: answer at once, offer a short choice, or admit there is no match."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal, TypedDict

from bot.matching.features import FEATURES, DecisionFeatures

Decision = Literal["answer", "clarify", "none"]


class DecideOutput(TypedDict):
    """Output of `Decider.run`."""

    decision: Decision
    choices: list[int]  # positions in the ranking offered to the user (answer: [0])
    confidence: float | None  # probability that the top question is right (model only)


class Decider:
    """Decision stage on the ranked question scores and the features of the ranking.

    - ``answer`` when the top question is very likely right. With a calibrated `model` (a
      logistic regression on `DecisionFeatures`, coefficients by feature name plus ``bias``)
      that is: its probability reaches `answer_probability` and the top question leads the
      next by at least `min_margin` (two questions that close are a question to ask the user,
      e.g. 开不了机: laptop, desktop or phone?, whatever the model says). Without one (or
      without the features, as in lexical-only matching) it is the rule: the best score
      clears `answer_threshold` and leads the next question by `answer_margin`;
    - ``clarify`` when the best clears `clarify_threshold`: the best and up to
      `clarify_max - 1` others within `clarify_gap` of it are offered (您是想问…);
    - ``none`` otherwise.
    A query that had to be truncated is never answered directly: a long paste is rarely one
    question.

    Args:
        answer_threshold: score needed to answer (rule).
        answer_margin: lead over the runner-up needed to answer (rule).
        clarify_threshold: score needed to offer a choice.
        clarify_gap: how close to the best another candidate must be to be offered.
        clarify_max: most candidates offered.
        model: logistic coefficients by feature name and ``bias``; None or empty = the rule.
        answer_probability: probability needed to answer (model).
        min_margin: lead over the runner-up needed to answer (model).
    """

    def __init__(
        self,
        answer_threshold: float,
        answer_margin: float,
        clarify_threshold: float,
        clarify_gap: float,
        clarify_max: int = 3,
        model: Mapping[str, float] | None = None,
        answer_probability: float = 0.5,
        min_margin: float = 0.0,
    ) -> None:
        self.answer_threshold = answer_threshold
        self.answer_margin = answer_margin
        self.clarify_threshold = clarify_threshold
        self.clarify_gap = clarify_gap
        self.clarify_max = clarify_max
        self.answer_probability = answer_probability
        self.min_margin = min_margin
        self.model = dict(model or {})
        unknown = set(self.model) - {*FEATURES, "bias"}
        if unknown:
            raise ValueError(f"unknown decision feature(s): {', '.join(sorted(unknown))}")
        self._weights = [self.model.get(name, 0.0) for name in FEATURES]
        self._bias = self.model.get("bias", 0.0)

    @property
    def uses_model(self) -> bool:
        """Whether answers are decided by the calibrated model (features needed)."""
        return bool(self.model)

    def warm_up(self) -> None:
        """Nothing to load."""

    def probability(self, features: DecisionFeatures) -> float:
        """The model's probability that the top question is the right one.

        Args:
            features: features of the ranking.

        Returns:
            A probability in (0, 1).
        """
        z = self._bias + sum(w * x for w, x in zip(self._weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def run(
        self,
        scores: list[float],
        truncated: bool = False,
        features: DecisionFeatures | None = None,
    ) -> DecideOutput:
        """Decide on a ranking.

        Args:
            scores: fused scores of the ranked candidates, best first.
            truncated: the query was cut because it was too long.
            features: features of the ranking; the model is used when given and configured.

        Returns:
            The decision, the positions offered and the model's confidence (if used).
        """
        if not scores:
            return {"decision": "none", "choices": [], "confidence": None}
        best = scores[0]
        runner_up = scores[1] if len(scores) > 1 else 0.0
        confidence = None
        if self.model and features is not None:
            confidence = self.probability(features)
            # The lead is the features' (equal to best - runner_up unless answers rank too:
            # then it is the lead on the scores without them, see `decision_features`).
            confident = confidence >= self.answer_probability and features.margin >= self.min_margin
        else:
            confident = best >= self.answer_threshold and best - runner_up >= self.answer_margin
        if confident and not truncated:
            return {"decision": "answer", "choices": [0], "confidence": confidence}
        if best < self.clarify_threshold:
            return {"decision": "none", "choices": [], "confidence": confidence}
        close = [
            i
            for i, s in enumerate(scores[: self.clarify_max])
            if s >= self.clarify_threshold and best - s <= self.clarify_gap
        ]
        return {"decision": "clarify", "choices": close, "confidence": confidence}
