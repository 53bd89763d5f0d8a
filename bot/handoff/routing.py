"""Routing: which engineer gets a waiting conversation, and in which order conversations wait.

The best engineer is chosen by required skills (most of them covered), then load (the lowest
share of their capacity in use), then waiting time (the one idle longest since their last
conversation). Engineers are eligible when their console is connected, they set themselves
online, they have room, and they have at least one of the required skills; after the overflow
time any available engineer is eligible, skill or not (the best-skilled still first).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

GENERAL_QUEUE = "general"
# Priority (1-5, 5 = most urgent) of a handoff whose tier decision left no priority.
_TIER_PRIORITY = {5: 4, 4: 3, 3: 2}


@dataclass(frozen=True)
class AgentState:
    """One engineer as routing sees them."""

    username: str
    skills: frozenset[str]
    capacity: int
    load: int  # conversations offered to or held by them now
    status: str  # online | busy | away (chosen in the console)
    online: bool  # their console is connected
    idle_since: float = 0.0  # epoch seconds of their last assignment (0 = never)

    @property
    def available(self) -> bool:
        """Can take one more conversation now."""
        return self.online and self.status == "online" and self.load < self.capacity

    def coverage(self, skills: Sequence[str]) -> int:
        """How many of the required skills they have."""
        return sum(1 for s in skills if s in self.skills)


def pick_agent(
    agents: Iterable[AgentState],
    skills: Sequence[str],
    *,
    overflow: bool = False,
    exclude: Iterable[str] = (),
) -> AgentState | None:
    """The best available engineer for a conversation needing `skills`, or None.

    Args:
        agents: every engineer with a profile.
        skills: the skills the conversation needs (empty: anyone).
        overflow: the conversation waited long enough for any engineer to take it.
        exclude: engineers who let an offer of it time out.
    """
    skip = set(exclude)
    candidates = [a for a in agents if a.available and a.username not in skip]
    if skills and not overflow:
        candidates = [a for a in candidates if a.coverage(skills) > 0]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda a: (-a.coverage(skills), a.load / a.capacity, a.idle_since, a.username),
    )


def can_serve(agent: AgentState, skills: Sequence[str]) -> bool:
    """Whether the engineer has a skill the conversation needs (or none is needed)."""
    return not skills or agent.coverage(skills) > 0


def queue_order(priority: int, requested_at: float, handoff_id: int) -> tuple[int, float, int]:
    """Sort key of waiting conversations: the most urgent first, then the longest waiting."""
    return (-priority, requested_at, handoff_id)


def queue_of(skills: Sequence[str]) -> str:
    """The queue (skill group) of a conversation: its first required skill."""
    return skills[0] if skills else GENERAL_QUEUE


def priority_for(tier: int | None, high_value: bool, decided: int | None = None) -> int:
    """Queue priority 1-5 from the tier, the customer's value and the tier decision's own.

    Args:
        tier: the request's tier (3-5 reach people).
        high_value: gold / black-diamond member or enterprise customer.
        decided: the priority the tier policy gave, when there is one (it already counts value).
    """
    if decided is not None:
        return max(1, min(5, decided))
    base = _TIER_PRIORITY.get(tier or 3, 2)
    return max(1, min(5, base + (1 if high_value else 0)))


def wait_estimate(position: int, capacity: int, handle_minutes: float) -> int:
    """Whole minutes until a conversation at `position` is likely served (at least 1).

    `capacity` is how many conversations the engineers of its queue can hold at once; each
    takes `handle_minutes` on average.
    """
    rounds = position / max(1, capacity)
    return max(1, round(rounds * handle_minutes + 0.49))
