"""Closed-loop load on the REST channel, and the audit of what the service stored.

Each simulated customer sends its messages one after the other, each with an
`Idempotency-Key`; when a request fails (a replica died: 502, a restart: 503, a broken
connection) it sends the same message again with the same key until it is answered or the
deadline passes, as the chat page does. Afterwards `audit` reads the app database and Rasa's
tracker store and counts what was lost, answered twice or answered out of order.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import create_engine, text

# A mix of dialogue acts: greetings, knowledge questions (action + matcher), thanks.
MESSAGES = ["你好", "怎么查询维修进度", "电脑开不了机怎么办", "发票怎么开", "谢谢", "wifi老是掉线"]


@dataclass
class Sent:
    """One message of one customer and how it ended."""

    sender: str
    key: str
    text: str
    replies: list[str] = field(default_factory=list)
    attempts: int = 0
    latency_ms: float = 0.0  # the attempt that was answered
    answered: bool = False
    failures: list[str] = field(default_factory=list)  # what the attempts before got


@dataclass
class Load:
    """What a load run sent and saw."""

    sent: list[Sent]
    elapsed_s: float

    @property
    def answered(self) -> list[Sent]:
        """Messages that got an answer (a real one or the polite fallback)."""
        return [s for s in self.sent if s.answered]

    def latencies(self) -> list[float]:
        """Latencies of the answered attempts, sorted."""
        return sorted(s.latency_ms for s in self.answered)

    def summary(self, polite: set[str]) -> dict[str, Any]:
        """Counts, latency percentiles and throughput."""
        lat = self.latencies()
        fallback = sum(1 for s in self.answered if set(s.replies) <= polite)
        return {
            "messages": len(self.sent),
            "unanswered_by_client": len(self.sent) - len(self.answered),
            "polite_fallbacks": fallback,
            "retried": sum(1 for s in self.sent if s.attempts > 1),
            "failed_attempts": dict(Counter(f for s in self.sent for f in s.failures)),
            "throughput_msg_s": round(len(self.answered) / self.elapsed_s, 1),
            "turn_p50_ms": round(statistics.median(lat), 1) if lat else None,
            "turn_p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 1) if lat else None,
        }


async def send_until_answered(client: httpx.AsyncClient, item: Sent, deadline: float) -> None:
    """POST one message, again with the same key after a failure, until answered."""
    pause = 0.2
    while time.monotonic() < deadline:
        item.attempts += 1
        started = time.perf_counter()
        try:
            resp = await client.post(
                "/webhooks/rest/webhook",
                json={"sender": item.sender, "message": item.text},
                headers={"Idempotency-Key": item.key},
            )
        except httpx.HTTPError as exc:
            resp = None
            item.failures.append(type(exc).__name__)
        if resp is not None and resp.status_code != 200:
            item.failures.append(f"HTTP {resp.status_code}")
        if resp is not None and resp.status_code == 200:
            item.latency_ms = (time.perf_counter() - started) * 1000
            item.replies = [str(m.get("text") or "") for m in resp.json()]
            item.answered = True
            return
        await asyncio.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 2.0)


async def run_load(
    url: str,
    users: int,
    duration_s: float,
    *,
    prefix: str = "load",
    answer_within_s: float = 180.0,
    messages: list[str] | None = None,
    think_s: float = 0.0,
) -> Load:
    """`users` customers in a closed loop for `duration_s`; the last messages may finish later.

    Args:
        think_s: mean pause between an answer and the customer's next message (uniform in
            0..2x); 0 = back to back (saturation).
    """
    script = messages or MESSAGES
    sent: list[Sent] = []
    stop_at = time.monotonic() + duration_s
    limits = httpx.Limits(max_connections=users + 10, max_keepalive_connections=users + 10)
    async with httpx.AsyncClient(base_url=url, timeout=45, limits=limits) as client:

        async def customer(n: int) -> None:
            sender = f"{prefix}-{n}-{uuid.uuid4().hex[:6]}"
            i = 0
            if think_s:  # customers arrive over the first pause, not all in the same instant
                await asyncio.sleep(random.uniform(0, 2 * think_s))
            while time.monotonic() < stop_at:
                item = Sent(sender, f"{sender}-{i}", script[(n + i) % len(script)])
                sent.append(item)
                await send_until_answered(client, item, time.monotonic() + answer_within_s)
                i += 1
                if think_s:
                    await asyncio.sleep(random.uniform(0, 2 * think_s))

        started = time.monotonic()
        await asyncio.gather(*(customer(n) for n in range(users)))
        elapsed = time.monotonic() - started
    return Load(sent, elapsed)


@dataclass
class Audit:
    """What the stores say about a load run."""

    lost: list[str] = field(default_factory=list)  # keys sent but never answered
    duplicated: list[str] = field(default_factory=list)  # keys stored or processed twice
    out_of_order: list[str] = field(default_factory=list)  # senders whose order broke

    def counts(self) -> dict[str, int]:
        """The three counts."""
        return {
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
            "out_of_order": len(self.out_of_order),
        }


def audit(
    load: Load, app_db: str, tracker_db: str | None, polite: frozenset[str] = frozenset()
) -> Audit:
    """Check every message of `load` against the app database and Rasa's trackers.

    - lost: a message the client never got an answer for, or that the app stored without
      an answer;
    - duplicated: a key stored twice, a stored message answered by two turns (a polite
      fallback followed by the real answer when the client sent it again is not), or a
      message Rasa processed twice (its `message_id` twice in the tracker);
    - out of order: a customer whose stored messages, or whose messages in Rasa's tracker,
      are not in the order they were sent.
    """
    result = Audit(lost=[s.key for s in load.sent if not s.answered])
    senders = sorted({s.sender for s in load.sent})
    by_sender: dict[str, list[Sent]] = {}
    for s in load.sent:
        by_sender.setdefault(s.sender, []).append(s)
    stored = stored_messages(app_db, senders)
    tracker = tracker_message_ids(tracker_db, senders) if tracker_db else {}
    for sender, items in by_sender.items():
        rows = stored.get(sender, [])
        inbound = [r for r in rows if r["direction"] == "in"]
        keys = [r["client_id"] for r in inbound]
        for key in {k for k in keys if keys.count(k) > 1}:
            result.duplicated.append(key)
        id_of = {r["client_id"]: r["id"] for r in inbound}
        for item in items:
            if item.answered and item.key not in id_of:
                result.lost.append(item.key)  # answered but not kept
        replies: dict[int, list[dict[str, Any]]] = {}
        for r in rows:
            if r["direction"] == "out" and r["reply_to"] is not None:
                replies.setdefault(r["reply_to"], []).append(r)
        for r in inbound:
            mine = replies.get(r["id"], [])
            if not mine:
                result.lost.append(r["client_id"])
            elif _repeated([x["text"] for x in mine if x["text"] not in polite]):
                result.duplicated.append(r["client_id"])  # two turns stored their replies
        sent_order = [id_of[i.key] for i in items if i.key in id_of]
        if sent_order != sorted(sent_order):
            result.out_of_order.append(sender)
        seen = tracker.get(sender, [])
        for mid in {m for m in seen if seen.count(m) > 1}:
            result.duplicated.append(f"{sender}: message {mid} processed twice by Rasa")
        if seen != sorted(seen):
            result.out_of_order.append(f"{sender} (Rasa tracker)")
    result.lost = sorted(set(result.lost))
    return result


def _engine(url: str) -> Any:
    # Rasa's URLs name no driver; psycopg2 is the one both environments have.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url.removeprefix("postgresql://")
    return create_engine(url)


def _repeated(texts: list[str]) -> bool:
    half = len(texts) // 2
    return len(texts) % 2 == 0 and half > 0 and texts[:half] == texts[half:]


def stored_messages(url: str, senders: list[str]) -> dict[str, list[dict[str, Any]]]:
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.sender, m.id, m.direction, m.client_id, m.payload, m.text "
                    "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                    "WHERE c.sender = ANY(:s) ORDER BY m.id"
                ),
                {"s": senders},
            ).mappings()
            out: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                payload = row["payload"] if isinstance(row["payload"], dict) else {}
                out.setdefault(row["sender"], []).append(
                    {
                        "id": row["id"],
                        "direction": row["direction"],
                        "client_id": row["client_id"],
                        "reply_to": payload.get("reply_to"),
                        "text": row["text"],
                    }
                )
            return out
    finally:
        engine.dispose()


def tracker_message_ids(url: str, senders: list[str]) -> dict[str, list[int]]:
    """The `message_id` of every user event in Rasa's tracker store, in tracker order."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT sender_id, data FROM events WHERE type_name = 'user' "
                    "AND sender_id = ANY(:s) ORDER BY id"
                ),
                {"s": senders},
            )
            out: dict[str, list[int]] = {}
            for sender, data in rows:
                meta = (json.loads(data).get("metadata") or {}) if data else {}
                if meta.get("message_id") is not None:
                    out.setdefault(sender, []).append(int(meta["message_id"]))
            return out
    finally:
        engine.dispose()
