"""One answering turn: the user's words (or a chosen question) -> answer, clarify or no match.

Framework logic with no Rasa imports; `actions/action_answer_question.py` adapts it to Rasa.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bot.dialogue.context import Context
from bot.dialogue.devices import check_device
from bot.dialogue.followup import asks, match_followup, refers
from bot.knowledge.answers import pick_answer
from bot.knowledge.live import KnowledgeService
from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import MatchResult
from bot.storage.payload import BotReport

Decision = Literal["answer", "clarify", "none", "unavailable"]
MAX_CATEGORY_BUTTONS = 4


@dataclass
class Reply:
    """What the bot says for one turn, and the evidence behind it."""

    decision: Decision
    question_id: str | None = None
    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)
    tier: int | None = None
    match: Any = field(default=None, repr=False)  # the MatchResult behind a matched reply
    prompt: str | None = None  # the question a clarify asks, when not the usual one
    context: dict[str, Any] = field(default_factory=dict)  # how the conversation was read

    def report(self, intent: str | None) -> BotReport:
        """What is stored with the message for editors and engineers (not shown to users)."""
        report = BotReport(
            decision=self.decision,
            question_id=self.question_id,
            candidates=self.candidates,
            tier=self.tier,
            intent=intent,
        )
        if self.context:
            report.context = self.context
        return report


def choose_payload(question_id: str) -> str:
    """The button payload that picks one standard question (Rasa's `/intent{entities}` form)."""
    return "/choose_question" + json.dumps({"question_id": question_id})


def answer_question(
    knowledge: KnowledgeService,
    question_id: str,
    *,
    tags: set[str],
    channel: str,
    today: date | None = None,
) -> Reply:
    """Answer a standard question chosen by id (a clarify button or a link)."""
    question = knowledge.kb.questions.get(question_id)
    if question is None:
        return Reply("unavailable", question_id=question_id)
    answer = pick_answer(question, tags, channel, today or date.today())
    if not answer.valid:
        return Reply("unavailable", question_id=question_id)
    return Reply(
        "answer",
        question_id=question.id,
        text=answer.text,
        links=[{"title": link.title, "url": link.url} for link in answer.links],
        candidates=[{"id": question.id, "title": question.title, "score": 1.0}],
        tier=question.tier,
    )


def answer_text(
    knowledge: KnowledgeService,
    text: str,
    *,
    tags: set[str],
    channel: str,
    products: list[str] | None = None,
    today: date | None = None,
) -> Reply:
    """Match the user's words and decide: answer, clarify with buttons, or no match."""
    result = knowledge.matcher.match(text, products=products, tags=tags, channel=channel)
    return reply_to_match(knowledge, result, tags=tags, channel=channel, today=today)


def reply_to_match(
    knowledge: KnowledgeService,
    result: MatchResult,
    *,
    tags: set[str],
    channel: str,
    today: date | None = None,
) -> Reply:
    """The reply a match makes: the answer, the clarify buttons, or no match."""
    candidates = [
        {"id": c.id, "title": c.title, "score": round(float(c.score), 4)} for c in result.candidates
    ]
    if result.decision == "answer" and result.answer_id:
        reply = answer_question(
            knowledge, result.answer_id, tags=tags, channel=channel, today=today
        )
        reply.candidates = candidates
        reply.match = result
        return reply
    if result.decision == "clarify" and result.candidates:
        return Reply(
            "clarify",
            buttons=[{"title": c.title, "payload": choose_payload(c.id)} for c in result.choices],
            candidates=candidates,
            match=result,
        )
    return Reply("none", buttons=category_buttons(knowledge), candidates=candidates, match=result)


def category_buttons(knowledge: KnowledgeService) -> list[dict[str, str]]:
    """The biggest categories, offered when nothing matched."""
    counts = Counter(q.category for q in knowledge.kb.questions.values() if q.category)
    return [
        {"title": name, "payload": name} for name, _ in counts.most_common(MAX_CATEGORY_BUTTONS)
    ]


def answer_in_context(
    knowledge: KnowledgeService,
    text: str,
    context: Context,
    *,
    tags: set[str],
    channel: str,
    ask_device: str,
    said_lines: set[str] | None = None,
    today: date | None = None,
) -> Reply:
    """Match the user's words in the context of the conversation (`bot.dialogue.followup`),
    then make sure the answer is for the customer's device (`bot.dialogue.devices`).

    Args:
        knowledge: the live knowledge.
        text: the user's words.
        context: the conversation before them.
        tags: the customer's tags (``owner_<line>``: their devices).
        channel: web | wechat.
        ask_device: the text that asks which device.
        said_lines: product lines the gateway found in the words (its entities).
        today: the day answers are chosen for.
    """
    matcher, kb = knowledge.matcher, knowledge.kb
    words = matcher.words(text)
    named_lines = set().union(*matcher.lines_named(text), said_lines or set(), _named(kb, words))
    in_play = _lines_in_play(knowledge, context)
    owned = {t.removeprefix("owner_") for t in tags if t.startswith("owner_")}
    before = kb.questions.get(context.question_id or "")
    followed = match_followup(
        matcher,
        text,
        context,
        before.title if before is not None else None,
        products=sorted(in_play) if in_play and not named_lines else None,
        tags=tags,
        channel=channel,
        device=sorted(named_lines) or None,
        for_device=lambda qid: _for_lines(kb, qid, named_lines),
        kin=lambda qid: _kin(kb, qid, before.category if before is not None else None),
    )
    check = check_device(
        kb,
        followed.result,
        bool(named_lines),
        [named_lines, in_play, owned],
        words,
        text,
    )
    reply = reply_to_match(knowledge, followed.result, tags=tags, channel=channel, today=today)
    if check.outcome == "pick" and check.question_id:
        picked = answer_question(
            knowledge, check.question_id, tags=tags, channel=channel, today=today
        )
        picked.candidates, picked.match = reply.candidates, reply.match
        reply = picked
    elif check.outcome == "ask":
        reply = Reply(
            "clarify",
            buttons=[{"title": c.title, "payload": choose_payload(c.id)} for c in check.choices],
            candidates=reply.candidates,
            match=followed.result,
            prompt=ask_device,
        )
    if context.question_id is not None:
        reply.context["after"] = context.question_id
        reply.context["reading"] = followed.reading
    if check.outcome != "keep":
        reply.context["device"] = check.outcome
    return reply


SMALL_TALK = {
    "chitchat": "utter_chitchat",
    "affirm": "utter_glad_to_help",
    "deny": "utter_ask_rephrase",
}
"""Dialogue acts answered by a response of their own, unless the words ask the knowledge base
(the response of each)."""


def asks_knowledge(reply: Reply, text: str) -> bool:
    """Whether words the dialogue took for small talk, yes or no ask the knowledge base after
    all: they are answered on their own, or, read in context, they refer to it (「那来回的邮费
    谁出」) or ask a question of their own (「能加急不」). 「好的」, 「不用了」 after an answer are
    no follow-up, whatever they match."""
    if reply.decision != "answer":
        return False
    return reply.context.get("reading") != "context" or refers(text) or asks(text)


_NAME_PARTS = re.compile(r"[与和及、/（）()\s]+")


def _named(kb: KnowledgeBase, words: list[str]) -> set[str]:
    """Product lines whose catalogue name says one of the words (笔记本 in 轻薄笔记本, 台式机 in
    台式机与一体机): what customers call the device, when the base's own words do not tell."""
    lines = kb.catalog.get("product_lines") or {}
    names = {
        line_id: [p for p in _NAME_PARTS.split(str((line or {}).get("name") or "")) if p]
        for line_id, line in lines.items()
    }
    return {
        line_id
        for line_id, parts in names.items()
        for w in words
        if len(w) >= 2 and any(w in p and not p.isascii() for p in parts)
    }


def _kin(kb: KnowledgeBase, question_id: str, category: str | None) -> bool:
    """Whether a question is of `category` (the category of the question before)."""
    question = kb.questions.get(question_id)
    return category is not None and question is not None and question.category == category


def _for_lines(kb: KnowledgeBase, question_id: str, lines: set[str]) -> bool:
    """Whether a question is for some of `lines` only (not for every product line)."""
    question = kb.questions.get(question_id)
    if question is None or not question.products or kb.product_ids <= set(question.products):
        return False
    return not lines.isdisjoint(question.products)


def _lines_in_play(knowledge: KnowledgeService, context: Context) -> set[str]:
    """Product lines of the conversation: those the customer's latest words naming any name,
    else those of the question last answered when it is for some lines only."""
    for i, earlier in enumerate(context.texts):
        named = set().union(*knowledge.matcher.lines_named(earlier))
        named |= context.lines[i] if i < len(context.lines) else set()
        if named:
            return named
    question = knowledge.kb.questions.get(context.question_id or "")
    every = knowledge.kb.product_ids
    if question is not None and question.products and not every <= set(question.products):
        return set(question.products)
    return set()


def asks_question(reply: Reply) -> bool:
    """Whether words the dialogue took for a greeting ask the knowledge base: answered on their
    own, or doubted between questions in words that ask (「我下的单在哪查呀」); the greeting's
    own words (你好, 在吗) are left out by the matcher's normalization before asking."""
    if reply.decision == "answer":
        return True
    query = reply.match.query if reply.match is not None else ""
    return reply.decision == "clarify" and asks(query)
