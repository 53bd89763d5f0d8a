"""One answering turn: the user's words (or a chosen question) -> answer, clarify or no match.

Framework logic with no Rasa imports; `actions/action_answer_question.py` adapts it to Rasa.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from bot.knowledge.answers import pick_answer
from bot.knowledge.live import KnowledgeService

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

    def diagnostics(self) -> dict[str, Any]:
        """What is stored with the message for editors and engineers (not shown to users)."""
        return {
            "decision": self.decision,
            "question_id": self.question_id,
            "candidates": self.candidates,
            "tier": self.tier,
        }


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
