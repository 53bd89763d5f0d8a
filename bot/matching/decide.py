"""The decision: answer at once, offer a short choice, or admit there is no match."""

from __future__ import annotations

from typing import Literal, TypedDict

Decision = Literal["answer", "clarify", "none"]


class DecideOutput(TypedDict):
    """Output of `Decider.run`."""

    decision: Decision
    choices: list[int]  # positions in the ranking offered to the user (answer: [0])


class Decider:
    """Decision stage on the fused, ranked question scores.

    - ``answer`` when the best score clears `answer_threshold` and leads the next question by
      `answer_margin` (two close candidates mean the user's words fit both: ask instead);
    - ``clarify`` when the best clears `clarify_threshold`: the best and up to
      `clarify_max - 1` others within `clarify_gap` of it are offered (您是想问…);
    - ``none`` otherwise.
    A query that had to be truncated is never answered directly: a long paste is rarely one
    question.

    Args:
        answer_threshold: score needed to answer.
        answer_margin: lead over the runner-up needed to answer.
        clarify_threshold: score needed to offer a choice.
        clarify_gap: how close to the best another candidate must be to be offered.
        clarify_max: most candidates offered.
    """

    def __init__(
        self,
        answer_threshold: float,
        answer_margin: float,
        clarify_threshold: float,
        clarify_gap: float,
        clarify_max: int = 3,
    ) -> None:
        self.answer_threshold = answer_threshold
        self.answer_margin = answer_margin
        self.clarify_threshold = clarify_threshold
        self.clarify_gap = clarify_gap
        self.clarify_max = clarify_max

    def warm_up(self) -> None:
        """Nothing to load."""

    def run(self, scores: list[float], truncated: bool = False) -> DecideOutput:
        """Decide on a ranking.

        Args:
            scores: fused scores of the ranked candidates, best first.
            truncated: the query was cut because it was too long.

        Returns:
            The decision and the positions offered.
        """
        if not scores or scores[0] < self.clarify_threshold:
            return {"decision": "none", "choices": []}
        best = scores[0]
        runner_up = scores[1] if len(scores) > 1 else 0.0
        if (
            not truncated
            and best >= self.answer_threshold
            and best - runner_up >= self.answer_margin
        ):
            return {"decision": "answer", "choices": [0]}
        close = [
            i
            for i, s in enumerate(scores[: self.clarify_max])
            if s >= self.clarify_threshold and best - s <= self.clarify_gap
        ]
        return {"decision": "clarify", "choices": close}
