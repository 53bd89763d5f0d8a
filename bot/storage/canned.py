"""Canned replies (快捷回复): texts supervisors keep for engineers, per queue or for all.

Import this module wherever `Base.metadata` must know every table (migrations, tests).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, utcnow


class CannedReply(Base):
    """One canned reply. `queue` is a skill id of skills.yml, or None for every queue; the
    text may hold placeholders the console fills in ({称呼}, {订单号}, {工程师})."""

    __tablename__ = "canned_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
