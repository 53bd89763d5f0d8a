"""Who comes when, on which channel, with what: the schedule of the generated history.

Deterministic for a seed. Contacts per hour follow the day and week shapes of
``scenarios.yml``; about one customer in five comes back within three days (on either
channel); seeded spikes add their contacts on top.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).resolve().parent


@dataclass
class Visit:
    """One contact to play: the customer, the channel, what they do, in order."""

    at: datetime
    person: str  # member id of a known customer, or an anonymous visitor key
    known: bool
    channel: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # (kind, text)


@dataclass
class Pools:
    """What customers say."""

    scenarios: dict[str, Any]
    asked: list[str]  # in-scope questions
    outside: list[str]  # what the centre does not serve

    @classmethod
    def load(cls, root: Path) -> Pools:
        scenarios = yaml.safe_load((HERE / "scenarios.yml").read_text(encoding="utf-8"))
        asked: list[str] = []
        outside: list[str] = []
        path = root / "eval" / "queries.dev.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
            item = json.loads(line)
            (asked if item.get("gold_id") else outside).append(str(item["query"]))
        return cls(scenarios, asked or ["笔记本开不了机怎么办"], outside or ["附近有什么好吃的"])


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _steps(rng: random.Random, pools: Pools) -> list[tuple[str, str]]:
    s = pools.scenarios
    roll = rng.random()
    if roll < 0.06:
        subject = rng.choice(list(s["complaints"]))
        steps = [("complaint", rng.choice(s["complaints"][subject]))]
    elif roll < 0.09:
        steps = [("purchase", rng.choice(s["purchase"]))]
    elif roll < 0.21:
        steps = [("ask", rng.choice(pools.outside))]
        if rng.random() < 0.35:
            steps.append(("human", rng.choice(s["request_human"])))
    else:
        steps = [("ask", rng.choice(pools.asked))]
        if rng.random() < 0.3:
            steps.append(("ask", rng.choice(pools.asked)))
        if rng.random() < 0.12:
            steps.append(("human", rng.choice(s["request_human"])))
    if rng.random() < 0.4:
        steps.append(("thanks", rng.choice(s["thanks"])))
    return steps


def schedule(
    pools: Pools,
    members: list[str],
    *,
    days: int,
    per_day: int,
    end: date,
    tz: ZoneInfo,
    seed: int = 7,
    spikes: bool = True,
) -> list[Visit]:
    """The visits of `days` days ending with `end` (the centre's days), oldest first."""
    rng = random.Random(seed)
    s = pools.scenarios
    hours, weekdays = s["hours"], s["weekdays"]
    visits: list[Visit] = []
    anon = 0
    for d in range(days, 0, -1):
        day = end - timedelta(days=d - 1)
        n = round(per_day * weekdays[day.isoweekday() - 1] * rng.uniform(0.85, 1.15))
        for _ in range(n):
            hour = rng.choices(range(24), weights=hours)[0]
            at = datetime.combine(day, time(hour), tz) + timedelta(seconds=rng.randrange(3600))
            known = bool(members) and rng.random() < s["known_customers"]
            if known:
                person = rng.choice(members)
            else:
                anon += 1
                person = f"v{seed}-{anon}"
            visit = Visit(at, person, known, _pick(rng, s["channels"]), _steps(rng, pools))
            visits.append(visit)
            if known and rng.random() < 0.2:  # comes back, maybe on the other channel
                back = at + timedelta(hours=rng.uniform(2, 70))
                channel = _pick(rng, s["channels"])
                visits.append(Visit(back, person, True, channel, _steps(rng, pools)))
    if spikes:
        visits += _spikes(rng, s, end, tz, days, seed)
    last = datetime.combine(end, time(23, 59), tz)
    return sorted((v for v in visits if v.at <= last), key=lambda v: v.at)


def _spikes(
    rng: random.Random, s: dict[str, Any], end: date, tz: ZoneInfo, days: int, seed: int
) -> list[Visit]:
    out = []
    for n, spike in enumerate(s.get("spikes") or []):
        if spike["days_ago"] >= days:
            continue
        start = datetime.combine(end - timedelta(days=spike["days_ago"]), time(spike["hour"]), tz)
        for i in range(spike["hours"] * spike["per_hour"]):
            at = start + timedelta(seconds=rng.randrange(spike["hours"] * 3600))
            steps = [("ask", rng.choice(spike["texts"]))]
            person = f"s{seed}-{n}-{i}"
            out.append(Visit(at, person, False, _pick(rng, spike["channels"]), steps))
    return out
