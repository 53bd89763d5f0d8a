"""Probes a base asks itself: labelled queries for calibrating the decision on that base alone.

No customer writes evaluation queries for their own base, so the calibration makes them from the
base (`split_base`):

- **held-out phrasings**: one or two phrasings of each question (title included) leave the base
  and come back as queries; their question must rank first;
- **garbled variants** (`bot.matching.variants`) of questions with few phrasings, the only
  queries a title-only base can give;
- **unanswered questions**: a share of the questions leaves the base whole; their phrasings are
  in-domain messages the base (now) has no answer for, the hardest out-of-scope kind (「电脑很卡」
  when only the phone's 卡顿 is there) and the closest stand-in for a wrong top question;
- **general messages** (`general_probes`): the shipped corpus of chit-chat and other trades'
  questions, minus those too close to this base (a bank's base keeps its own bank questions).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.schema import KnowledgeBase
from bot.matching.variants import Homophones, variants

Kind = Literal["phrasing", "variant", "unanswered", "general"]
HELD_SHARE = 0.12  # questions taken out whole
MIN_HELD, MAX_HELD = 4, 150
MAX_VARIANTS = 1200  # bounds the encoding a recalibration needs (new texts)
FEW = 3  # questions with at most this many similar phrasings also get a garbled variant


@dataclass(frozen=True)
class Probe:
    """One labelled query of the calibration."""

    text: str  # as a customer would type it
    gold: str | None  # the question that answers it in the split base; None = none does
    kind: Kind


MIN_UNANSWERED = 80  # questions taken out across the splits (several splits on small bases)


def split_base(
    kb: KnowledgeBase,
    segment: Callable[[str], list[str]],
    seed: str = "kefu",
) -> list[tuple[KnowledgeBase, list[Probe]]]:
    """Split bases (the base minus held-out questions and phrasings) and their probes.

    Each split takes `HELD_SHARE` of the questions out whole, different ones each time; a
    small base gets several splits, so that at least `MIN_UNANSWERED` questions are probed
    unanswered in all. Held-out phrasings and variants come with the first split only.

    Args:
        kb: the base to calibrate.
        segment: the words of a text (for the variants).
        seed: makes the splits reproducible.

    Returns:
        Per split: the split base (every question keeps at least one phrasing) and its probes,
        without the general ones.
    """
    rnd = random.Random(seed)
    questions = list(kb.questions.values())
    order = questions[:]
    rnd.shuffle(order)
    n_held = 0
    if len(questions) >= 2 * MIN_HELD:
        n_held = min(max(round(HELD_SHARE * len(questions)), MIN_HELD), MAX_HELD)
    groups = [
        order[i : i + n_held]
        for i in range(0, n_held * (len(order) // max(n_held, 1)), n_held or 1)
    ]
    n_splits = max(1, min(len(groups), -(-MIN_UNANSWERED // max(n_held, 1))))
    sounds = Homophones(t for q in questions for t in q.phrasings)
    few = [q for q in order if len(q.similar) <= FEW]
    varied = {q.id for q in few[: MAX_VARIANTS // 2]}
    out = []
    for k in range(n_splits):
        held = {q.id for q in groups[k]} if groups else set()
        out.append(_split(kb, held, k == 0, varied, segment, sounds, random.Random(f"{seed}/{k}")))
    return out


def _split(
    kb: KnowledgeBase,
    held: set[str],
    positives: bool,
    varied: set[str],
    segment: Callable[[str], list[str]],
    sounds: Homophones,
    rnd: random.Random,
) -> tuple[KnowledgeBase, list[Probe]]:
    probes: list[Probe] = []
    kept = {}
    for q in kb.questions.values():
        phrasings = q.phrasings
        if q.id in held:
            shown = [phrasings[0], *rnd.sample(phrasings[1:], min(1, len(phrasings) - 1))]
            probes += [Probe(t, None, "unanswered") for t in shown]
            if q.id in varied:
                more = variants(q.title, segment, sounds, 1, q.id)
                probes += [Probe(t, None, "unanswered") for t in more]
            continue
        if not positives:
            kept[q.id] = q
            continue
        n_out = min(len(phrasings) - 1, 1 if len(phrasings) <= 5 else 2)
        out = rnd.sample(range(len(phrasings)), n_out)
        probes += [Probe(phrasings[i], q.id, "phrasing") for i in out]
        rest = [t for i, t in enumerate(phrasings) if i not in out]
        kept[q.id] = q.model_copy(update={"title": rest[0], "similar": rest[1:]})
        if q.id in varied:
            n = 2 if not q.similar else 1
            more = variants(q.title, segment, sounds, n, q.id)
            probes += [Probe(t, q.id, "variant") for t in more]
    return kb.model_copy(update={"questions": kept}), probes
