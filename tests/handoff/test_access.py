"""Item 4: engineers act on their own work and on unassigned work of their queues; supervisors
on all; whoever is given work exists and holds its skill."""

from __future__ import annotations

import pytest

from bot.handoff import HandoffError, console
from bot.storage.models import HandoffEvent, Ticket
from tests.conftest import run_async
from tests.handoff.conftest import ServiceFloor


def refused(code: str, call: object) -> None:
    """`call()` raises a HandoffError with `code`."""
    with pytest.raises(HandoffError) as err:
        call()  # type: ignore[operator]
    assert err.value.code == code, err.value.message


class TestHandoffs:
    def test_an_agent_cannot_note_transfer_return_or_close_anothers_conversation(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        h = floor.request("u-held", ("hardware",))
        floor.act("agent1", h, "accept")
        refused("not_yours", lambda: floor.act("agent2", h, "note", text="偷看一下"))
        refused(
            "not_yours",
            lambda: floor.act("agent2", h, "transfer", queue=None, agent="agent2", note=""),
        )
        refused("not_yours", lambda: floor.act("agent2", h, "return_to_bot"))
        refused("not_yours", lambda: floor.act("agent2", h, "close"))
        with floor.service.db.session() as s:
            assert not s.query(HandoffEvent).filter_by(handoff_id=h, kind="note").count()
        floor.act("super", h, "note", role="supervisor", text="主管备注")  # supervisors: all
        floor.act("agent1", h, "note", text="自己的备注")
        assert floor.handoff(h).status == "active" and floor.handoff(h).agent == "agent1"

    def test_a_waiting_conversation_is_taken_only_by_its_queue_until_it_overflows(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent2", capacity=1)
        floor.request("u-first", ("order",))  # fills agent2
        h = floor.request("u-waits", ("order",))
        assert floor.handoff(h).status == "queued"
        refused("not_yours", lambda: floor.act("agent1", h, "accept"))  # no order skill
        refused("not_yours", lambda: floor.act("agent1", h, "note", text="x"))
        floor.clock.now += floor.service.conf.overflow_after_s + 1
        floor.act("agent1", h, "accept")  # waited long enough: anyone may take it
        assert floor.handoff(h).agent == "agent1"

    def test_anyone_on_duty_may_take_a_conversation_no_engineer_of_its_queue_could(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        h = floor.request("u-pad", ("pad",))  # only agent2 serves pad, and is not on duty
        assert floor.handoff(h).status == "queued"
        floor.act("agent1", h, "accept")
        assert floor.handoff(h).agent == "agent1"

    def test_a_transfer_goes_only_to_an_existing_engineer_with_the_skill(
        self, floor: ServiceFloor
    ) -> None:
        floor.online("agent1")
        h = floor.request("u-transfer", ("hardware",))
        floor.act("agent1", h, "accept")
        for target, code in (
            ("ghost", "no_agent"),
            ("editor", "no_agent"),
            ("agent2", "lacks_skill"),
        ):
            refused(
                code,
                lambda t=target: floor.act("agent1", h, "transfer", queue=None, agent=t, note=""),
            )
        assert floor.handoff(h).agent == "agent1"


class TestTickets:
    def ticket(self, floor: ServiceFloor, sender: str, skills: tuple[str, ...]) -> int:
        h = floor.request(sender, skills)  # nobody online: a ticket
        ticket_id = floor.handoff(h).ticket_id
        assert ticket_id is not None
        return int(ticket_id)

    def assign(self, floor: ServiceFloor, tid: int, to: str, by: str, role: str = "agent") -> None:
        run_async(console.assign_ticket(floor.service, tid, to, by=by, role=role))

    def close(self, floor: ServiceFloor, tid: int, by: str, role: str = "agent") -> None:
        run_async(console.close_ticket(floor.service, tid, by, "已处理", role=role))

    def test_an_agent_cannot_reassign_or_close_anothers_ticket(self, floor: ServiceFloor) -> None:
        tid = self.ticket(floor, "u-t1", ("hardware",))
        self.assign(floor, tid, "agent1", by="agent1")
        refused("not_yours", lambda: self.assign(floor, tid, "nobody", by="agent2"))
        refused("not_yours", lambda: self.assign(floor, tid, "agent2", by="agent2"))
        refused("not_yours", lambda: self.close(floor, tid, "agent2"))
        with floor.service.db.session() as s:
            t = s.get(Ticket, tid)
            assert t is not None and (t.assignee, t.status) == ("agent1", "assigned")
        self.close(floor, tid, "agent1")

    def test_unassigned_tickets_are_taken_by_their_queue_and_given_by_supervisors(
        self, floor: ServiceFloor
    ) -> None:
        tid = self.ticket(floor, "u-t2", ("order",))
        refused("not_yours", lambda: self.assign(floor, tid, "agent1", by="agent1"))
        refused("not_yours", lambda: self.close(floor, tid, "agent1"))
        refused("no_agent", lambda: self.assign(floor, tid, "ghost", by="super", role="supervisor"))
        refused(
            "lacks_skill", lambda: self.assign(floor, tid, "agent1", by="super", role="supervisor")
        )
        self.assign(floor, tid, "agent2", by="super", role="supervisor")
        self.close(floor, tid, "agent2")

    @pytest.mark.parametrize("skills", [(), ("a-skill-nobody-holds",)])
    def test_a_ticket_no_engineer_holds_a_skill_of_is_open_to_every_engineer(
        self, floor: ServiceFloor, skills: tuple[str, ...]
    ) -> None:
        tid = self.ticket(floor, f"u-t3-{len(skills)}", skills)
        self.assign(floor, tid, "agent1", by="agent1")
        self.close(floor, tid, "agent1")
