"""Bulk volume for the supervisors' benchmark: customers, conversations, messages, handoffs,
ratings and diagnosis sessions written with PostgreSQL's COPY (not through the live service:
a million messages through the gateway would take hours; `bot history` is the realistic path).

Each conversation is one visit of 4 to 16 messages (10 on average): the customer's questions
with the bot's replies carrying what the actions report (`custom.kefu`: decision, question,
candidates, intent, tier decision), the customer's emotion; some go to an engineer (accepted,
replies, closed, often rated); some walk a diagnosis tree.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, DateTime, Engine, text

from bot.storage import supervision  # noqa: F401  (every table in Base.metadata)
from bot.storage.models import Base

HOURS = [
    1,
    0.5,
    0.3,
    0.2,
    0.2,
    0.3,
    0.8,
    2,
    4,
    7,
    8,
    7.5,
    5,
    6,
    7,
    7,
    6.5,
    5.5,
    5,
    6,
    7,
    6.5,
    4.5,
    2.5,
]
QUEUES = ["hardware", "software", "battery", "display", "network", "sales", "aftersales"]
TREES = {
    "no_power": ["start", "adapter", "battery", "reset", "fix"],
    "wifi": ["start", "driver", "router"],
}
AGENTS = [f"agent{i}" for i in range(1, 21)]


def _copy(engine: Engine, table: str, columns: list[str], rows: Iterator[list[Any]]) -> int:
    """COPY rows into a table in chunks (PostgreSQL; other databases get plain inserts of the
    same rows); returns how many."""
    if engine.dialect.name != "postgresql":
        return _insert(engine, table, columns, rows)
    n = 0
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        while True:
            buf = io.StringIO()
            w = csv.writer(buf)
            k = 0
            for row in rows:
                w.writerow(["\\N" if v is None else v for v in row])
                k += 1
                if k == 50_000:
                    break
            if not k:
                break
            buf.seek(0)
            cur.copy_expert(
                f"COPY {table} ({','.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf
            )
            n += k
        raw.commit()
    finally:
        raw.close()
    return n


def _insert(engine: Engine, table: str, columns: list[str], rows: Iterator[list[Any]]) -> int:
    """Insert rows written for COPY (JSON and times as text) through SQLAlchemy."""
    t = Base.metadata.tables[table]

    def value(column: str, v: Any) -> Any:
        kind = t.c[column].type
        if isinstance(v, str) and isinstance(kind, JSON):
            return json.loads(v)
        if isinstance(v, str) and isinstance(kind, DateTime):
            return datetime.fromisoformat(v)
        return v

    batch = [{c: value(c, v) for c, v in zip(columns, row, strict=True)} for row in rows]
    if batch:
        with engine.begin() as conn:
            conn.execute(t.insert(), batch)
    return len(batch)


def generate(
    engine: Engine, conversations: int, questions: list[tuple[str, str | None]], seed: int = 1
) -> dict:
    """Write the volume; returns the counts. Times fill the 30 days before now.

    `questions` are (words, standard question id or None) pairs, e.g. the dev set's: the bot
    answers in-scope words with their question most of the time, as the live matcher does.
    """
    rng = random.Random(seed)
    known = sorted({gold for _, gold in questions if gold})
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=30)
    customers = max(1, conversations * 6 // 10)
    _copy(engine, "customers", ["id", "profile", "created_at"],
          ([i, "{}", start.isoformat()] for i in range(1, customers + 1)))  # fmt: skip
    convs, msgs, hands, rates, diags, idents = [], [], [], [], [], {}
    mid = hid = did = 0
    for cid in range(1, conversations + 1):
        day = rng.randrange(30)
        hour = rng.choices(range(24), weights=HOURS)[0]
        t0 = start + timedelta(days=day, hours=hour, seconds=rng.randrange(3600))
        customer = rng.randrange(1, customers + 1)
        channel = "web" if rng.random() < 0.55 else "wechat"
        sender = f"{channel}-{customer}"
        idents[(channel, sender)] = customer
        n_msgs = rng.choice([4, 6, 8, 10, 10, 12, 12, 14, 16, 8])
        handoff = rng.random() < 0.15
        t, seq = t0, []
        turns = n_msgs // 2 - (2 if handoff else 0)
        for _ in range(max(1, turns)):
            mid += 1
            user_id = mid
            neg = round(min(1.0, rng.betavariate(1.5, 6)), 3)
            words, gold = rng.choice(questions)
            feel = json.dumps({"emotion": {"negative": neg}})
            seq.append([mid, cid, "in", "user", words, feel, "answered", t.isoformat()])
            t += timedelta(seconds=2)
            mid += 1
            weights = [82, 10, 8] if gold else [3, 7, 90]
            decision = rng.choices(["answer", "clarify", "none"], weights=weights)[0]
            qid = gold or rng.choice(known)  # out of scope: a close question as the candidate
            tier = rng.choices([1, 2, 3, 4, 5], weights=[55, 20, 15, 6, 4])[0]
            kefu = {"decision": decision, "question_id": qid if decision == "answer" else None,
                    "candidates": [{"id": qid, "title": qid, "score": 0.8}],
                    "intent": "complaint" if tier == 5 else "ask_question",
                    "tier_decision": {"tier": tier}}  # fmt: skip
            payload = {"reply_to": user_id, "custom": {"kefu": kefu}}
            seq.append([mid, cid, "out", "bot", "……", json.dumps(payload), "stored", t.isoformat()])
            t += timedelta(seconds=rng.randrange(10, 90))
        if handoff:
            hid += 1
            requested = t
            accepted = t + timedelta(seconds=rng.lognormvariate(3.8, 0.8))
            ended = accepted + timedelta(seconds=rng.randrange(120, 900))
            agent = rng.choice(AGENTS)
            for k in range(4):
                mid += 1
                role = "agent" if k % 2 == 0 else "user"
                at = accepted + (ended - accepted) * (k + 1) / 5
                seq.append([mid, cid, "out" if role == "agent" else "in", role, "好的",
                            "{}", "stored", at.isoformat()])  # fmt: skip
            hands.append([hid, cid, customer, channel, sender, "closed", rng.choice(QUEUES), "[]", 3,
                          3, "request_human", "", "", agent, "{}", requested.isoformat(),
                          accepted.isoformat(), ended.isoformat()])  # fmt: skip
            if rng.random() < 0.7:
                rates.append([hid, hid, cid, agent, rng.choice([5, 5, 4, 4, 3, 2, 1, 5]),
                              ended.isoformat()])  # fmt: skip
            t = ended
        if rng.random() < 0.08:
            did += 1
            tree = rng.choice(list(TREES))
            nodes = TREES[tree][: rng.randrange(2, len(TREES[tree]) + 1)]
            end_kind = rng.choice(["solved", "escalated", "abandoned"])
            path = [{"kind": "enter", "node": n, "at": t0.isoformat()} for n in nodes]
            path.append({"kind": end_kind, "node": nodes[-1], "at": t0.isoformat()})
            diags.append([did, cid, tree, end_kind if end_kind != "abandoned" else "paused",
                          nodes[-1], json.dumps(path), t0.isoformat(), t0.isoformat()])  # fmt: skip
        msgs += seq
        convs.append([cid, customer, channel, sender, "open", "bot", t0.isoformat(), t.isoformat()])
    _copy(engine, "channel_identities", ["channel", "sender", "customer_id", "created_at"],
          ([c, s, cu, start.isoformat()] for (c, s), cu in idents.items()))  # fmt: skip
    _copy(engine, "conversations",
          ["id", "customer_id", "channel", "sender", "status", "route", "started_at", "last_activity_at"],
          iter(convs))  # fmt: skip
    _copy(engine, "messages",
          ["id", "conversation_id", "direction", "role", "text", "payload", "status", "created_at"],
          iter(msgs))  # fmt: skip
    _copy(engine, "handoffs",
          ["id", "conversation_id", "customer_id", "channel", "sender", "status", "queue", "skills",
           "priority", "tier", "source", "reason", "summary", "agent", "context", "requested_at",
           "accepted_at", "ended_at"], iter(hands))  # fmt: skip
    _copy(engine, "service_ratings",
          ["id", "handoff_id", "conversation_id", "agent", "score", "created_at"], iter(rates))  # fmt: skip
    _copy(engine, "diagnosis_sessions",
          ["id", "conversation_id", "tree_id", "status", "node_id", "path", "started_at", "updated_at"],
          iter(diags))  # fmt: skip
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("customers", "conversations", "messages", "handoffs", "service_ratings",
                          "diagnosis_sessions", "channel_identities"):  # fmt: skip
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {table}))"))  # fmt: skip
            conn.execute(text("ANALYZE"))
    return _counts(convs, msgs, hands, rates, diags)


def _counts(*tables: list[Any]) -> dict[str, int]:
    names = ("conversations", "messages", "handoffs", "ratings", "diagnosis_sessions")
    return {name: len(rows) for name, rows in zip(names, tables, strict=True)}
