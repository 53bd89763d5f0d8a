"""Which device a question is about, when the words do not say.

「开不开机了 咋回事啊」 fits the laptop's, the desktop's, the phone's and the tablet's 开不了机
alike; 「电池健不健康」 the laptop's and the phone's. Answering the one that happens to rank first
(and starting its diagnosis tree) guesses the device. Here:

- the customer's own words name a device: the matcher already reads them (nothing to do);
- the customer's devices are known (the profile's ``owner_<line>`` tags, or the product lines
  named earlier in the conversation) and exactly one of the close questions is for one of
  them: that question, directly;
- otherwise (no device known, or two of them fit): ask which device, one button per question.

Close questions are the ranking's questions for other product lines than the top one within
`DEVICE_GAP` of its score. A base without product lines never asks.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Candidate, MatchResult

DEVICE_GAP = 0.12
"""How close to the top question's fused score a question for another device must rank to be
the same problem on that device (the matcher's default `clarify_gap`)."""
MAX_DEVICES = 4

Outcome = Literal["keep", "pick", "ask"]


@dataclass(frozen=True)
class DeviceCheck:
    """What the device check made of a match."""

    outcome: Outcome  # keep: nothing to do | pick: `question_id` directly | ask: `choices`
    question_id: str | None = None
    choices: tuple[Candidate, ...] = ()


def check_device(
    kb: KnowledgeBase,
    result: MatchResult,
    named: bool,
    known_lines: Sequence[Collection[str]],
    words: Collection[str] = (),
) -> DeviceCheck:
    """Whether an answered match guessed the device.

    Args:
        kb: the live knowledge base.
        result: the match of the customer's words: an answer may guess the device, a clarify
            may be a doubt between devices only.
        named: the words themselves name a product line or model (they are not asked back).
        known_lines: the customer's product lines as each source knows them, the most telling
            first (the lines named in the words, earlier in the conversation, the profile's).
        words: the customer's words as segmented; one that names the device of one of the
            close questions (`device_word`) settles it.

    Returns:
        keep, pick (another question directly) or ask (the questions to choose from).
    """
    every = kb.product_ids
    top_id = result.candidates[0].id if result.candidates else None
    if result.decision == "none" or top_id is None or named or not every:
        return DeviceCheck("keep")
    top = kb.questions.get(top_id)
    if top is None or not _specific(top.products, every):
        return DeviceCheck("keep")
    best = result.candidates[0].score if result.candidates else 0.0
    covered = set(top.products)
    siblings: list[Candidate] = [result.candidates[0]]
    for c in result.candidates:
        q = kb.questions.get(c.id)
        if c.id == top_id or q is None or not _specific(q.products, every):
            continue
        if best - c.score <= DEVICE_GAP and covered.isdisjoint(q.products):
            siblings.append(c)
            covered.update(q.products)
    if len(siblings) == 1:
        return DeviceCheck("keep")
    if result.decision == "clarify" and not all(
        _specific(kb_products(kb, c.id), every) for c in result.choices
    ):
        return DeviceCheck("keep")  # the doubt is not (only) which device
    said = [c for c in siblings if any(device_word(kb, c.id, siblings, w) for w in words)]
    if len(said) == 1:
        return DeviceCheck(_settle(result, said[0].id), said[0].id)
    for lines in known_lines:
        fits = [c for c in siblings if not set(kb.questions[c.id].products).isdisjoint(lines)]
        if len(fits) == 1:
            return DeviceCheck(_settle(result, fits[0].id), fits[0].id)
        if fits:  # two of the customer's devices fit: ask which one
            return DeviceCheck("ask", choices=tuple(fits[:MAX_DEVICES]))
    if named:
        return DeviceCheck("keep")
    return DeviceCheck("ask", choices=tuple(siblings[:MAX_DEVICES]))


def _settle(result: MatchResult, question_id: str) -> Outcome:
    """Answer `question_id`: nothing to change when the match answers it already."""
    return "keep" if result.answer_id == question_id else "pick"


DEVICE_WORD_MIN = 2  # titles a device word is said in
DEVICE_WORD_STRAY = 0.1  # share of them that may be for other devices


def device_word(kb: KnowledgeBase, question_id: str, siblings: list[Candidate], word: str) -> bool:
    """Whether `word` names the device of one of the close questions.

    It is said in that question's title and in no other's (笔记本 in 「怎么查看笔记本电池健康度」,
    not in 「手机电池健康度怎么查看」), and it is a device's word in the whole base: nearly every
    title saying it is for that question's product lines (「没反应」 is said of every device).
    """
    own = kb.questions.get(question_id)
    if own is None or len(word) < 2 or word.lower() not in own.title.lower():
        return False
    for c in siblings:
        other = kb.questions.get(c.id)
        if c.id != question_id and other is not None and word.lower() in other.title.lower():
            return False
    lines = set(own.products)
    every = kb.product_ids
    saying = [q for q in kb.questions.values() if word.lower() in q.title.lower()]
    stray = sum(not _specific(q.products, every) or lines.isdisjoint(q.products) for q in saying)
    return len(saying) >= DEVICE_WORD_MIN and stray <= DEVICE_WORD_STRAY * len(saying)


def kb_products(kb: KnowledgeBase, question_id: str) -> list[str]:
    """The product lines of a question (none: gone from the base)."""
    question = kb.questions.get(question_id)
    return list(question.products) if question is not None else []


def _specific(products: Collection[str], every: set[str]) -> bool:
    """A question for some product lines only (not for every line)."""
    return bool(products) and not every <= set(products)
