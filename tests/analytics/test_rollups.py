"""The rollups the dashboard reads give exactly what aggregating the facts gives.

On generated history (the volume bench's own generator, small), on SQLite and PostgreSQL:
every headline figure, chart point, engineer row, funnel count and filter choice summed from
`analytics_daily`, `analytics_hourly` and `analytics_funnel` equals the same figure worked out
here in Python from the fact rows, for several ranges and filters; each point's drill-down
(which reads the facts) lists as many conversations; and after new messages change contacts
of earlier days, the job's incremental refresh keeps all of it equal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bench.supervisor_data import generate
from bot.analytics import cubes, drill
from bot.analytics.charts import Charts
from bot.analytics.filters import Drill, Filters
from bot.analytics.rollup import Rollup
from bot.analytics.settings import AnalyticsSettings
from bot.analytics.summary import EMPTY, figures, summary
from bot.handoff.store import aware
from bot.storage.db import Database
from bot.storage.models import Message
from bot.storage.supervision import AnalyticsContact, AnalyticsStep
from tests.analytics.conftest import TZ
from tests.analytics.dataset import Writer, reply

CONF = AnalyticsSettings()
QUESTIONS = [
    ("笔记本开不了机", "power-001"),
    ("按电源键没反应", "power-001"),
    ("屏幕一直闪", "display-001"),
    ("外接显示器没信号", "display-002"),
    ("电池充不进电", "battery-001"),
    ("电池鼓包了", "battery-002"),
    ("手机连不上无线网", "network-001"),
    ("发票怎么开", "invoice-001"),
    ("你们老板是谁", None),
    ("今天天气怎么样", None),
]
INFO = {
    "power-001": ("开机与电源", "book"),
    "display-001": ("屏幕与显示", "book"),
    "display-002": ("屏幕与显示", None),
    "battery-001": ("电池", "phone"),
    "battery-002": ("电池", "book"),
    "network-001": ("网络", "phone"),
    "invoice-001": ("发票", None),
}


FIGURES = list(figures(EMPTY))


def only_figures(point: dict[str, Any]) -> dict[str, Any]:
    return {k: point[k] for k in FIGURES}


def _measures(rows: list[AnalyticsContact], conf: AnalyticsSettings) -> tuple[Any, ...]:
    """The sums of `bot.analytics.cubes.MEASURES`, worked out one contact at a time."""

    def n(test: Callable[[AnalyticsContact], Any]) -> int:
        return sum(1 for r in rows if test(r))

    def total(values: list[Any]) -> Any:
        return sum(v for v in values if v is not None)

    def micros(values: list[Any]) -> int:
        return sum(round(v * 1_000_000) for v in values if v is not None)

    return (
        len(rows),
        n(lambda r: r.self_service),
        n(lambda r: r.transferred),
        n(lambda r: r.fcr),
        total([r.answered for r in rows]),
        total([r.clarified for r in rows]),
        total([r.unmatched for r in rows]),
        total([r.clarify_ok for r in rows]),
        n(lambda r: r.rating is not None),
        total([r.rating for r in rows]),
        n(lambda r: (r.rating or 0) >= 4),
        n(lambda r: r.wait_s is not None),
        micros([r.wait_s for r in rows]),
        n(lambda r: r.wait_s is not None and r.wait_s <= conf.service_level_s),
        n(lambda r: r.complaint),
        n(lambda r: r.answered > 0),
        n(lambda r: r.clarified > 0),
        n(lambda r: r.unmatched > 0),
        n(lambda r: r.first_response_s is not None),
        micros([r.first_response_s for r in rows]),
        n(lambda r: r.handle_s is not None),
        micros([r.handle_s for r in rows]),
    )


def _mean(values: list[Any], places: int, scale: int = 1) -> float | None:
    """The mean of the values given (durations: as exact microseconds, scale 1e6)."""
    values = [round(v * scale) for v in values if v is not None]
    return round(sum(values) / (len(values) * scale), places) if values else None


class Facts:
    """The fact rows, and the figures of a range worked out from them in Python."""

    def __init__(self, db: Database, conf: AnalyticsSettings = CONF) -> None:
        self.conf = conf
        with db.session() as s:
            self.contacts = list(s.scalars(select(AnalyticsContact)))
            self.steps = list(s.scalars(select(AnalyticsStep)))
            s.expunge_all()

    def of(self, f: Filters) -> list[AnalyticsContact]:
        """The contacts of the range and filters."""
        keep = []
        for c in self.contacts:
            day = aware(c.started_at).astimezone(TZ).date()
            wanted = [(c.channel, f.channel), (c.product_line, f.product_line)]
            wanted += [(c.category, f.category), (c.tier, f.tier), (c.queue, f.queue)]
            if f.start <= day <= f.end and all(v is None or have == v for have, v in wanted):
                keep.append(c)
        return keep

    def by(self, f: Filters, key: Callable[[AnalyticsContact], Any]) -> dict[Any, Any]:
        """The figures of each group of the range's contacts."""
        groups: dict[Any, list[AnalyticsContact]] = defaultdict(list)
        for c in self.of(f):
            groups[key(c)].append(c)
        return {k: figures(_measures(rows, self.conf)) for k, rows in groups.items()}

    def engineers(self, f: Filters) -> dict[str, dict[str, Any]]:
        groups: dict[str, list[AnalyticsContact]] = defaultdict(list)
        for c in self.of(f):
            if c.agent is not None:
                groups[c.agent].append(c)
        return {
            agent: {
                "agent": agent,
                "handled": len(rows),
                "first_response_s": _mean([r.first_response_s for r in rows], 1, 1_000_000),
                "handle_s": _mean([r.handle_s for r in rows], 1, 1_000_000),
                "csat": _mean([r.rating for r in rows], 2),
                "ratings": sum(1 for r in rows if r.rating is not None),
                "satisfied": sum(1 for r in rows if (r.rating or 0) >= 4),
            }
            for agent, rows in groups.items()
        }

    def funnel(self, f: Filters) -> dict[tuple[str, str | None, str], int]:
        ids = {c.id for c in self.of(f)}
        reached: dict[tuple[str, str | None, str], set[int]] = defaultdict(set)
        for st in self.steps:
            if st.contact_id in ids:
                reached[(st.tree_id, st.node_id, st.kind)].add(st.contact_id)
                reached[(st.tree_id, None, st.kind)].add(st.contact_id)
        return {k: len(v) for k, v in reached.items()}

    def options(self) -> dict[str, list[str]]:
        return {
            name: sorted({getattr(c, dim) for c in self.contacts} - {None})
            for name, dim in cubes.OPTIONS.items()
        }


def day_of(c: AnalyticsContact) -> date:
    return aware(c.started_at).astimezone(TZ).date()


def served_funnel(charts: Charts) -> dict[tuple[str, str | None, str], int]:
    """The funnel chart as (tree, node or None for the whole tree, kind) -> contacts."""
    out: dict[tuple[str, str | None, str], int] = {}
    for tree in charts.funnel():
        for kind, n in tree.items():
            if kind not in ("tree", "nodes", "entered"):
                out[(tree["tree"], None, kind)] = n
        for node in tree["nodes"]:
            out |= {(tree["tree"], node["node"], k): n for k, n in node.items() if k != "node"}
    return out


def check(db: Database, f: Filters, facts: Facts) -> None:
    """Every figure of the range served from the rollups equals the one from the facts, and
    each point's drill-down lists as many conversations."""
    conf = facts.conf
    with db.session() as s:
        charts = Charts(s, f, conf, TZ)
        assert only_figures(summary(s, f, conf, TZ)) == figures(_measures(facts.of(f), conf))
        want = facts.by(f, lambda c: day_of(c).isoformat())
        for point in charts.trend():
            assert only_figures(point) == want.get(point["day"], figures(EMPTY)), point["day"]
            d = Drill(day=date.fromisoformat(point["day"]))
            assert drill.count(s, f, d, conf, TZ) == point["conversations"]
        hours = {h["hour"]: only_figures(h) for h in charts.hours()}
        assert hours == facts.by(f, lambda c: aware(c.started_at).astimezone(TZ).hour)
        for hour, point in hours.items():
            assert drill.count(s, f, Drill(hour=hour), conf, TZ) == point["conversations"]
        for name in ("channel", "tier", "queue", "product_line", "category"):
            rows = {r["key"]: only_figures(r) for r in charts.breakdown(name)}
            want = facts.by(f, lambda c, name=name: getattr(c, name))
            if name == "tier":
                want = {k or 0: v for k, v in want.items()}
            if name == "queue":
                want.pop(None, None)
            assert rows == want, name
        engineers = {e["agent"]: e for e in charts.engineers()}
        assert engineers == facts.engineers(f)
        for agent, e in engineers.items():
            assert drill.count(s, f, Drill(agent=agent), conf, TZ) == e["handled"]
        funnel = served_funnel(charts)
        assert funnel == facts.funnel(f)
        for (tree, node, kind), n in funnel.items():
            assert drill.count(s, f, Drill(tree=tree, node=node, step=kind), conf, TZ) == n


def generated(db: Database, conf: AnalyticsSettings = CONF) -> Facts:
    generate(db.engine, 400, QUESTIONS, seed=7)
    Rollup(db, conf, lambda: INFO, TZ).run()
    return Facts(db, conf)


def ranges(facts: Facts) -> list[Filters]:
    """The month, a week, and filtered views on values the history holds."""
    today = datetime.now(TZ).date()
    month = Filters(start=today - timedelta(days=31), end=today)
    week = Filters(start=today - timedelta(days=9), end=today - timedelta(days=3))
    handed = next(c for c in facts.contacts if c.queue is not None)
    return [
        month,
        week,
        month.model_copy(update={"channel": "wechat"}),
        month.model_copy(update={"tier": 3}),
        month.model_copy(update={"category": "电池", "channel": "web"}),
        month.model_copy(update={"product_line": "book"}),
        month.model_copy(update={"queue": handed.queue}),
        week.model_copy(update={"queue": handed.queue, "channel": handed.channel}),
    ]


def test_rollup_figures_equal_the_facts_aggregated(db: Database) -> None:
    facts = generated(db)
    assert len(facts.contacts) >= 400 and facts.steps
    for f in ranges(facts):
        check(db, f, facts)
    with db.session() as s:
        assert cubes.options(s) == facts.options()


def test_incremental_refresh_keeps_the_rollups_equal_to_the_facts(db: Database) -> None:
    facts = generated(db)
    now = datetime.now(TZ)
    # A customer the bot helped comes back on another channel an hour later: that contact,
    # days ago, is no longer self-service.
    helped = max(
        (
            c
            for c in facts.contacts
            if c.self_service and aware(c.ended_at) < now - timedelta(days=2)
        ),
        key=lambda c: c.ended_at,
    )
    back_at = aware(helped.ended_at) + timedelta(hours=1)
    other = "wechat" if helped.channel == "web" else "web"
    w = Writer(db)
    w.conversation(helped.customer_id, other, f"back-{helped.id}", back_at, [
        (0, "user", "上次说的方法没用", None),
        (1, "bot", "抱歉没有找到", reply("none")),
    ])  # fmt: skip
    # A customer writes again a minute after an older contact ended: it is rebuilt.
    again = min(
        (c for c in facts.contacts if c.unmatched == 0 and c.id != helped.id),
        key=lambda c: c.started_at,
    )
    with db.session() as s:
        at = aware(again.ended_at) + timedelta(minutes=1)
        asked = Message(
            conversation_id=again.conversation_id, direction="in", role="user",
            text="还有别的办法吗", payload={}, created_at=at,
        )  # fmt: skip
        s.add(asked)
        s.flush()
        s.add(Message(
            conversation_id=again.conversation_id, direction="out", role="bot", text="抱歉",
            payload={**reply("none"), "reply_to": asked.id}, created_at=at + timedelta(seconds=1),
        ))  # fmt: skip
    Rollup(db, CONF, lambda: INFO, TZ).run()
    after = Facts(db)
    changed = {c.id: c for c in after.contacts}
    assert not changed[helped.id].self_service
    assert [c.unmatched for c in after.contacts if c.conversation_id == again.conversation_id] == [
        1
    ]
    for f in ranges(after):
        check(db, f, after)


def test_a_new_service_level_rebuilds_every_day(db: Database) -> None:
    generated(db)
    stricter = AnalyticsSettings(service_level_s=20)
    Rollup(db, stricter, lambda: INFO, TZ).run()
    facts = Facts(db, stricter)
    month = ranges(facts)[0]
    with db.session() as s:
        served = summary(s, month, stricter, TZ)
        assert 0 < served["counts"]["in_service_level"] < served["counts"]["waited"]
    check(db, month, facts)
