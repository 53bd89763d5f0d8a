"""Two browser pages: a customer on /chat asks for a human, an engineer on /agent takes it.

The engineer sees the conversation with its context, accepts, they write to each other, the
engineer closes and the customer rates the service.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy import create_engine, select

from bot.storage.models import Handoff, ServiceRating
from tests.conftest import LiveStack
from tests.e2e.conftest import ChatPage

pytestmark = pytest.mark.e2e


def stored(db_url: str, sender: str) -> dict[str, Any]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            handoff = conn.execute(select(Handoff).where(Handoff.sender == sender)).one()
            rating = conn.execute(
                select(ServiceRating).where(ServiceRating.handoff_id == handoff.id)
            ).one()
            return {"status": handoff.status, "agent": rating.agent, "score": rating.score,
                    "comment": rating.comment}  # fmt: skip
    finally:
        engine.dispose()


class TestAgentConsole:
    def test_customer_to_engineer_and_back_with_a_rating(
        self, chat: ChatPage, console: Page, live_stack: LiveStack
    ) -> None:
        sender = chat.page.evaluate("window.kefuChat.state.sender")
        chat.send("我的逐影R9打游戏一直掉帧")
        chat.wait_reply(0)
        chat.page.click(".chip[data-text='转人工']")
        chat.page.locator("#thread .msg--system").first.wait_for()

        # The engineer sees the conversation with its context and accepts it.
        # Offered to agent1 ("my conversations"), or waiting for a skill they lack ("queue").
        item = console.locator(f".list .item[data-sender='{sender}']")
        item.wait_for(state="attached")
        if console.locator(f"#list-queue .item[data-sender='{sender}']").count():
            console.click(".tab[data-tab='queue']")
        item.click()
        console.locator("#transcript .line--user", has_text="我的逐影R9打游戏一直掉帧").wait_for()
        assert console.locator("#conv-reason").inner_text().strip()
        console.locator("#ctx-suggest .sugg").first.wait_for()
        assert console.locator("#ctx-emotion svg").count() == 1
        console.click("#btn-accept")
        chat.page.locator("#thread .msg--system", has_text="已接入").wait_for()

        # Both ways: the customer's words reach the engineer, not the bot.
        bots = chat.count("bot")
        chat.send("你好，在吗？掉帧主要在团战的时候")
        console.locator("#transcript .line--user", has_text="团战").wait_for()
        console.fill("#reply", "您好，我是工程师，请问游戏里开的是什么画质？")
        console.press("#reply", "Enter")
        chat.messages("agent").filter(has_text="什么画质").wait_for()
        console.locator("#ctx-suggest [data-insert]").first.click()
        assert console.input_value("#reply").strip()
        console.press("#reply", "Enter")
        chat.page.wait_for_function(
            "n => document.querySelectorAll('#thread .msg--agent').length >= n", arg=2
        )
        assert chat.count("bot") == bots  # the bot stayed silent throughout

        # Close, and the customer rates.
        console.click("#btn-close")
        console.click("#confirm-ok")  # closing asks first
        rating = chat.page.locator(".rating")
        rating.wait_for()
        rating.locator(".rating__star[data-score='4']").click()
        rating.locator(".rating__comment").fill("回复很快，讲得清楚")
        rating.locator(".rating__submit").click()
        chat.page.locator(".rating__thanks").wait_for()
        assert stored(live_stack.db_url, sender) == {
            "status": "closed",
            "agent": "agent1",
            "score": 4,
            "comment": "回复很快，讲得清楚",
        }
