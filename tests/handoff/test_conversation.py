"""While engineers have a conversation: bot silence, waiting notices, leave a message or stop
waiting, nothing lost across accept / transfer / return, and the rating after close."""

from __future__ import annotations

import asyncio
import json

from bot.gateway.types import Inbound
from bot.handoff import live
from bot.handoff.notices import CANCEL_PAYLOAD, LEAVE_PAYLOAD
from bot.storage import repository as repo
from bot.storage.models import Handoff, ServiceRating
from tests.conftest import run_async
from tests.handoff.conftest import ServiceFloor


def forwarded(floor: ServiceFloor, handoff_id: int) -> list[str]:
    """Customer messages the consoles received for a handoff, in order."""
    return [
        f["message"]["text"]
        for f in floor.console
        if f["type"] == "message"
        and f["handoff_id"] == handoff_id
        and f["message"]["direction"] == "in"
    ]


class TestBotSilence:
    def test_engineer_holds_the_conversation_the_bot_stays_silent(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        h = floor.request("u-hold", ("hardware",))
        floor.act("agent1", h, "accept")
        turn = floor.say("u-hold", "屏幕还是不亮")
        assert turn.replies == [] and not turn.degraded  # Rasa was not asked
        assert forwarded(floor, h) == ["屏幕还是不亮"]
        with floor.service.db.session() as s:
            msg = repo.messages_of(s, turn.conversation_id)[-1]
            assert (msg.text, msg.status) == ("屏幕还是不亮", "forwarded")

    def test_waiting_customer_gets_place_and_estimate_not_the_bot(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent2", capacity=1)
        floor.request("u-first", ("order",))
        h = floor.request("u-wait", ("order",))
        turn = floor.say("u-wait", "屏幕型号是XB14")
        assert [r.text for r in turn.replies] == [
            floor.texts.get("handoff_waiting", position=1, eta=6)
        ]
        assert forwarded(floor, h) == ["屏幕型号是XB14"]

    def test_still_there_while_queued_gets_the_place_and_the_wait(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent2", capacity=1)
        floor.request("u-first2", ("order",))
        floor.request("u-there", ("order",))
        for words in ("还在吗", "怎么还没人", "大概还要多久？"):
            turn = floor.say("u-there", words)
            assert [r.text for r in turn.replies] == [
                floor.texts.get("handoff_status_queued", position=1, eta=6)
            ]

    def test_still_there_after_a_ticket_gets_its_number_and_promised_time(
        self, floor: ServiceFloor
    ) -> None:
        h = floor.request("u-ticket", ("hardware",))  # nobody online: a ticket
        row = floor.handoff(h)
        assert row.status == "ticket" and row.ticket_id is not None
        for words in ("还在吗", "怎么还没人回复啊", "人呢"):
            turn = floor.say("u-ticket", words)
            assert not turn.degraded  # answered here, the bot (and its greeting) not asked
            (reply,) = turn.replies
            said = reply.text or ""
            assert f"GD{row.ticket_id:06d}" in said and "前答复您" in said
        assert floor.say("u-ticket", "另外想问下发票怎么开").degraded  # a question: the bot's

    def test_waiting_customer_may_leave_a_message_instead(self, floor: ServiceFloor) -> None:
        floor.online("agent2", capacity=1)
        floor.request("u-a", ("order",))
        h = floor.request("u-leave", ("order",))
        turn = floor.say("u-leave", "留言", payload=LEAVE_PAYLOAD)
        row = floor.handoff(h)
        assert row.status == "ticket" and row.ticket_id is not None
        assert f"GD{row.ticket_id:06d}" in (turn.replies[0].text or "")
        assert floor.say("u-leave", "发票怎么开").degraded  # back with the bot

    def test_waiting_customer_may_stop_waiting(self, floor: ServiceFloor) -> None:
        floor.online("agent2", capacity=1)
        floor.request("u-b", ("order",))
        h = floor.request("u-cancel", ("order",))
        turn = floor.say("u-cancel", "取消排队", payload=CANCEL_PAYLOAD)
        assert turn.replies[0].text == floor.texts.get("handoff_cancelled")
        assert floor.handoff(h).status == "cancelled"
        assert floor.say("u-cancel", "你好").degraded


class TestNothingLost:
    def test_messages_across_accept_transfer_and_return(self, floor: ServiceFloor) -> None:
        floor.online("agent1")
        floor.online("agent2")
        frames = floor.watch("u-long")
        h = floor.request("u-long", ("hardware",))
        floor.say("u-long", "一：排队时说的")
        floor.act("agent1", h, "accept")
        floor.say("u-long", "二：工程师一号接入后")
        floor.act("agent1", h, "transfer", queue="order", agent=None, note="需要查订单")
        floor.say("u-long", "三：转接途中")
        assert floor.handoff(h).agent == "agent2"  # routed to the order engineer
        floor.act("agent2", h, "accept")
        floor.say("u-long", "四：工程师二号接入后")
        floor.act("agent2", h, "return_to_bot")
        after = floor.say("u-long", "五：回到机器人")
        assert after.degraded  # the bot (Rasa, down here) answers again
        assert forwarded(floor, h) == [
            "一：排队时说的",
            "二：工程师一号接入后",
            "三：转接途中",
            "四：工程师二号接入后",
        ]
        with floor.service.db.session() as s:
            texts = [m.text for m in repo.messages_of(s, after.conversation_id) if m.role == "user"]
        assert texts[-5:] == [
            "一：排队时说的",
            "二：工程师一号接入后",
            "三：转接途中",
            "四：工程师二号接入后",
            "五：回到机器人",
        ]
        notes = [f for f in floor.console if f["type"] == "handoff" and f["handoff"]["id"] == h]
        assert notes[-1]["handoff"]["status"] == "returned"
        modes = [f.get("mode") for f in frames if f["type"] == "system"]
        assert modes == ["agent", None, "agent", "bot"]

    def test_messages_racing_an_accept_all_reach_the_engineer(self, floor: ServiceFloor) -> None:
        floor.online("agent1")
        h = floor.request("u-race", ("hardware",))

        async def race() -> None:
            says = [
                floor.gateway.handle(Inbound("web", "u-race", f"第{i}条", client_id=f"c{i}"))
                for i in range(6)
            ]
            await asyncio.gather(*says[:3], floor.service.act("agent1", "agent", h, "accept"))
            await asyncio.gather(*says[3:])

        run_async(race())
        assert sorted(forwarded(floor, h)) == [f"第{i}条" for i in range(6)]
        assert floor.handoff(h).status == "active"


class TestRating:
    def test_close_asks_for_a_rating_stored_with_the_engineer(self, floor: ServiceFloor) -> None:
        floor.online("agent1")
        frames = floor.watch("u-rate")
        h = floor.request("u-rate", ("hardware",))
        floor.act("agent1", h, "accept")
        floor.act("agent1", h, "send", text="您好，问题已经处理好了")
        floor.act("agent1", h, "close")
        asked = [f for f in frames if f["type"] == "rating"]
        assert asked and asked[0]["handoff"] == h
        thanks = run_async(live.rate(floor.service, "web", "u-rate", h, 5, "很专业"))
        assert thanks == floor.texts.get("rating_thanks")
        with floor.service.db.session() as s:
            rating = s.query(ServiceRating).filter_by(handoff_id=h).one()
            assert (rating.score, rating.comment, rating.agent) == (5, "很专业", "agent1")
            assert s.get(Handoff, h).status == "closed"  # type: ignore[union-attr]
        assert [f["text"] for f in frames if f["type"] == "agent"] == ["您好，问题已经处理好了"]

    def test_rating_by_button_on_a_text_channel(self, floor: ServiceFloor) -> None:
        floor.online("agent1")
        h = floor.request("u-button", ())
        floor.act("agent1", h, "accept")
        floor.act("agent1", h, "close")
        payload = "/kefu_rate" + json.dumps({"handoff": h, "score": 2})
        turn = floor.say("u-button", "2 分", payload=payload)
        assert turn.replies[0].text == floor.texts.get("rating_thanks_low")
        with floor.service.db.session() as s:
            assert s.query(ServiceRating).filter_by(handoff_id=h).one().score == 2


class TestWaitingUpdates:
    def test_waiting_page_is_told_its_place_as_the_queue_moves(self, floor: ServiceFloor) -> None:
        floor.online("agent2", capacity=1)
        first = floor.request("u-p1", ("order",))
        floor.request("u-p2", ("order",))
        frames = floor.watch("u-p3")
        floor.request("u-p3", ("order",))
        run_async(floor.service.push_positions())
        assert [(f["position"], f["status"]) for f in frames if f["type"] == "queue"] == [
            (2, "queued")
        ]
        floor.act("agent2", first, "accept")
        floor.act("agent2", first, "close")  # u-p2 is offered to agent2, u-p3 moves up
        run_async(floor.service.push_positions())
        places = [f["position"] for f in frames if f["type"] == "queue"]
        assert places == [2, 1]
        assert frames[-1]["text"] == floor.texts.get("handoff_position", position=1, eta=6)
