"""Reading stored times back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.handoff.store import aware


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from ISO text (as stored in JSON), or None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        return aware(datetime.fromisoformat(value))
    except ValueError:
        return None
