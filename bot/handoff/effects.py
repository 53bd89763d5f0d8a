"""What a handoff step leaves to do after its transaction commits: frames to send."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.gateway.types import Button


@dataclass
class Tell:
    """Something for one customer: a frame for their chat page, a text for other channels."""

    channel: str
    sender: str
    conversation_id: int
    frame: dict[str, Any]  # web chat page frame (`type` agent | system | queue | rating | ...)
    text: str | None = None  # what text-only channels (WeChat) send; None = nothing
    buttons: list[Button] = field(default_factory=list)
    attachment: dict[str, Any] | None = None  # a picture or file (bot.media view) to send too


@dataclass
class Effects:
    """Frames for consoles and customers, tickets to pack, whether to route again."""

    handoffs: list[int] = field(default_factory=list)  # changed: consoles get their summary
    console: list[dict[str, Any]] = field(default_factory=list)
    tells: list[Tell] = field(default_factory=list)
    pack_tickets: list[int] = field(default_factory=list)  # tickets waiting for their package
    dispatch: bool = False  # an engineer has room again, or a conversation waits anew

    def add(self, other: Effects) -> Effects:
        """Append another step's effects to these."""
        self.handoffs += other.handoffs
        self.console += other.console
        self.tells += other.tells
        self.pack_tickets += other.pack_tickets
        self.dispatch = self.dispatch or other.dispatch
        return self
