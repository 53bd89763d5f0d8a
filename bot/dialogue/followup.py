"""Follow-ups: a message matched in the context of the conversation, or on its own.

Customers do not repeat the subject: after 「附近没有服务网点 寄修要怎么弄」 comes 「那来回的邮费谁
出？」, after the invoice answer 「开好的那张抬头写错了」. Such a message is matched twice:

- on its own, as any message;
- in context: the words of the turn it follows (the customer's words that were answered, and the
  title of the question they got) put before it, the question already answered left out (a
  follow-up asks something else).

Which reading wins is decided on the matcher's own evidence (its probability that the top
question is right, answer / clarify / none) and on whether the message reads as a fragment
(`elliptical`): a complete question that the matcher answers on its own is answered on its own,
however it opens (「那怎么查验发票是不是真的」), so it is not pulled into the earlier topic.
Nothing here knows the words of one knowledge base: the context is the base's own title and the
customer's own words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.dialogue.context import Context
from bot.matching.pipeline import Candidate, Matcher, MatchResult

Reading = Literal["alone", "context"]

# Marks of a message that leans on what was said before: an opening 那 / 那么 / 还有 / 另外 /
# 那要是, a closing 呢 (「那电池呢」), a pronoun standing for the subject (它, 这个, 那张 ...).
_LEANS = re.compile(
    r"^(那|那么|那要是|那如果|还有|另外|而且|然后|再问下?|顺便问下?)"
    r"|呢[?？。!！~]*$"
    r"|[它这那](个|张|台|款|些|部|只|种|份|单)?(的)?$"
    r"|^[它这那](个|张|台|款|些|部|只|种|份|单)"
    r"|它"
)
# Words that make a message a question of its own (「发票怎么开」, 「发票咋开」, 「能开专票不」),
# not an unclear answer: question words, colloquial ones included, and the A-not-A and closing
# 不/没 forms of a yes-no question.
_ASKS = re.compile(
    r"怎么|怎样|如何|什么|哪|多少|多久|多长|能不能|能否|可不可以|吗|[?？]"
    r"|咋|啥|几[天号点个时]|为何|是不是|有没有|要不要|会不会|行不行|对不对"
    r"|[能会可要行]\S{0,8}[不没][呀啊呢]?$"
)
SHORT_CHARS = 6
"""A message this short (letters and characters, no punctuation) rarely names its subject."""


def refers(text: str) -> bool:
    """Whether the words carry a mark of reference to what was said before (那…呢, 它, 这个)."""
    return bool(_LEANS.search(text.strip()))


def asks(text: str) -> bool:
    """Whether the words ask a question of their own (「好的」, an unclear answer do not)."""
    return bool(_ASKS.search(text))


def elliptical(text: str) -> bool:
    """Whether the words lean on the conversation: a mark of reference, or a short fragment."""
    return refers(text) or len(re.sub(r"[\W_]+", "", text)) <= SHORT_CHARS


@dataclass(frozen=True)
class Followed:
    """The reading chosen for one message, with both matches."""

    result: MatchResult  # the match the turn answers with
    reading: Reading  # alone | context
    alone: MatchResult
    in_context: MatchResult | None  # None when there was no context


def expansion(context: Context, title: str | None) -> str:
    """The words a message is read after: what the customer asked, then the question's title."""
    parts = [context.asked, title or ""]
    return " ".join(p for p in dict.fromkeys(parts) if p)


def match_followup(
    matcher: Matcher,
    text: str,
    context: Context,
    title: str | None,
    *,
    products: list[str] | None = None,
    tags: set[str] | frozenset[str] = frozenset(),
    channel: str = "web",
    device: list[str] | None = None,
    for_device: Callable[[str], bool] | None = None,
    kin: Callable[[str], bool] | None = None,
) -> Followed:
    """Match `text` on its own and, when there is a question to follow up, in its context.

    Args:
        matcher: the live matcher.
        text: the customer's words.
        context: the conversation before them.
        title: the title of `context.question_id` (None when it is gone from the base).
        products: product lines in play (boost their questions).
        tags: the customer's tags.
        channel: web | wechat.
        device: product lines the words name (「那手机呢」): the reading in context is for them.
        for_device: whether a question is for those lines; such a question may answer a
            leaning message in context though the words alone do not rank it (the same
            question asked for another device).
        kin: whether a question is of the category of the question before; a doubt of the
            words alone between questions of which one only is kin is settled for it.

    Returns:
        The reading chosen and both matches.
    """
    alone = matcher.match(text, products=products, tags=tags, channel=channel)
    before = expansion(context, title)
    if context.question_id is None or not before:
        return Followed(alone, "alone", alone, None)
    exclude = frozenset({context.question_id})
    in_context = matcher.match(
        f"{before} {text}",
        products=device or products,
        tags=tags,
        channel=channel,
        exclude=exclude,
    )
    reading, chosen = choose(
        alone,
        in_context,
        elliptical(text),
        context.question_id,
        for_device if device else None,
        kin,
    )
    return Followed(chosen, reading, alone, in_context)


def choose(
    alone: MatchResult,
    in_context: MatchResult,
    leans: bool,
    before: str | None,
    for_device: Callable[[str], bool] | None = None,
    kin: Callable[[str], bool] | None = None,
) -> tuple[Reading, MatchResult]:
    """Which match answers the turn, and how it reads.

    The words alone say what the message can mean (their ranking); the context picks among
    those meanings, it does not bring new ones:

    - a message answered on its own stays on its own when it does not lean on the conversation,
      or when it asks again what was just answered (「能补差价吗」 after the price-drop answer);
    - the reading in context answers when it answers one of the questions the words alone rank
      (「那来回的邮费谁出」: 退货运费 or 寄修邮费 on its own, 寄修邮费 after a repair answer), for a
      leaning message answered on its own too when it is clearly more confident;
    - a leaning message naming a device (「那手机呢」) means the question before for that device:
      the reading in context answers with a question for it (`for_device`);
    - a doubt on its own (clarify) whose top question is also the top in context is settled;
    - a doubt on its own (「能加急不」 after the repair-time answer: 维修加急 or 订单加急?) is
      settled when one only of the questions it offers is of the category of the question
      before (`kin`): the words chose those questions, the conversation's subject picks one;
    - otherwise the message stays on its own (its own clarify buttons, or no match).
    """
    if alone.decision == "answer" and (not leans or alone.answer_id == before):
        return "alone", alone
    # What the words can mean: the questions they rank, when they rank any above the clarify
    # threshold (「好的」 means nothing to the knowledge base, in any context).
    meanings = {c.id for c in alone.candidates} if alone.decision != "none" else set()
    firmer = alone.decision != "answer" or (
        _confidence(in_context) > _confidence(alone) + CONFIDENCE_LEAD
    )
    answered = in_context.answer_id
    for_it = leans and answered is not None and for_device is not None and for_device(answered)
    if answered is not None and firmer and (answered in meanings or for_it):
        return "context", in_context
    if alone.decision == "answer":
        return "alone", alone
    top = alone.candidates[0] if alone.candidates else None
    if (
        alone.decision == "clarify"
        and top is not None
        and in_context.decision != "none"
        and in_context.candidates
        and in_context.candidates[0].id == top.id
    ):
        return "context", _settled(alone, top)
    if alone.decision == "clarify" and kin is not None:
        kind = [c for c in alone.choices if c.id != before and kin(c.id)]
        if len(kind) == 1:
            return "context", _settled(alone, kind[0])
    return "alone", alone


def _settled(alone: MatchResult, chosen: Candidate) -> MatchResult:
    """The doubt of `alone` settled for one of its candidates."""
    return MatchResult(
        "answer", alone.candidates, [chosen], alone.query, alone.timings, alone.confidence
    )


CONFIDENCE_LEAD = 0.2
"""How much more confident the reading in context must be to overrule an answer on its own."""


def _confidence(result: MatchResult) -> float:
    if result.confidence is not None:
        return float(result.confidence)
    return float(result.candidates[0].score) if result.candidates else 0.0
