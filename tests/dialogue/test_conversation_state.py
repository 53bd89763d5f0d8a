"""What the tier policy reads of the conversation before a message: failures in a row, recent
turns only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from bot.dialogue.assessing import RECENT_MESSAGES, TurnContext, conversation_state
from bot.services import Services
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, DiagnosisSession, Handoff


def bot_turn(
    db: Database,
    sender: str,
    text: str,
    decision: str | None,
    at: datetime | None = None,
    **kefu: Any,
) -> tuple[int, int]:
    """A customer message and the bot's reply with its match decision.

    Returns the conversation id and the id the next message will get.
    """
    with db.session() as s:
        conv = repo.open_conversation(s, "web", sender)
        inbound = repo.add_message(s, conv, direction="in", role="user", text=text)
        custom = {"kefu": {"decision": decision, **kefu}} if decision or kefu else {}
        reply = repo.add_message(
            s, conv, direction="out", role="bot", text="…", payload={"custom": custom}
        )
        if at is not None:
            inbound.created_at = reply.created_at = at
        return conv.id, inbound.id + 2


def state_after(db: Database, conv_id: int, next_id: int) -> Any:
    ctx = TurnContext("web", "s", conv_id, next_id, {})
    return conversation_state(cast(Services, SimpleNamespace(db=db)), ctx)


def test_an_answer_between_two_unmatched_messages_ends_the_run_of_failures(db_url: str) -> None:
    db = Database(db_url)
    bot_turn(db, "s", "今天天气怎么样", "none")
    bot_turn(db, "s", "耳机怎么降噪", "answer")
    conv, nxt = bot_turn(db, "s", "嗯嗯", "none")
    assert state_after(db, conv, nxt).failed_matches == 1


def test_clarifications_and_small_talk_do_not_end_a_run_of_failures(db_url: str) -> None:
    db = Database(db_url)
    bot_turn(db, "s", "那个东西", "none")
    bot_turn(db, "s", "发票", "clarify")
    bot_turn(db, "s", "谢谢", None)
    conv, nxt = bot_turn(db, "s", "就那个", "none")
    assert state_after(db, conv, nxt).failed_matches == 2


def test_only_recent_turns_count(db_url: str) -> None:
    db = Database(db_url)
    bot_turn(db, "s", "转人工", None, request_human=True)
    for _ in range(RECENT_MESSAGES // 2):
        conv, nxt = bot_turn(db, "s", "保修多久", "answer")
    assert state_after(db, conv, nxt).human_requests == 0
    conv, nxt = bot_turn(db, "s", "人工", None, request_human=True)
    assert state_after(db, conv, nxt).human_requests == 1


def escalated_tree(db: Database, conv_id: int, ended_at: datetime) -> None:
    with db.session() as s:
        s.add(
            DiagnosisSession(
                conversation_id=conv_id,
                tree_id="no_power",
                node_id="escalate",
                path=[],
                status="escalated",
                handoff={"skills": ["hardware"]},
                ended_at=ended_at,
            )
        )


def test_a_tree_escalated_in_this_turn_counts(db_url: str) -> None:
    db = Database(db_url)
    conv, nxt = bot_turn(db, "s", "开不了机", "answer")
    with db.session() as s:
        current = repo.add_message(
            s, s.get(Conversation, conv), direction="in", role="user", text="没解决"
        )
        at, current_id = current.created_at, current.id
    escalated_tree(db, conv, at + timedelta(seconds=1))
    state = state_after(db, conv, current_id)
    assert state.diagnosis == "escalated" and state.diagnosis_skills == ["hardware"]


def test_a_tree_escalated_before_an_engineer_returned_the_chat_no_longer_counts(
    db_url: str,
) -> None:
    db = Database(db_url)
    conv, _ = bot_turn(db, "s", "开不了机", "answer")
    escalated_tree(db, conv, datetime.now(UTC) - timedelta(minutes=5))
    conv, nxt = bot_turn(db, "s", "保修期多久", "answer")
    with db.session() as s:
        later = repo.add_message(
            s, s.get(Conversation, conv), direction="in", role="user", text="发票怎么开"
        )
        later_id = later.id
    assert state_after(db, conv, later_id).diagnosis is None


def test_what_engineers_dealt_with_does_not_count_after_they_return_the_chat(
    db_url: str,
) -> None:
    db = Database(db_url)
    before = datetime.now(UTC) - timedelta(minutes=10)
    conv, _ = bot_turn(db, "s", "转人工", None, at=before, request_human=True)
    bot_turn(db, "s", "那个", "none", at=before)
    with db.session() as s:
        s.add(
            DiagnosisSession(
                conversation_id=conv,
                tree_id="no_sound",
                node_id="driver_fix",
                path=[{"kind": "unsolved", "node": "mute_fix"}] * 2,
                status="solved",
                started_at=before,
                ended_at=before,
            )
        )
        s.add(
            Handoff(
                conversation_id=conv,
                channel="web",
                sender="s",
                status="returned",
                queue="audio",
                source="request_human",
                ended_at=before + timedelta(minutes=1),
            )
        )
    conv, nxt = bot_turn(db, "s", "嗯", "none")
    state = state_after(db, conv, nxt)
    assert (state.human_requests, state.unsolved, state.failed_matches) == (0, 0, 1)
