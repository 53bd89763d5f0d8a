"""Routing on a real database: skills, capacity, priority, nobody on duty, service hours."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import HandoffSettings
from bot.handoff.hours import ServiceHours
from bot.storage.models import Message, Ticket
from tests.conftest import run_async
from tests.handoff.conftest import ServiceFloor


class TestRouting:
    def test_required_skills_pick_the_engineer(self, floor: ServiceFloor) -> None:
        floor.online("agent1")
        floor.online("agent2")
        gaming = floor.request("u-gaming", ("gaming", "raptor"))
        order = floor.request("u-order", ("order",))
        assert (floor.handoff(gaming).status, floor.handoff(gaming).agent) == ("offered", "agent1")
        assert (floor.handoff(order).status, floor.handoff(order).agent) == ("offered", "agent2")
        assert floor.handoff(order).queue == "order"
        offered = [f for f in floor.console if f["type"] == "handoff"]
        assert {f["handoff"]["id"] for f in offered} >= {gaming, order}

    def test_full_engineer_means_waiting_with_place_and_estimate(self, floor: ServiceFloor) -> None:
        floor.online("agent2", capacity=1)
        first = floor.request("u-1", ("order",))
        second = floor.request("u-2", ("order",))
        assert floor.handoff(first).agent == "agent2"
        assert floor.handoff(second).status == "queued"
        notice = floor.last_replies[0]
        assert notice.text == floor.texts.get(
            "handoff_in_queue", team="订单与物流工程师", position=1, eta=6
        )
        assert [b["payload"] for b in notice.buttons] == [
            "/kefu_leave_message",
            "/kefu_cancel_queue",
        ]
        # agent1 is online but has no order skill: it waits for agent2 ...
        floor.online("agent1")
        run_async(floor.service.dispatch())
        assert floor.handoff(second).status == "queued"
        # ... who gets it once they have room again.
        floor.act("agent2", first, "accept")
        floor.act("agent2", first, "close")
        assert (floor.handoff(second).status, floor.handoff(second).agent) == ("offered", "agent2")

    def test_higher_priority_is_served_first(self, floor: ServiceFloor) -> None:
        floor.online("agent2", capacity=1)
        busy = floor.request("u-busy", ("order",))
        normal = floor.request("u-normal", ("order",), tier=3)
        floor.clock.now += 60
        urgent = floor.request("u-urgent", ("order",), tier=5)
        assert floor.handoff(urgent).priority > floor.handoff(normal).priority
        floor.act("agent2", busy, "accept")
        floor.act("agent2", busy, "return_to_bot")
        assert floor.handoff(urgent).agent == "agent2"
        assert floor.handoff(normal).status == "queued"

    def test_offer_not_accepted_in_time_goes_to_the_next_engineer(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        floor.online("agent2")
        h = floor.request("u-slow", ())
        first = floor.handoff(h).agent
        floor.clock.now += floor.service.conf.offer_timeout_s + 1
        run_async(floor.service.dispatch())
        again = floor.handoff(h)
        assert again.status == "offered" and again.agent not in (None, first)

    def test_long_wait_overflows_to_any_engineer(self, floor: ServiceFloor) -> None:
        floor.online("agent2")
        h = floor.request("u-rare", ("raptor",))
        assert floor.handoff(h).status == "queued"
        floor.clock.now += floor.service.conf.overflow_after_s + 1
        run_async(floor.service.dispatch())
        assert floor.handoff(h).agent == "agent2"


class TestTickets:
    def test_nobody_online_makes_a_ticket_with_the_whole_context(self, floor: ServiceFloor) -> None:
        floor.say("u-night", "我的逐影R9风扇声音特别大")
        h = floor.request("u-night", ("raptor",), reason="用户要求转人工")
        row = floor.handoff(h)
        assert row.status == "ticket" and row.ticket_id is not None
        assert "GD" in floor.last_replies[0].text
        with floor.service.db.session() as s:
            ticket = s.get(Ticket, row.ticket_id)
            assert ticket is not None and ticket.kind == "handoff"
            package = ticket.context["package"]
            words = [m["text"] for m in package["transcript"]]
            assert "我的逐影R9风扇声音特别大" in words
            assert ticket.context["why"] == "no_agent" and ticket.context["due_at"]
        # The bot answers again (here: Rasa is down, so the polite degraded reply).
        turn = floor.say("u-night", "还有个问题")
        assert turn.degraded

    def test_outside_service_hours_makes_a_ticket_even_with_engineers(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        conf = HandoffSettings(hours="09:00-18:00", days=[1, 2, 3, 4, 5])
        floor.service.hours = ServiceHours(conf)
        floor.clock.now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC).timestamp()  # Saturday
        h = floor.request("u-weekend", ("hardware",))
        assert floor.handoff(h).status == "ticket"
        text = floor.last_replies[0].text or ""
        assert "周一至周五 09:00-18:00" in text and "11月30日 17:00" in text

    def test_ticket_answer_reaches_the_customer(self, floor: ServiceFloor) -> None:
        frames = floor.watch("u-answer")
        h = floor.request("u-answer", ())
        ticket_id = floor.handoff(h).ticket_id
        from bot.handoff import console

        run_async(
            console.assign_ticket(floor.service, ticket_id, "agent1", by="agent1", role="agent")
        )
        run_async(
            console.close_ticket(
                floor.service, ticket_id, "agent1", "已为您登记寄修。", role="agent"
            )
        )
        assert any("已为您登记寄修。" in (f.get("text") or "") for f in frames)
        with floor.service.db.session() as s:
            ticket = s.get(Ticket, ticket_id)
            assert ticket is not None and ticket.status == "closed"
            stored = s.query(Message).filter(Message.text.contains("已为您登记寄修。")).one()
            assert stored.role == "agent"
