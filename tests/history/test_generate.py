"""Generated history goes through the live service's code at simulated times, and the
dashboard's facts are built from it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.analytics.filters import Filters
from bot.analytics.summary import summary
from bot.config import Settings
from bot.history.generate import fill
from bot.storage.db import Database
from bot.storage.models import Conversation, Message, TierDecisionRecord
from bot.storage.supervision import AnalyticsContact
from tests.conftest import run_async

END = date(2026, 11, 18)
TZ = ZoneInfo("Asia/Shanghai")


def test_history_is_written_through_the_service_at_simulated_times(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kefu.db'}"
    settings = Settings(
        db={"url": url}, var_dir=tmp_path / "var", analytics={"rollup_interval_s": 0}
    )
    written = run_async(fill(settings, 2, 12, seed=3, end=END))
    assert written is not None and written.visits >= 20
    db = Database(url)
    try:
        with db.session() as s:
            lo = datetime.combine(END - timedelta(days=1), time(), TZ).astimezone(UTC)
            hi = datetime.combine(END + timedelta(days=1), time(), TZ).astimezone(UTC)
            first, last = s.execute(
                select(func.min(Message.created_at), func.max(Message.created_at))
            ).one()
            assert lo <= first.replace(tzinfo=UTC) and last.replace(tzinfo=UTC) < hi + timedelta(
                hours=2
            )
            channels = set(s.scalars(select(Conversation.channel).distinct()))
            assert channels == {"web", "wechat"}
            # The real actions decided tiers and matched questions on the way.
            assert s.scalar(select(func.count(TierDecisionRecord.id))) >= written.visits // 2
            replies = s.scalars(select(Message.payload).where(Message.role == "bot")).all()
            decisions = {
                ((p.get("custom") or {}).get("kefu") or {}).get("decision") for p in replies
            }
            assert "answer" in decisions
            contacts = s.scalar(select(func.count(AnalyticsContact.id)))
            f = Filters(start=END - timedelta(days=1), end=END)
            assert summary(s, f, settings.analytics, TZ)["conversations"] == contacts
    finally:
        db.dispose()
