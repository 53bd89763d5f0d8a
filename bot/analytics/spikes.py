"""Hot issues: spikes of a question, tree, node, product line, channel or unmatched subject.

The last hour's count of each key is held to the same hour of the previous weeks. A key
spikes when (1) the count is at least `spike_min_count`, (2) at least `spike_min_ratio` times
its usual level, and (3) improbable under that level: the upper tail of a Poisson law with the
weeks' mean (a negative binomial when the weeks vary more than Poisson allows) is below
`spike_p_value`. Why: arrivals in an hour are counts of independent contacts, for which
Poisson is the natural law; the same hour of earlier weeks carries the time-of-day and
day-of-week shape; the minimum count keeps rare keys (1 -> 3 contacts) quiet, and the small
p-value keeps the many keys tested each run from raising chance alerts.

A spike that a finer one explains (a product line whose rise is one question's) is not raised
again; a key that keeps spiking extends its open alert instead of raising a new one.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.analytics import words
from bot.analytics.settings import AnalyticsSettings
from bot.handoff.store import aware
from bot.storage.supervision import Alert
from bot.storage.supervision import AnalyticsContact as C
from bot.storage.supervision import AnalyticsStep as S
from bot.storage.supervision import AnalyticsTurn as T

# Finest first: a coarser key whose rise the finer ones already explain is not raised.
DIMENSIONS = ("question", "node", "cluster", "tree", "product_line", "channel")
NAMES = {
    "question": "标准问",
    "node": "诊断节点",
    "cluster": "未匹配问题",
    "tree": "诊断树",
    "product_line": "产品线",
    "channel": "渠道",
}
WINDOW = timedelta(hours=1)
Labels = Callable[[str, str], str]  # (dimension, key) -> what people call it


@dataclass
class Hit:
    """One counted contact of a key: which contact, on which channel, with which words."""

    contact: int
    channel: str
    text: str | None
    at: datetime


@dataclass
class Spike:
    """A key whose last hour stands out."""

    dim: str
    key: str
    count: int
    baseline: list[int]
    expected: float
    p: float
    hits: list[Hit] = field(default_factory=list)


def tail(x: int, mean: float, var: float) -> float:
    """P(X >= x) for a count of this mean and variance (Poisson, or negative binomial)."""
    mean = max(mean, 0.5)  # a key never seen before still has some chance of a contact
    if x <= 0:
        return 1.0
    if var > mean * 1.05:
        r, q = mean * mean / (var - mean), mean / var
        logpmf = lambda k: (  # noqa: E731
            math.lgamma(k + r)
            - math.lgamma(r)
            - math.lgamma(k + 1)
            + r * math.log(q)
            + k * math.log1p(-q)
        )
    else:
        logpmf = lambda k: k * math.log(mean) - mean - math.lgamma(k + 1)  # noqa: E731
    below = sum(math.exp(logpmf(k)) for k in range(x))
    return max(0.0, 1.0 - below)


class Span:
    """Every counted contact of a span of time, loaded once; windows are cut in memory.

    Args:
        s: an open session.
        lo: the span's start.
        hi: the span's end.
    """

    def __init__(self, s: Session, lo: datetime, hi: datetime) -> None:
        self.items: list[tuple[datetime, str, str, Hit]] = []
        turns = s.execute(
            select(
                T.contact_id,
                T.channel,
                T.decision,
                T.question_id,
                T.product_line,
                T.text,
                T.subject,
                T.at,
            ).where(T.at >= lo, T.at < hi)  # fmt: skip
        ).all()
        for contact, channel, decision, question, line, text, subject, at in turns:
            hit = Hit(contact, channel, text, aware(at))
            self.items.append((hit.at, "channel", channel, hit))
            if line:
                self.items.append((hit.at, "product_line", line, hit))
            if decision == "answer" and question:
                self.items.append((hit.at, "question", question, hit))
            elif decision == "none" and subject:
                self.items.append((hit.at, "cluster", subject, hit))
        steps = s.execute(
            select(S.contact_id, C.channel, S.tree_id, S.node_id, C.first_text, S.at)
            .join(C, C.id == S.contact_id)
            .where(S.at >= lo, S.at < hi, S.kind == "enter")
        ).all()
        for contact, channel, tree, node, text, at in steps:
            hit = Hit(contact, channel, text, aware(at))
            self.items.append((hit.at, "tree", tree, hit))
            self.items.append((hit.at, "node", f"{tree}/{node}", hit))
        self.items.sort(key=lambda i: i[0])
        self.times = [i[0] for i in self.items]

    def window(self, lo: datetime, hi: datetime) -> dict[tuple[str, str], list[Hit]]:
        """Every key's contacts (each counted once) in [lo, hi)."""
        out: dict[tuple[str, str], list[Hit]] = defaultdict(list)
        seen: set[tuple[str, str, int]] = set()
        for _, dim, key, hit in self.items[
            bisect_left(self.times, lo) : bisect_left(self.times, hi)
        ]:
            if (dim, key, hit.contact) not in seen:
                seen.add((dim, key, hit.contact))
                out[(dim, key)].append(hit)
        return out


def detect_many(s: Session, times: list[datetime], conf: AnalyticsSettings) -> list[list[Spike]]:
    """The spikes of the hour before each of `times` (a day's runs load their rows once)."""
    lo, hi = min(times) - WINDOW, max(times)
    spans = [
        Span(s, lo - timedelta(weeks=k), hi - timedelta(weeks=k))
        for k in range(conf.spike_weeks + 1)
    ]
    out = []
    for now in times:
        current = spans[0].window(now - WINDOW, now)
        weeks = [
            spans[k].window(now - WINDOW - timedelta(weeks=k), now - timedelta(weeks=k))
            for k in range(1, conf.spike_weeks + 1)
        ]
        out.append(_judge(current, weeks, conf))
    return out


def detect(s: Session, now: datetime, conf: AnalyticsSettings) -> list[Spike]:
    """The spikes of the hour before `now`, finest first, explained ones left out."""
    return detect_many(s, [now], conf)[0]


def _judge(
    current: dict[tuple[str, str], list[Hit]],
    weeks: list[dict[tuple[str, str], list[Hit]]],
    conf: AnalyticsSettings,
) -> list[Spike]:
    found: list[Spike] = []
    for (dim, key), hits in current.items():
        x = len(hits)
        if x < conf.spike_min_count:
            continue
        base = [len(w.get((dim, key), [])) for w in weeks]
        mean = sum(base) / len(base)
        var = sum((b - mean) ** 2 for b in base) / max(len(base) - 1, 1)
        if x < conf.spike_min_ratio * mean:
            continue
        p = tail(x, mean, var)
        if p < conf.spike_p_value:
            found.append(Spike(dim, key, x, base, round(mean, 2), p, hits))
    found.sort(key=lambda sp: (DIMENSIONS.index(sp.dim), -sp.count))
    kept: list[Spike] = []
    explained: set[int] = set()
    for sp in found:
        excess = sp.count - sp.expected
        ours = {h.contact for h in sp.hits}
        if kept and len(ours & explained) >= 0.5 * excess:
            continue
        kept.append(sp)
        explained |= ours
    return kept


def raise_alerts(
    s: Session, spikes: list[Spike], now: datetime, labels: Labels, interval: timedelta
) -> list[Alert]:
    """One alert per spike; a key that spiked within the last hour extends its alert."""
    raised = []
    for sp in spikes:
        key = f"spike:{sp.dim}:{sp.key}"
        open_ = s.scalar(
            select(Alert)
            .where(Alert.key == key, Alert.last_at >= now - WINDOW - interval)
            .order_by(Alert.id.desc())
            .limit(1)
        )
        detail = _detail(sp, labels)
        if open_ is not None:
            peak = max(int(open_.detail.get("peak", 0)), sp.count)
            open_.detail = {**open_.detail, "latest": detail["count"], "peak": peak}
            open_.last_at = now
            continue
        alert = Alert(
            kind="spike",
            rule_id=f"spike_{sp.dim}",
            severity="high",
            title=f"{NAMES[sp.dim]}突增：{detail['label']}",
            key=key,
            channel=None,
            detail={**detail, "peak": sp.count},
            first_at=now,
            last_at=now,
            created_at=now,
        )
        s.add(alert)
        raised.append(alert)
    s.flush()
    return raised


def _detail(sp: Spike, labels: Labels) -> dict[str, Any]:
    channels: dict[str, int] = defaultdict(int)
    for h in sp.hits:
        channels[h.channel] += 1
    texts = [h.text for h in sp.hits if h.text]
    return {
        "dimension": sp.dim,
        "key": sp.key,
        "label": labels(sp.dim, sp.key),
        "count": sp.count,
        "baseline": sp.baseline,
        "expected": sp.expected,
        "p_value": sp.p,
        "channels": dict(channels),
        "words": words.top_words(texts),
        "examples": [
            {"contact_id": h.contact, "channel": h.channel, "text": h.text, "at": h.at.isoformat()}
            for h in sp.hits[:5]
        ],
    }
