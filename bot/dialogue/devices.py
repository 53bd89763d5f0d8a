"""Which device a question is about, when the words do not say.

「开不开机了 咋回事啊」 fits the laptop's, the desktop's, the phone's and the tablet's 开不了机
alike; 「电池健不健康」 the laptop's and the phone's. Answering the one that happens to rank first
(and starting its diagnosis tree) guesses the device. Here:

- the customer's own words name a device: the matcher already reads them (an answer is kept,
  a doubt between devices goes to the device named);
- the matcher is nearly sure of its top question (`DEVICE_SURE`): the words chose it, answer it;
- the words say a term the base ties to one of the close questions' devices (C盘 and 蓝屏 are
  said in the phrasings of computer questions only, `DeviceTerms`): that question, directly;
- the customer's devices are known (the profile's ``owner_<line>`` tags, or the product lines
  named earlier in the conversation) and exactly one of the close questions is for one of
  them: that question, directly;
- otherwise (no device known, or two of them fit): ask which device, one button per question.

Close questions are the ranking's questions for other product lines than the top one within
`DEVICE_GAP` of its score. A doubt (clarify) is settled the same way when two of its choices are
such close questions and none is for every line (the doubt is which device). A base without
product lines never asks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.knowledge.schema import KnowledgeBase
from bot.matching.normalize import base_normalize
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
    text: str = "",
) -> DeviceCheck:
    """Whether an answered match guessed the device.

    Args:
        kb: the live knowledge base.
        result: the match of the customer's words: an answer may guess the device, a clarify
            may be a doubt between devices only.
        named: the words themselves name a product line or model: an answer is kept (never
            asked back), a doubt between devices is settled by the lines named.
        known_lines: the customer's product lines as each source knows them, the most telling
            first (the lines named in the words, earlier in the conversation, the profile's).
        words: the customer's words as segmented; one that names the device of one of the
            close questions (`device_word`) settles it.
        text: the customer's words as typed: their terms (`terms_of`) are read like `words`.

    Returns:
        keep, pick (another question directly) or ask (the questions to choose from).
    """
    every = kb.product_ids
    top_id = result.candidates[0].id if result.candidates else None
    if result.decision == "none" or top_id is None or not every:
        return DeviceCheck("keep")
    if named and result.decision == "answer":
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
    same = {c.id for c in siblings}
    if result.decision == "clarify" and (
        sum(c.id in same for c in result.choices) < 2
        or not all(_specific(kb_products(kb, c.id), every) for c in result.choices)
    ):
        return DeviceCheck("keep")  # the doubt is not (only) which device
    if _sure(result):
        return DeviceCheck("keep")
    terms = {*words, *terms_of(text)}
    said = [c for c in siblings if any(device_word(kb, c.id, siblings, w) for w in terms)]
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


DEVICE_SURE = 0.9
"""The matcher's probability that its answer is right above which the words chose the device's
question (「wifi显示连着 但网页死活打不开」 is the computer's 已连接但上不了网, not the phone's
连不上 WiFi), however close the other device's question ranks."""


def _sure(result: MatchResult) -> bool:
    return (
        result.decision == "answer"
        and result.confidence is not None
        and result.confidence >= DEVICE_SURE
    )


def _settle(result: MatchResult, question_id: str) -> Outcome:
    """Answer `question_id`: nothing to change when the match answers it already."""
    return "keep" if result.answer_id == question_id else "pick"


TERM_MIN = 2
"""Phrasings of a device's questions a term must be said in to be that device's term."""
TERM_STRAY = 0.1
"""Share of the phrasings saying a term (for the close questions' devices) that may be for the
other devices."""
TERM_UNITS = 4  # longest term read in the customer's words, in characters (a Latin word is one)


def device_word(
    kb: KnowledgeBase, question_id: str, siblings: Sequence[Candidate], word: str
) -> bool:
    """Whether `word` names the device of one of the close questions.

    The question says it (its title or a phrasing: C盘 in 「C盘空间满了怎么清理」), and the base
    ties it to that question's device against the other close questions' devices: nearly every
    phrasing that says it and is for one side of the choice is for that question's product lines
    (蓝屏 and C盘 are said of computers only; 「没反应」 and 「重启」 of every device). Phrasings of
    questions for every line, or for both sides, or for neither, say nothing either way.
    """
    own = kb.questions.get(question_id)
    if own is None or len(word) < 2:
        return False
    terms = device_terms(kb)
    if not terms.said_by(question_id, word):
        return False
    lines = set(own.products)
    others: set[str] = set()
    for c in siblings:
        if c.id != question_id:
            others.update(kb_products(kb, c.id))
    others -= lines
    for_it = against = 0
    for products, count in terms.counts(word).items():
        if not products:
            continue  # a question for every line
        if lines.isdisjoint(products) != others.isdisjoint(products):
            if lines.isdisjoint(products):
                against += count
            else:
                for_it += count
    return for_it >= TERM_MIN and against <= TERM_STRAY * (for_it + against)


class DeviceTerms:
    """Where the base says a term: the product lines of each phrasing saying it, counted.

    Built from the base's own titles and phrasings (whatever its products and wording), lazily
    per term: a term is counted the first time a customer says it.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        every = kb.product_ids
        self._said: list[tuple[str, str, frozenset[str]]] = []  # (question, phrasing, lines)
        self._by_question: dict[str, list[str]] = {}
        for q in kb.questions.values():
            lines = frozenset(q.products) if _specific(q.products, every) else frozenset()
            texts = [base_normalize(t) for t in (q.title, *q.similar)]
            self._by_question[q.id] = texts
            self._said += [(q.id, t, lines) for t in texts]
        self._counts: dict[str, Counter[frozenset[str]]] = {}

    def counts(self, term: str) -> Counter[frozenset[str]]:
        """Phrasings saying `term` by their question's product lines (empty: every line)."""
        found = self._counts.get(term)
        if found is None:
            found = Counter(lines for _, text, lines in self._said if term in text)
            self._counts[term] = found
        return found

    def said_by(self, question_id: str, term: str) -> bool:
        """Whether the question's title or one of its phrasings says `term`."""
        return any(term in t for t in self._by_question.get(question_id, ()))


_TERMS: dict[int, tuple[KnowledgeBase, DeviceTerms]] = {}


def device_terms(kb: KnowledgeBase) -> DeviceTerms:
    """The terms of `kb` (built once per published base; the last few bases are kept)."""
    kept = _TERMS.get(id(kb))
    if kept is None or kept[0] is not kb:
        if len(_TERMS) >= 4:
            _TERMS.clear()
        kept = (kb, DeviceTerms(kb))
        _TERMS[id(kb)] = kept
    return kept[1]


_UNIT = re.compile(r"[a-z0-9]+|[^\sa-z0-9]")


def terms_of(text: str) -> set[str]:
    """The terms a message may say a device with: every run of up to `TERM_UNITS` characters
    (a Latin word or number counts as one) of two characters or more (C盘, 蓝屏, wifi)."""
    out: set[str] = set()
    for part in base_normalize(text).split():
        units = _UNIT.findall(part)
        for i in range(len(units)):
            for n in range(1, min(TERM_UNITS, len(units) - i) + 1):
                term = "".join(units[i : i + n])
                if len(term) >= 2:
                    out.add(term)
    return out


def kb_products(kb: KnowledgeBase, question_id: str) -> list[str]:
    """The product lines of a question (none: gone from the base)."""
    question = kb.questions.get(question_id)
    return list(question.products) if question is not None else []


def _specific(products: Collection[str], every: set[str]) -> bool:
    """A question for some product lines only (not for every line)."""
    return bool(products) and not every <= set(products)
