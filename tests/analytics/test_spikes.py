"""Spike detection: an injected rise of one question raises exactly one alert, once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.analytics import spikes
from bot.analytics.rollup import Rollup
from bot.analytics.settings import AnalyticsSettings
from bot.storage.db import Database
from bot.storage.supervision import Alert
from tests.analytics.conftest import TZ
from tests.analytics.dataset import Writer, reply

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 15:00 in Shanghai, a Monday
INFO = {"q-battery": ("电池", "book"), **{f"bg-{i}": ("其他", "phone") for i in range(6)}}


def _ask(w: Writer, n: int, at: datetime, question: str, channel: str = "web") -> None:
    for i in range(n):
        sender = f"{question}-{at.timestamp():.0f}-{i}"
        customer = w.customer((channel, sender))
        when = at + timedelta(minutes=(i * 53) % 55)
        w.conversation(
            customer,
            channel,
            sender,
            when,
            [
                (0, "user", "电池充不进电怎么办" if question == "q-battery" else "其他问题", None),
                (1, "bot", "……", reply("answer", question)),
            ],
        )


def _history(db: Database, injected: int) -> None:
    w = Writer(db)
    for week in range(0, 5):
        hour = NOW - timedelta(hours=1) - timedelta(weeks=week)
        for i in range(6):
            _ask(w, 3, hour, f"bg-{i}")
        _ask(w, injected if week == 0 else 1 + week % 2, hour, "q-battery")
    Rollup(db, AnalyticsSettings(), lambda: INFO, TZ).run()


def _run(db: Database, at: datetime) -> None:
    conf = AnalyticsSettings()
    with db.session() as s:
        found = spikes.detect(s, at, conf)
        spikes.raise_alerts(s, found, at, lambda d, k: k, timedelta(minutes=5))


def test_injected_spike_raises_exactly_one_alert(db: Database) -> None:
    _history(db, injected=15)
    for minutes in (0, 5, 10, 15):  # the detector runs again while the spike lasts
        _run(db, NOW + timedelta(minutes=minutes))
    with db.session() as s:
        alerts = list(s.scalars(select(Alert).where(Alert.kind == "spike")))
    assert [(a.rule_id, a.detail["key"]) for a in alerts] == [("spike_question", "q-battery")]
    detail = alerts[0].detail
    assert detail["count"] == 15 and detail["channels"] == {"web": 15}
    assert detail["baseline"] == [2, 1, 2, 1]
    assert len(detail["examples"]) == 5 and detail["words"]


def test_usual_hour_raises_no_alert(db: Database) -> None:
    _history(db, injected=2)
    _run(db, NOW)
    with db.session() as s:
        assert s.scalar(select(Alert.id).where(Alert.kind == "spike")) is None


def test_poisson_tail_is_small_only_far_above_the_mean() -> None:
    assert spikes.tail(3, 1.5, 1.5) > 0.1
    assert spikes.tail(15, 1.5, 0.3) < 1e-6
    # Weeks that vary a lot make the same count less surprising (negative binomial).
    assert spikes.tail(15, 5.0, 30.0) > spikes.tail(15, 5.0, 5.0)
