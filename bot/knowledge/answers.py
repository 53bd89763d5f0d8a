"""Choosing the answer a customer sees: the most specific matching variant wins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.knowledge.schema import Link, StandardQuestion


@dataclass(frozen=True)
class Answer:
    """The answer picked for one customer on one channel."""

    question_id: str
    text: str
    links: list[Link] = field(default_factory=list)
    variant: int | None = None  # index into `question.variants`; None = the default answer
    valid: bool = True  # False when `today` is outside the question's validity window


def pick_answer(question: StandardQuestion, tags: set[str], channel: str, today: date) -> Answer:
    """Pick the answer for a customer.

    A variant applies when its channel (if set) is `channel` and the customer has all of its
    tags. Among those that apply, the one setting the most conditions wins; on a tie the one
    listed first wins, so editors control precedence by order. No variant applies -> the
    default answer.

    Args:
        question: the matched standard question.
        tags: the customer's identity tags (``in_warranty``, ``member_gold``, ...).
        channel: ``web`` or ``wechat``.
        today: the date the validity window is checked against.

    Returns:
        The chosen answer; `Answer.valid` is False outside the validity window (the caller
        should not present an expired policy as current).
    """
    best: int | None = None
    best_rank = -1
    for index, variant in enumerate(question.variants):
        cond = variant.when
        if cond.channel is not None and cond.channel != channel:
            continue
        if not set(cond.tags) <= tags:
            continue
        if cond.specificity > best_rank:
            best, best_rank = index, cond.specificity
    valid = question.valid_on(today)
    if best is None:
        return Answer(question.id, question.answer, list(question.links), None, valid)
    chosen = question.variants[best]
    links = list(chosen.links) if chosen.links is not None else list(question.links)
    return Answer(question.id, chosen.answer, links, best, valid)
