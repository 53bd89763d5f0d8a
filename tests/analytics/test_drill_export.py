"""Drill-downs list exactly what a chart point counts; exports defuse spreadsheet formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook

from bot.analytics import drill, export
from bot.analytics.charts import Charts
from bot.analytics.filters import Drill, Filters
from bot.analytics.rollup import Rollup
from bot.analytics.settings import AnalyticsSettings
from bot.analytics.summary import summary
from bot.storage.db import Database
from tests.analytics.conftest import TZ
from tests.analytics.dataset import DAY, Writer, reply

RANGE = Filters(start=date(2026, 11, 1), end=date(2026, 11, 7))
CONF = AnalyticsSettings()


def test_every_trend_point_drills_down_to_as_many_conversations(
    db: Database, history: dict[str, int]
) -> None:
    with db.session() as s:
        trend = Charts(s, RANGE, CONF, TZ).trend()
        assert [t["day"] for t in trend][:2] == ["2026-11-01", "2026-11-02"]
        for point in trend:
            day = date.fromisoformat(point["day"])
            for metric, value in (
                ("all", point["conversations"]),
                ("transferred", point["counts"]["transferred"]),
                ("self_service", point["counts"]["self_service"]),
                ("fcr", point["counts"]["fcr"]),
            ):
                d = Drill(metric=metric, day=day)
                listed = drill.page(s, RANGE, d, CONF, TZ, limit=500)
                assert listed["total"] == value == len(listed["items"]), (point["day"], metric)


def test_breakdown_and_engineer_points_drill_down_to_their_counts(
    db: Database, history: dict[str, int]
) -> None:
    with db.session() as s:
        charts = Charts(s, RANGE, CONF, TZ)
        for row in charts.breakdown("queue"):
            d = Drill(metric="waited", by_queue=row["key"])
            assert drill.count(s, RANGE, d, CONF, TZ) == row["counts"]["waited"]
        for e in charts.engineers():
            assert drill.count(s, RANGE, Drill(agent=e["agent"]), CONF, TZ) == e["handled"]
            rated = Drill(metric="rated", agent=e["agent"])
            assert drill.count(s, RANGE, rated, CONF, TZ) == e["ratings"]
        for row in charts.breakdown("tier"):
            assert (
                drill.count(s, RANGE, Drill(by_tier=row["key"]), CONF, TZ) == row["conversations"]
            )


def test_exports_write_one_row_per_conversation_and_defuse_formulas(db: Database) -> None:
    w = Writer(db)
    customer = w.customer(("web", "formula"))
    w.conversation(customer, "web", "formula", DAY + timedelta(hours=6), [
        (0, "user", '=HYPERLINK("http://evil.example","点我")', None),
        (1, "bot", "抱歉没有找到", reply("none")),
    ])  # fmt: skip
    w.conversation(w.customer(("web", "plain")), "web", "plain", DAY, [
        (0, "user", "-1 元的优惠券怎么用", None),
        (1, "bot", "……", reply("answer", "coupon-001")),
    ])  # fmt: skip
    Rollup(db, CONF, dict, TZ).run()
    with db.session() as s:
        rows = list(drill.rows(s, RANGE, Drill(), CONF, TZ))
    text = "".join(export.csv_chunks(rows))
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) == 1 + 2 and table[0][0] == "编号"
    firsts = {r[7] for r in table[1:]}
    assert firsts == {'\'=HYPERLINK("http://evil.example","点我")', "'-1 元的优惠券怎么用"}
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(rows))).active
    cells = [sheet.cell(row=r, column=8) for r in (2, 3)]
    assert all(c.data_type == "s" and str(c.value).startswith("'") for c in cells)


def test_days_are_the_centres_days_on_every_database(db: Database) -> None:
    w = Writer(db)
    late = datetime(2026, 11, 2, 20, 0, tzinfo=UTC)  # 04:00 on 3 November in Shanghai
    w.conversation(w.customer(("web", "late")), "web", "late", late, [
        (0, "user", "这么晚还有人吗", None),
        (1, "bot", "……", reply("answer", "service-001")),
    ])  # fmt: skip
    Rollup(db, CONF, dict, TZ).run()
    nov2 = Filters(start=date(2026, 11, 2), end=date(2026, 11, 2))
    nov3 = Filters(start=date(2026, 11, 3), end=date(2026, 11, 3))
    with db.session() as s:
        assert summary(s, nov2, CONF, TZ)["conversations"] == 0
        assert summary(s, nov3, CONF, TZ)["conversations"] == 1
        [day] = Charts(s, nov3, CONF, TZ).trend()
        assert (day["day"], day["conversations"]) == ("2026-11-03", 1)
        assert drill.count(s, RANGE, Drill(day=date(2026, 11, 3)), CONF, TZ) == 1


def test_xlsx_export_drops_control_characters_a_customer_sent() -> None:
    row = {name: None for name, _ in drill.COLUMNS}
    first = drill.COLUMNS[7][0]
    row[first] = "电脑\x00开不了机\x1b"
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes([row]))).active
    assert sheet.cell(row=2, column=8).value == "电脑开不了机"
