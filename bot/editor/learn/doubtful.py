"""Answers that were likely wrong: what the customer did in the two turns after an answer.

An answer (`custom.kefu.decision == "answer"`) is doubtful when, within the customer's next two
messages:

- the customer gave it a thumbs down (👎 on the chat page, `AnswerFeedback`);
- the customer asked again: the same words, words at least ``editor.rephrase_threshold``
  similar to the question answered (the matcher's encoder), or a message answered with the
  same standard question once more;
- the customer asked for a person (转人工: a request for a human, or a reply that queued the
  conversation).

The customers' texts are grouped by the question that answered them, then by meaning
(`bot.editor.learn.clusters`), so one cluster is one wrong answer to one kind of question. Texts an
editor dismissed from this list stay out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from bot.editor import store
from bot.editor.learn.clusters import cluster_items, dismissed_keys, text_key
from bot.editor.similarity import embedder
from bot.storage.models import AnswerFeedback, Message, utcnow
from bot.storage.payload import BotReport, Payload, report_field

if TYPE_CHECKING:
    from bot.editor.state import EditorState

EXAMPLES = 6
TURNS = 2  # the customer's messages after an answer that tell on it
SIGNALS = ("down", "rephrase", "human")


def doubtful(rt: EditorState, days: int | None = None, limit: int = 50) -> dict[str, Any]:
    """Clusters of customers' questions whose answer was followed by 👎, a rephrase or 转人工."""
    cfg = rt.settings.editor
    days = days or cfg.learn_days
    answers, threads, downs = _load(rt, days, cfg.learn_max_messages)
    found = _signals(rt, answers, threads, downs)
    skip = dismissed_keys(rt, "doubtful")
    items: dict[tuple[str, str], dict[str, Any]] = {}
    for text, qid, at, signals in found:
        key = text_key(text)
        if key in skip:
            continue
        item = items.setdefault(
            (qid, key),
            {"text": text, "question_id": qid, "count": 0, "at": at, **dict.fromkeys(SIGNALS, 0)},
        )
        item["count"] += 1
        item["at"] = max(item["at"], at)
        for name in signals:
            item[name] += 1
    snap = rt.snapshot()
    by_question: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items.values():
        by_question[item["question_id"]].append(item)
    clusters = [
        cluster
        for group in by_question.values()
        for cluster in cluster_items(rt, group, snap.support.synonyms)
    ]
    clusters.sort(key=lambda c: -sum(i["count"] for i in c))
    out = [_describe(rt, snap.questions, c) for c in clusters[:limit]]
    return {"days": days, "answers": len(answers), "doubtful": len(found), "clusters": out}


def _load(
    rt: EditorState, days: int, limit: int
) -> tuple[list[Message], dict[int, list[Message]], set[int]]:
    """Recent answers, the messages of their conversations from the first answered question
    on, and the ids of answers with a thumbs down."""
    decision = report_field("decision")
    since = utcnow() - timedelta(days=days)
    threads: dict[int, list[Message]] = {}
    with rt.db.session() as s:
        answers = list(
            s.scalars(
                select(Message)
                .where(
                    Message.direction == "out",
                    decision == "answer",
                    Message.created_at >= since,
                )
                .order_by(Message.id.desc())
                .limit(limit)
            )
        )
        if not answers:
            return [], {}, set()
        conversations = sorted({m.conversation_id for m in answers})
        for start in range(0, len(conversations), 500):
            chunk = conversations[start : start + 500]
            rows = s.scalars(
                select(Message)
                .where(
                    Message.conversation_id.in_(chunk),
                    Message.created_at >= since - timedelta(hours=1),  # the questions answered
                )
                .order_by(Message.id)
            )
            for m in rows:
                threads.setdefault(m.conversation_id, []).append(m)
        ids = [m.id for m in answers]
        downs: set[int] = set()
        for start in range(0, len(ids), 500):
            downs |= {
                int(i)
                for i in s.scalars(
                    select(AnswerFeedback.message_id).where(
                        AnswerFeedback.message_id.in_(ids[start : start + 500]),
                        AnswerFeedback.value == "down",
                    )
                )
                if i is not None
            }
        s.expunge_all()
    return answers, threads, downs


def _asks_for_a_person(replies: list[Message]) -> bool:
    for r in replies:
        report = BotReport.of_message(r)
        if report.request_human or report.intent == "request_human":
            return True
        if report.route is not None and report.route.route == "queue":
            return True
    return False


@dataclass
class _Case:
    """One answer, the customer's question it answered, and what came next."""

    answer: Message
    question: str
    at: str
    next: list[Message]  # the customer's next messages (at most `TURNS`)
    replies: list[Message]  # the bot's replies to them


def _signals(
    rt: EditorState,
    answers: list[Message],
    threads: dict[int, list[Message]],
    downs: set[int],
) -> list[tuple[str, str, str, list[str]]]:
    """(customer's question, question id answered, time, signals) of each doubtful answer."""
    cases = []
    for answer in answers:
        thread = threads.get(answer.conversation_id, [])
        by_id = {m.id: m for m in thread}
        asked = by_id.get(int((answer.payload or {}).get("reply_to") or 0))
        if asked is None or not asked.text or not Payload.of(asked).typed:
            continue
        if not BotReport.of_message(answer).question_id:
            continue
        later = [m for m in thread if m.id > answer.id and m.direction == "in" and m.role == "user"]
        nxt = later[:TURNS]
        ids = {n.id for n in nxt}
        replies = [m for m in thread if (m.payload or {}).get("reply_to") in ids]
        at = store.iso(asked.created_at) or ""
        cases.append(_Case(answer, asked.text.strip(), at, nxt, replies))
    texts = sorted({c.question for c in cases} | {n.text for c in cases for n in c.next if n.text})
    row = {t: i for i, t in enumerate(texts)}
    synonyms = rt.snapshot().support.synonyms
    vectors = (
        embedder(rt.extras, rt.settings.matching).embed(texts, synonyms)
        if texts
        else np.zeros((0, 1))
    )
    threshold = rt.settings.editor.rephrase_threshold
    out = []
    for case in cases:
        qid = str(BotReport.of_message(case.answer).question_id)
        signals = ["down"] if case.answer.id in downs else []
        again = False
        for n in case.next:
            if not n.text or not Payload.of(n).typed:
                continue
            mine = [r for r in case.replies if Payload.of(r).reply_to == n.id]
            same_answer = any(BotReport.of_message(r).question_id == qid for r in mine)
            similar = float(vectors[row[case.question]] @ vectors[row[n.text]]) >= threshold
            again = again or same_answer or similar or text_key(n.text) == text_key(case.question)
        if again:
            signals.append("rephrase")
        if _asks_for_a_person(case.replies):
            signals.append("human")
        if signals:
            out.append((case.question, qid, case.at, signals))
    return out


def _describe(
    rt: EditorState, questions: dict[str, Any], cluster: list[dict[str, Any]]
) -> dict[str, Any]:
    head = cluster[0]
    qid = head["question_id"]
    result = rt.knowledge.matcher.match(head["text"])
    return {
        "label": head["text"],
        "question_id": qid,
        "question_title": (questions.get(qid) or {}).get("title", ""),
        "count": sum(i["count"] for i in cluster),
        **{name: sum(i[name] for i in cluster) for name in SIGNALS},
        "last_at": max(i["at"] for i in cluster),
        "examples": [{"text": i["text"], "count": i["count"]} for i in cluster[:EXAMPLES]],
        "texts": len(cluster),
        "all_texts": [i["text"] for i in cluster],
        "suggestions": [
            {"id": c.id, "title": c.title, "score": c.score}
            for c in result.candidates[:4]
            if c.id != qid
        ][:3],
    }
