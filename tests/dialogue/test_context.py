"""The context of a turn, read from the stored conversation: the question last answered and the
customer's recent words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.dialogue.context import CONTEXT_TURNS, read_context
from bot.storage import repository as repo
from bot.storage.db import Database


def turn(
    db: Database,
    text: str,
    decision: str | None = None,
    question_id: str | None = None,
    *,
    button: bool = False,
    ago: timedelta | None = None,
) -> int:
    """A customer message and the bot's reply to it; returns the id the next message gets."""
    with db.session() as s:
        conv = repo.open_conversation(s, "web", "visitor")
        payload: dict[str, Any] = {"button_payload": "/choose_question"} if button else {}
        inbound = repo.add_message(s, conv, direction="in", role="user", text=text, payload=payload)
        kefu = {"decision": decision, "question_id": question_id} if decision else {}
        reply = repo.add_message(
            s,
            conv,
            direction="out",
            role="bot",
            text="…",
            payload={"reply_to": inbound.id, "custom": {"kefu": kefu}},
        )
        if ago is not None:
            inbound.created_at = reply.created_at = datetime.now(UTC) - ago
        return reply.id + 1


def conversation(db: Database) -> int:
    with db.session() as s:
        return repo.open_conversation(s, "web", "visitor").id


def test_a_follow_up_sees_the_question_answered_and_the_words_it_answered(db_url: str) -> None:
    db = Database(db_url)
    turn(db, "我的X60最近特别烫", "answer", "battery-019")
    nxt = turn(db, "附近没有服务网点 寄修要怎么弄", "answer", "repair-005")
    context = read_context(db, conversation(db), nxt)
    assert context.question_id == "repair-005"
    assert context.asked == "附近没有服务网点 寄修要怎么弄"
    assert context.texts == ("附近没有服务网点 寄修要怎么弄", "我的X60最近特别烫")


def test_an_unanswered_message_in_between_keeps_the_earlier_question(db_url: str) -> None:
    db = Database(db_url)
    turn(db, "保修多长时间啊", "answer", "warranty-001")
    nxt = turn(db, "嗯嗯", "none")
    assert read_context(db, conversation(db), nxt).question_id == "warranty-001"


def test_an_answer_too_many_messages_back_is_no_context(db_url: str) -> None:
    db = Database(db_url)
    turn(db, "保修多长时间啊", "answer", "warranty-001")
    for _ in range(CONTEXT_TURNS):
        nxt = turn(db, "嗯嗯", "none")
    assert read_context(db, conversation(db), nxt).question_id is None


def test_an_answer_of_an_earlier_visit_is_no_context(db_url: str) -> None:
    db = Database(db_url)
    nxt = turn(db, "保修多长时间啊", "answer", "warranty-001", ago=timedelta(hours=5))
    context = read_context(db, conversation(db), nxt)
    assert context.question_id is None and context.texts == ()


def test_a_question_chosen_by_a_button_is_context_without_words(db_url: str) -> None:
    db = Database(db_url)
    turn(db, "开不开机了", "clarify")
    nxt = turn(db, "手机开不了机怎么办", "answer", "power-023", button=True)
    context = read_context(db, conversation(db), nxt)
    assert context.question_id == "power-023"
    assert context.asked == ""
    assert context.texts == ("开不开机了",)


def test_only_what_was_stored_before_the_message_counts(db_url: str) -> None:
    db = Database(db_url)
    first = turn(db, "发票怎么开", "answer", "invoice-001")
    turn(db, "能开专票吗", "answer", "invoice-007")
    assert read_context(db, conversation(db), first).question_id == "invoice-001"
