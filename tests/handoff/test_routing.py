"""Routing rules and service hours, as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import HandoffSettings
from bot.handoff.hours import ServiceHours
from bot.handoff.routing import (
    AgentState,
    pick_agent,
    priority_for,
    queue_of,
    queue_order,
    wait_estimate,
)


def agent(name: str, skills: str, load: int = 0, capacity: int = 3, **kw: object) -> AgentState:
    values: dict[str, object] = {"status": "online", "online": True, "idle_since": 0.0, **kw}
    return AgentState(name, frozenset(skills.split()), capacity, load, **values)  # type: ignore[arg-type]


class TestPickAgent:
    def test_most_required_skills_win_over_lower_load(self) -> None:
        a = agent("a", "battery", load=0)
        b = agent("b", "battery hardware", load=2)
        assert pick_agent([a, b], ["battery", "hardware"]) == b

    def test_equal_skills_then_lowest_share_of_capacity(self) -> None:
        a = agent("a", "order", load=2, capacity=3)
        b = agent("b", "order", load=2, capacity=5)
        assert pick_agent([a, b], ["order"]) == b

    def test_equal_load_then_longest_idle(self) -> None:
        a = agent("a", "order", idle_since=200.0)
        b = agent("b", "order", idle_since=100.0)
        assert pick_agent([a, b], ["order"]) == b

    def test_full_busy_away_and_offline_engineers_are_skipped(self) -> None:
        team = [
            agent("full", "order", load=3, capacity=3),
            agent("busy", "order", status="busy"),
            agent("away", "order", status="away"),
            agent("gone", "order", online=False),
        ]
        assert pick_agent(team, ["order"]) is None
        assert pick_agent([*team, agent("ok", "order")], ["order"]).username == "ok"  # type: ignore[union-attr]

    def test_without_the_skill_nobody_until_overflow(self) -> None:
        team = [agent("a", "sales"), agent("b", "order", load=1)]
        assert pick_agent(team, ["raptor"]) is None
        assert pick_agent(team, ["raptor"], overflow=True).username == "a"  # type: ignore[union-attr]

    def test_no_skill_needed_means_anyone_and_excluded_are_skipped(self) -> None:
        team = [agent("a", "sales"), agent("b", "order", load=1)]
        assert pick_agent(team, []).username == "a"  # type: ignore[union-attr]
        assert pick_agent(team, [], exclude=["a"]).username == "b"  # type: ignore[union-attr]


class TestQueue:
    def test_priority_first_then_waiting_time(self) -> None:
        waiting = [(3, 10.0, 1), (5, 30.0, 2), (3, 5.0, 3), (5, 20.0, 4)]
        ordered = sorted(waiting, key=lambda w: queue_order(*w))
        assert [w[2] for w in ordered] == [4, 2, 3, 1]

    def test_priority_from_tier_value_and_decision(self) -> None:
        assert priority_for(3, False) == 2
        assert priority_for(3, True) == 3
        assert priority_for(5, True) == 5
        assert priority_for(4, False, decided=5) == 5  # the tier policy's own wins
        assert queue_of(["battery", "hardware"]) == "battery"
        assert queue_of([]) == "general"

    def test_wait_estimate_grows_with_position_shrinks_with_capacity(self) -> None:
        assert wait_estimate(1, 3, 6.0) == 2
        assert wait_estimate(6, 3, 6.0) == 12
        assert wait_estimate(6, 6, 6.0) == 6
        assert wait_estimate(1, 0, 6.0) == 6


class TestServiceHours:
    def hours(self, **kw: object) -> ServiceHours:
        return ServiceHours(HandoffSettings(**kw))  # type: ignore[arg-type]

    def test_open_closed_and_next_opening_in_local_time(self) -> None:
        h = self.hours(hours="09:00-12:00,13:00-21:00", days=[1, 2, 3, 4, 5])
        # 2026-11-23 is a Monday; 02:00 UTC = 10:00 in Shanghai
        assert h.is_open(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
        assert not h.is_open(datetime(2026, 11, 23, 4, 30, tzinfo=UTC))  # 12:30 lunch
        friday_night = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)  # Fri 22:00
        opens = h.next_open(friday_night)
        assert (opens.isoweekday(), opens.hour) == (1, 9)  # Monday 09:00
        assert h.ticket_due(friday_night) > opens
        assert h.describe() == "周一至周五 09:00-12:00、13:00-21:00"

    def test_default_is_around_the_clock(self) -> None:
        h = self.hours()
        assert h.always and h.describe() == "每天 00:00-24:00"
        assert h.is_open(datetime(2026, 11, 29, 19, 59, tzinfo=UTC))
