"""A customer's history as the chat page and staff read it: every conversation, closed too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.transcripts import page_history, staff_history


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def closed_then_new(db: Database, sender: str) -> None:
    with db.session() as s:
        first = repo.open_conversation(s, "web", sender)
        repo.add_message(s, first, direction="in", role="user", text="电脑开不了机")
        repo.add_message(
            s,
            first,
            direction="out",
            role="agent",
            text="请按住电源键 15 秒，再接上充电器开机。",
            payload={"agent_name": "李工", "custom": {"links": [{"title": "寄修", "url": "u"}]}},
        )
        first.status = "closed"  # the engineer closed it
    with db.session() as s:
        second = repo.open_conversation(s, "web", sender)
        repo.add_message(s, second, direction="in", role="user", text="还在吗")


def test_a_closed_conversation_stays_in_the_page_history_under_its_date(db: Database) -> None:
    closed_then_new(db, "v-1")
    with db.session() as s:
        items = page_history(s, "v-1")
    assert [i["role"] for i in items] == ["divider", "user", "agent", "divider", "user"]
    assert items[2]["text"] == "请按住电源键 15 秒，再接上充电器开机。"
    assert items[2]["name"] == "李工" and items[2]["links"][0]["title"] == "寄修"
    assert items[0]["ts"] < items[3]["ts"] or items[0]["conversation"] < items[3]["conversation"]


def test_the_only_conversation_needs_no_divider_and_a_closed_one_is_not_blank(
    db: Database,
) -> None:
    with db.session() as s:
        conv = repo.open_conversation(s, "web", "v-2")
        repo.add_message(s, conv, direction="in", role="user", text="保修期多久")
        conv.status = "closed"
    with db.session() as s:
        items = page_history(s, "v-2")
    assert [i["role"] for i in items] == ["user"]


def test_staff_see_every_conversation_with_its_start(db: Database) -> None:
    closed_then_new(db, "v-3")
    closed_then_new(db, "someone-else")
    with db.session() as s:
        history = staff_history(s, "v-3")
    assert [c["status"] for c in history] == ["closed", "open"]
    assert [m["text"] for m in history[0]["messages"]][0] == "电脑开不了机"
    assert all(c["started_at"] for c in history)
