"""Exactly one answer per message across an app restart or the death of a process."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, insert

from bot.storage.models import WechatInbound, utcnow
from tests.channels.conftest import APP_ID, WechatStack
from tests.channels.helpers import inbound_rows, stored_messages, wait_state

pytestmark = pytest.mark.e2e


def test_replay_after_restart_gets_the_stored_answer_again(
    wechat: WechatStack, openid: str
) -> None:
    msg = wechat.sim.text(openid, "怎么查询维修进度")
    first = wechat.sim.post(msg)
    assert first.content
    before = stored_messages(wechat.stack.db_url, openid)
    wechat.reconfigure()
    again = wechat.sim.post(msg, mode="safe")
    assert again.content == first.content
    assert stored_messages(wechat.stack.db_url, openid) == before
    assert [r["state"] for r in inbound_rows(wechat.stack.db_url, openid)] == ["passive"]
    assert wechat.api.sends(openid, ok_only=False) == []


def test_message_left_by_a_dead_process_is_answered_through_the_api(
    wechat: WechatStack, openid: str
) -> None:
    msg = wechat.sim.text(openid, "你好")
    # What a process that accepted the message and then died leaves behind.
    fields = {k: str(v) for k, v in msg.items()}
    engine = create_engine(wechat.stack.db_url)
    with engine.begin() as conn:
        conn.execute(
            insert(WechatInbound.__table__).values(
                app_id=APP_ID,
                msg_key=f"m:{openid}:{msg['MsgId']}",
                openid=openid,
                msg_type="text",
                fields=fields,
                state="processing",
                owner="a-process-that-died",
                lease_until=time.time() - 1,
                deliveries=0,
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )
    engine.dispose()
    assert wait_state(wechat.stack.db_url, openid, {"sent", "ticket", "failed"}) == ["sent"]
    stored = stored_messages(wechat.stack.db_url, openid)
    assert [(m["direction"], m["text"]) for m in stored][:1] == [("in", "你好")]
    (delivered,) = wechat.api.texts(openid)
    assert delivered.startswith(stored[1]["text"])
    assert wechat.sim.post(msg).body == "success"  # WeChat's retry finds it answered
    assert len(wechat.api.texts(openid)) == 1
