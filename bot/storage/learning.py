"""What editors set aside in 'learn from users': clusters they dismissed stay dismissed.

Import this module wherever `Base.metadata` must know every table (migrations, tests).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.models import Base, utcnow


class LearnDismissal(Base):
    """One customer text an editor dismissed from a list of 'learn from users' (`kind`:
    `unmatched` or `doubtful`). Texts are keyed as the editor compares them (no spaces, lower
    case), so the same words asked again stay out of the list."""

    __tablename__ = "learn_dismissals"
    __table_args__ = (UniqueConstraint("kind", "text_key", name="uq_learn_dismissal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    text_key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(String(500))
    label: Mapped[str] = mapped_column(String(500))  # the cluster it was dismissed with
    dismissed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
