"""Quality rules over stored messages: alerts, work orders with owner and deadline, reminders
at half time and at the deadline, reviews and each rule's precision."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.quality import board, scanner, workorders
from bot.quality.rules import RulesError, RuleStore, parse
from bot.storage.db import Database
from bot.storage.models import Ticket
from bot.storage.supervision import Alert
from tests.analytics.dataset import Writer
from tests.conftest import ROOT

AT = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
BOOK = RuleStore(ROOT / "knowledge").book()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def _conversation(db: Database, channel: str, turns: list[tuple[int, str, str]]) -> int:
    w = Writer(db)
    sender = f"{channel}-{len(turns)}-{turns[0][2][:4]}"
    customer = w.customer((channel, sender))
    return w.conversation(customer, channel, sender, AT, [(o, r, t, None) for o, r, t in turns])


def _scan(db: Database) -> scanner.Scan:
    with db.session() as s:
        return scanner.scan(s, BOOK)


def test_risk_word_on_wechat_opens_a_work_order_with_owner_and_deadline(db: Database) -> None:
    _conversation(db, "wechat", [(0, "user", "再不给我修好，我就去315曝光你们")])
    found = _scan(db)
    assert [a["rule"] for a in found.alerts] == ["risk"]
    [order] = found.orders
    assert order["source"] == "alert" and order["severity"] == "high"
    assert order["owner"] == "queue:complaint" and order["owner_kind"] == "rule"
    assert order["channel"] == "wechat"
    assert datetime.fromisoformat(order["due_at"]) == AT + timedelta(hours=8)


def test_numbers_are_matched_whole_and_a_second_hit_extends_the_alert(db: Database) -> None:
    _conversation(db, "web", [(0, "user", "这台电脑3150元贵了"), (60, "user", "我要找律师"),
                              (120, "user", "找律师起诉你们")])  # fmt: skip
    found = _scan(db)
    assert len(found.alerts) == 1 and found.alerts[0]["text"] == "我要找律师"
    with db.session() as s:
        alert = s.scalar(select(Alert))
        assert alert is not None and alert.detail["count"] == 2


def test_rude_words_of_an_engineer_raise_an_alert_for_the_supervisor(db: Database) -> None:
    _conversation(
        db, "web", [(0, "user", "还是开不了机"), (30, "agent", "跟你说了多少遍了，自己看说明书")]
    )
    found = _scan(db)
    assert [(a["rule"], a["role"]) for a in found.alerts] == [("rude_agent", "agent")]
    assert found.orders[0]["owner"] == "super"


def test_reminder_fires_at_half_the_time_then_escalates_at_the_deadline(db: Database) -> None:
    _conversation(db, "web", [(0, "user", "充电器冒烟了")])  # safety: critical, 2 hours
    [order] = _scan(db).orders
    with db.session() as s:
        assert workorders.remind(s, AT + timedelta(minutes=59)) == []
    with db.session() as s:
        [half] = workorders.remind(s, AT + timedelta(minutes=61))
    assert half.level == 50 and half.order["id"] == order["id"]
    with db.session() as s:
        assert workorders.remind(s, AT + timedelta(minutes=90)) == []  # once
        [late] = workorders.remind(s, AT + timedelta(hours=2, minutes=1))
    assert late.level == 100 and late.order["escalated_at"] and late.order["overdue"]
    with db.session() as s:
        kinds = [n.kind for n in workorders.notes_of(s, order["id"])]
    assert kinds == ["status", "remind", "escalate"]


def test_closed_work_order_gets_no_reminder(db: Database) -> None:
    _conversation(db, "web", [(0, "user", "插座漏电了")])
    [order] = _scan(db).orders
    with db.session() as s:
        workorders.act(s, order["id"], "close", "super", AT, cause="resolved")
    with db.session() as s:
        assert workorders.remind(s, AT + timedelta(hours=3)) == []


def test_false_alarms_set_the_rules_precision_and_close_the_order(db: Database) -> None:
    for text in ("我要找律师", "媒体都报道了", "律师函已经发了"):
        _conversation(db, "web", [(0, "user", text)])
    alerts = _scan(db).alerts
    with db.session() as s:
        board.review(s, alerts[0]["id"], "confirmed", "super", AT)
        board.review(s, alerts[1]["id"], "false_alarm", "super", AT)
    with db.session() as s:
        [risk] = [p for p in board.precision(s, BOOK) if p["rule"] == "risk"]
        closed = s.get(Ticket, alerts[1]["workorder_id"])
        assert closed is not None and closed.closing_cause == "false_alarm"
    assert (risk["hits"], risk["confirmed"], risk["false_alarm"]) == (3, 1, 1)
    assert risk["precision"] == 0.5


def test_wrong_rules_are_refused_with_the_reason_and_nothing_is_written(tmp_path: Path) -> None:
    store = RuleStore(tmp_path)
    good = (ROOT / "knowledge" / "quality_rules.yml").read_text(encoding="utf-8")
    store.save(good)
    with pytest.raises(RulesError, match="级别"):
        store.save(good.replace("severity: critical", "severity: urgent"))
    with pytest.raises(RulesError, match="YAML"):
        store.save("rules: [")
    assert store.text() == good
    assert parse(good).rules[0].id == "risk"
