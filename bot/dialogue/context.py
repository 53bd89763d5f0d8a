"""The conversation so far, as an answering turn needs it: the question last answered and the
customer's recent words (which name the product lines in play).

Read from the stored conversation: the gateway stores every message before it is answered and
every reply with its match (`custom.kefu`), so the context is the same whatever Rasa keeps of
the dialogue (a new Rasa session every `KEFU_RASA__SESSION_TURNS` messages, a restarted Rasa
replica).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.storage.db import Database
from bot.storage.models import Message
from bot.storage.payload import Payload

CONTEXT_TURNS = 3
"""Customer messages back whose answer a message can still follow up: 「那电池呢」 after one
unanswered message still speaks of the warranty asked before it."""
CONTEXT_AGE = timedelta(minutes=30)
"""An answer older than this is no context: the contact gap of the supervisors' figures (a
visitor's stored conversation holds all their visits)."""
WORDS_TURNS = 6
"""Customer messages back whose words count for the product lines in play."""
_READ = 40  # stored messages read (in and out): enough for the turns above


@dataclass(frozen=True)
class Context:
    """What an answering turn knows of the conversation before it."""

    question_id: str | None = None  # the question last answered (or whose tree started)
    asked: str = ""  # the customer's words it answered ('' when chosen by a button)
    texts: tuple[str, ...] = ()  # the customer's recent typed messages, newest first
    lines: tuple[frozenset[str], ...] = ()  # product lines the gateway found in each of them

    @property
    def empty(self) -> bool:
        """Nothing to read a message in the context of."""
        return self.question_id is None and not self.texts


def read_context(
    db: Database,
    conversation_id: int | None,
    message_id: int | None,
    now: datetime | None = None,
) -> Context:
    """The context of the customer message `message_id` in its stored conversation.

    Args:
        db: the app database.
        conversation_id: the conversation (None: no context).
        message_id: the message being answered; only what was stored before it counts
            (None: everything stored so far).
        now: the time of the message (default: now, UTC).

    Returns:
        The last question answered within `CONTEXT_TURNS` customer messages and `CONTEXT_AGE`,
        and the customer's typed messages within `WORDS_TURNS` and `CONTEXT_AGE`.
    """
    if conversation_id is None:
        return Context()
    with db.session() as s:
        rows = list(
            s.scalars(
                select(Message)
                .where(
                    Message.conversation_id == conversation_id,
                    *([Message.id < message_id] if message_id is not None else []),
                )
                .order_by(Message.id.desc())
                .limit(_READ)
            )
        )
        messages = [_Row(m.direction, m.text or "", Payload.of(m), m.created_at) for m in rows]
    return context_of(messages, now or datetime.now(UTC))


@dataclass(frozen=True)
class _Row:
    direction: str
    text: str
    payload: Payload
    at: datetime


def context_of(newest_first: list[_Row], now: datetime) -> Context:
    """The context in stored messages, newest first (see `read_context`)."""
    question_id: str | None = None
    asked = ""
    texts: list[str] = []
    lines: list[frozenset[str]] = []
    turns = 0
    pending: str | None = None  # the question answered in the replies seen last
    for m in newest_first:
        if now - _aware(m.at) > CONTEXT_AGE:
            break
        payload = m.payload
        if m.direction == "out":
            report = payload.report
            if question_id is None and report.decision == "answer" and report.question_id:
                pending = report.question_id
            continue
        if m.direction != "in":
            continue
        turns += 1
        typed = payload.typed and not m.text.startswith("/")
        if pending is not None and question_id is None and turns <= CONTEXT_TURNS:
            question_id, asked = pending, (m.text if typed else "")
        pending = None
        if typed and m.text.strip() and turns <= WORDS_TURNS:
            texts.append(m.text.strip())
            lines.append(frozenset(str(e["line"]) for e in payload.entities if e.get("line")))
        if turns >= max(CONTEXT_TURNS, WORDS_TURNS):
            break
    return Context(question_id, asked, tuple(texts), tuple(lines))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
