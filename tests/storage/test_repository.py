"""Storage against a real SQLite file and the real PostgreSQL server."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from bot.storage import repository as repo
from bot.storage.db import Database, migrate
from bot.storage.models import ChannelIdentity, Conversation, Message


@pytest.fixture
def db(db_url: str) -> Database:
    database = Database(db_url)
    yield database
    database.dispose()


class TestMigrations:
    def test_migration_creates_all_tables(self, db: Database) -> None:
        tables = set(inspect(db.engine).get_table_names())
        assert {
            "customers",
            "channel_identities",
            "conversations",
            "messages",
            "staff_users",
        } <= tables
        assert "alembic_version" in tables

    def test_migrating_twice_is_a_no_op(self, db: Database, db_url: str) -> None:
        migrate(db_url)
        assert "messages" in inspect(db.engine).get_table_names()


class TestConversations:
    def test_first_contact_creates_customer_identity_and_conversation(self, db: Database) -> None:
        with db.session() as s:
            conv = repo.open_conversation(s, "web", "visitor-1")
            conv_id, customer_id = conv.id, conv.customer_id
        with db.session() as s:
            again = repo.open_conversation(s, "web", "visitor-1")
            assert again.id == conv_id
            ident = s.scalar(select(ChannelIdentity).where(ChannelIdentity.sender == "visitor-1"))
            assert ident is not None and ident.customer_id == customer_id

    def test_closed_conversation_starts_a_new_one_for_the_same_customer(self, db: Database) -> None:
        with db.session() as s:
            first = repo.open_conversation(s, "web", "visitor-2")
            first.status = "closed"
            first_id, customer_id = first.id, first.customer_id
        with db.session() as s:
            second = repo.open_conversation(s, "web", "visitor-2")
            assert second.id != first_id
            assert second.customer_id == customer_id

    def test_same_sender_on_two_channels_is_two_identities(self, db: Database) -> None:
        with db.session() as s:
            a = repo.open_conversation(s, "web", "same-id")
            b = repo.open_conversation(s, "wechat", "same-id")
            assert a.id != b.id


class TestMessages:
    def test_messages_keep_order_text_and_payload(self, db: Database) -> None:
        with db.session() as s:
            conv = repo.open_conversation(s, "web", "visitor-3")
            inbound = repo.add_message(s, conv, direction="in", role="user", text="电脑开不了机")
            repo.add_message(
                s,
                conv,
                direction="out",
                role="bot",
                text="您好，请先检查电源适配器。",
                payload={"reply_to": inbound.id, "buttons": [{"title": "好的", "payload": "好的"}]},
            )
            conv_id = conv.id
        with db.session() as s:
            msgs = repo.messages_of(s, conv_id)
            assert [m.text for m in msgs] == ["电脑开不了机", "您好，请先检查电源适配器。"]
            assert msgs[1].payload["buttons"][0]["title"] == "好的"
            assert [m.id for m in repo.replies_to(s, conv_id, msgs[0].id)] == [msgs[1].id]

    def test_client_id_is_unique_per_conversation(self, db: Database) -> None:
        from sqlalchemy.exc import IntegrityError

        with db.session() as s:
            conv = repo.open_conversation(s, "web", "visitor-4")
            repo.add_message(s, conv, direction="in", role="user", text="a", client_id="c1")
            found = repo.find_message_by_client_id(s, conv.id, "c1")
            assert found is not None and found.text == "a"
        with pytest.raises(IntegrityError), db.session() as s:
            conv = repo.open_conversation(s, "web", "visitor-4")
            repo.add_message(s, conv, direction="in", role="user", text="b", client_id="c1")

    def test_failed_transaction_stores_nothing(self, db: Database) -> None:
        with pytest.raises(RuntimeError), db.session() as s:
            conv = repo.open_conversation(s, "web", "visitor-5")
            repo.add_message(s, conv, direction="in", role="user", text="半途")
            raise RuntimeError("boom")
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Message)) == 0
            assert s.scalar(select(func.count()).select_from(Conversation)) == 0

    def test_unicode_and_long_text_round_trip(self, db: Database) -> None:
        text = "星岚 RG7-2025 玩游戏掉帧😭" * 100
        with db.session() as s:
            conv = repo.open_conversation(s, "web", "visitor-6")
            repo.add_message(s, conv, direction="in", role="user", text=text)
            conv_id = conv.id
        with db.session() as s:
            assert repo.messages_of(s, conv_id)[0].text == text
