"""Who may read a stored picture or file."""

from __future__ import annotations

from dataclasses import dataclass

from bot.media.store import Stored

STAFF_READERS = ("agent", "supervisor", "admin")


@dataclass(frozen=True)
class Viewer:
    """Who asks: a staff member (`role`, `username`) or a customer of a channel (`channel`,
    `sender`)."""

    role: str | None = None
    username: str | None = None
    channel: str | None = None
    sender: str | None = None


def may_read(record: Stored, viewer: Viewer) -> bool:
    """Engineers, supervisors and admins read every file; a customer reads the files of their
    own conversations (sent by them or to them); files of no conversation (the bot's own
    pictures) are public."""
    if record.channel is None and record.sender is None:
        return True
    if viewer.role is not None:
        return viewer.role in STAFF_READERS
    return viewer.channel == record.channel and viewer.sender == record.sender
