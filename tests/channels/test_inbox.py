"""Claims on WeChat callbacks between processes: one owner, one way out for each answer."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import update

from bot.channels.wechat.inbox import Inbox
from bot.channels.wechat.protocol import Incoming, Protocol, Query
from bot.config import WechatSettings
from bot.storage.db import Database
from bot.storage.models import WechatInbound
from tests.channels.conftest import TOKEN
from tests.channels.wechat_sim import new_msg_id, sha1_signature, to_xml


def incoming(openid: str = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M", msg_id: int | None = None) -> Incoming:
    fields = {
        "ToUserName": "gh_3c884a361561",
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "text",
        "Content": "你好",
        "MsgId": msg_id or new_msg_id(),
    }
    now = str(int(time.time()))
    query = Query(sha1_signature(TOKEN, now, "2"), now, "2")
    return Protocol(WechatSettings(token=TOKEN)).parse(query, to_xml(fields).encode())


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def state(db: Database, key: str) -> str:
    with db.session() as s:
        row = s.query(WechatInbound).filter_by(msg_key=key).one()
        return row.state


class TestInbox:
    def test_first_claim_wins_and_the_same_process_joins(self, db: Database) -> None:
        a = Inbox(db, "wx", "proc-a", 60)
        msg = incoming()
        assert a.claim(msg).outcome == "new"
        assert a.claim(msg).outcome == "mine"

    def test_retry_in_another_process_moves_the_answer_to_the_api(self, db: Database) -> None:
        a, b = Inbox(db, "wx", "proc-a", 60), Inbox(db, "wx", "proc-b", 60)
        msg = incoming()
        a.claim(msg)
        assert b.claim(msg).outcome == "skip"
        assert state(db, msg.key) == "async"
        assert not a.settle_passive(msg.key)  # WeChat stopped waiting for a's response
        assert a.go_async(msg.key)
        a.finish(msg.key, "sent", 1)
        assert state(db, msg.key) == "sent"
        assert b.claim(msg).outcome == "skip"

    def test_passive_answer_is_replayed_and_blocks_the_api(self, db: Database) -> None:
        a = Inbox(db, "wx", "proc-a", 60)
        msg = incoming()
        a.claim(msg)
        assert a.settle_passive(msg.key) and a.settle_passive(msg.key)
        assert not a.go_async(msg.key)
        assert a.claim(msg).outcome == "replay"

    def test_dead_process_is_taken_over_after_its_lease(self, db: Database) -> None:
        a, b = Inbox(db, "wx", "proc-a", 60), Inbox(db, "wx", "proc-b", 60)
        msg = incoming()
        a.claim(msg)
        assert b.orphans() == []
        with db.session() as s:  # proc-a died a minute ago
            s.execute(update(WechatInbound).values(lease_until=time.time() - 1))
        assert [o["key"] for o in b.orphans()] == [msg.key]
        assert b.claim(msg).outcome == "taken"
        assert not a.settle_passive(msg.key)  # a is no longer the owner
        assert b.settle_passive(msg.key)

    def test_another_sender_reusing_a_msg_id_is_a_new_message(self, db: Database) -> None:
        a = Inbox(db, "wx", "proc-a", 60)
        first = incoming("o6_bmjrPTlm6_first_user_00000")
        assert a.claim(first).outcome == "new"
        assert a.settle_passive(first.key)
        second = incoming("o6_bmjrPTlm6_second_user_0000", msg_id=int(first.fields["MsgId"]))
        assert a.claim(second).outcome == "new"  # not the first user's answer replayed
        assert a.claim(first).outcome == "replay"

    def test_accounts_are_kept_apart(self, db: Database) -> None:
        msg = incoming()
        assert Inbox(db, "wx-one", "p", 60).claim(msg).outcome == "new"
        assert Inbox(db, "wx-two", "p", 60).claim(msg).outcome == "new"
