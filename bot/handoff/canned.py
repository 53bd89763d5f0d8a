"""Canned replies (快捷回复): supervisors keep them per queue, engineers insert them.

Placeholders are filled in the console from the open conversation: {称呼} (how the customer is
addressed), {订单号} (the latest order number the customer wrote), {工程师} (the engineer).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import or_, select

from bot.storage.canned import CannedReply
from bot.storage.db import Database


class CannedIn(BaseModel):
    """A canned reply as a supervisor writes it."""

    queue: str | None = Field(None, max_length=64)  # a skill id; None = every queue
    title: str = Field(min_length=1, max_length=60)  # what the engineer types after "/"
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("title", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("empty")
        return value.strip()


def view(r: CannedReply) -> dict[str, Any]:
    """A canned reply for the console."""
    return {"id": r.id, "queue": r.queue, "title": r.title, "text": r.text, "by": r.created_by}


def listed(db: Database, queue: str | None) -> list[dict[str, Any]]:
    """Replies for `queue` and for every queue (all of them when `queue` is None)."""
    with db.session() as s:
        q = select(CannedReply).order_by(CannedReply.queue.is_(None), CannedReply.title)
        if queue is not None:
            q = q.where(or_(CannedReply.queue == queue, CannedReply.queue.is_(None)))
        return [view(r) for r in s.scalars(q)]


def save(
    db: Database, body: CannedIn, by: str, reply_id: int | None = None
) -> dict[str, Any] | None:
    """Create (no id) or replace a reply; None when the id does not exist."""
    with db.session() as s:
        r = CannedReply(created_by=by) if reply_id is None else s.get(CannedReply, reply_id)
        if r is None:
            return None
        r.queue, r.title, r.text = body.queue or None, body.title, body.text
        s.add(r)
        s.flush()
        return view(r)


def delete(db: Database, reply_id: int) -> bool:
    """Remove a reply; False when it did not exist."""
    with db.session() as s:
        r = s.get(CannedReply, reply_id)
        if r is None:
            return False
        s.delete(r)
        return True
