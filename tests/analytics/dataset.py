"""A small fixed history written straight into the tables, with its figures worked by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.storage.db import Database
from bot.storage.models import (
    ChannelIdentity,
    Conversation,
    Customer,
    Handoff,
    Message,
    ServiceRating,
)

DAY = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday


def reply(decision: str, question: str | None = None, **kefu: Any) -> dict[str, Any]:
    """A bot reply's stored payload with what the action reported."""
    candidates = [{"id": question, "title": question, "score": 0.9}] if question else []
    body = {"decision": decision, "question_id": question, "candidates": candidates, **kefu}
    return {"custom": {"kefu": body}}


class Writer:
    """Writes customers, conversations and messages at given times."""

    def __init__(self, db: Database, prefix: str = "") -> None:
        self.db = db
        self.prefix = prefix

    def customer(self, *identities: tuple[str, str]) -> int:
        with self.db.session() as s:
            c = Customer(profile={})
            s.add(c)
            s.flush()
            for channel, sender in identities:
                s.add(
                    ChannelIdentity(channel=channel, sender=self.prefix + sender, customer_id=c.id)
                )
            return c.id

    def conversation(
        self, customer: int, channel: str, sender: str, at: datetime, turns: list[Any]
    ) -> int:
        """turns: (offset seconds, role, text, payload)."""
        with self.db.session() as s:
            conv = Conversation(
                customer_id=customer,
                channel=channel,
                sender=sender,
                started_at=at,
                last_activity_at=at,
            )
            s.add(conv)
            s.flush()
            last_in = None
            for offset, role, text, payload in turns:
                when = at + timedelta(seconds=offset)
                payload = dict(payload or {})
                if role != "user" and last_in is not None:
                    payload.setdefault("reply_to", last_in)
                m = Message(
                    conversation_id=conv.id,
                    direction="in" if role == "user" else "out",
                    role=role,
                    text=text,
                    payload=payload,
                    created_at=when,
                )
                s.add(m)
                s.flush()
                last_in = m.id if role == "user" else last_in
                conv.last_activity_at = when
            return conv.id

    def handoff(
        self,
        conv: int,
        at: datetime,
        wait: float,
        handle: float,
        agent: str,
        rating: int | None,
        queue: str = "hardware",
    ) -> int:
        with self.db.session() as s:
            c = s.get(Conversation, conv)
            assert c is not None
            h = Handoff(
                conversation_id=conv,
                customer_id=c.customer_id,
                channel=c.channel,
                sender=c.sender,
                status="closed",
                queue=queue,
                skills=[queue],
                tier=3,
                source="request_human",
                agent=agent,
                requested_at=at,
                accepted_at=at + timedelta(seconds=wait),
                ended_at=at + timedelta(seconds=wait + handle),
            )
            s.add(h)
            s.flush()
            if rating is not None:
                s.add(
                    ServiceRating(
                        handoff_id=h.id,
                        conversation_id=conv,
                        agent=agent,
                        score=rating,
                        created_at=h.ended_at,
                    )
                )
            return h.id


def write(db: Database, prefix: str = "") -> dict[str, int]:
    """Five contacts of four customers; see tests/analytics/test_rates.py for the figures.

    `prefix` makes the channel users unique in a database other tests share.
    """
    w = Writer(db, prefix)
    a = w.customer(("web", "a-web"))
    b = w.customer(("wechat", "b-wx"), ("web", "b-web"))
    c = w.customer(("web", "c-web"))
    d = w.customer(("web", "d-web"))
    ids = {}
    ids["a1"] = w.conversation(
        a,
        "web",
        "a-web",
        DAY,
        [
            (0, "user", "笔记本开不了机", None),
            (1, "bot", "请长按电源键……", reply("answer", "power-001")),
        ],
    )
    ids["b1"] = w.conversation(
        b,
        "wechat",
        "b-wx",
        DAY + timedelta(hours=1),
        [
            (0, "user", "屏幕不亮", None),
            (1, "bot", "您是想问……", reply("clarify", "display-001")),
            (20, "user", "笔记本屏幕不亮", {"button_payload": "/choose_question"}),
            (21, "bot", "请外接显示器……", reply("answer", "display-001")),
        ],
    )
    b2_at = DAY + timedelta(days=2)
    ids["b2"] = w.conversation(
        b,
        "web",
        "b-web",
        b2_at,
        [
            (0, "user", "还是不亮，这个怎么办啊", None),
            (1, "bot", "抱歉没有找到", reply("none")),
            (10, "user", "转人工", None),
            (11, "bot", "正在为您转接", {"custom": {"kefu": {"request_human": True}}}),
            (41, "agent", "您好，我来帮您", None),
            (200, "agent", "已为您安排维修", None),
        ],
    )
    w.handoff(ids["b2"], b2_at + timedelta(seconds=11), 30, 300, "agent1", 5)
    ids["c1"] = w.conversation(
        c,
        "web",
        "c-web",
        DAY + timedelta(hours=3),
        [
            (0, "user", "你们和别家比哪个好", None),
            (1, "bot", "抱歉没有找到", reply("none")),
        ],
    )
    d_at = DAY + timedelta(hours=4)
    ids["d1"] = w.conversation(
        d,
        "web",
        "d-web",
        d_at,
        [
            (0, "user", "电池鼓包了", None),
            (1, "bot", "请停止使用……", reply("answer", "battery-002")),
            (30, "user", "我要人工", None),
            (31, "bot", "正在为您转接", {"custom": {"kefu": {"request_human": True}}}),
            (130, "agent", "您好", None),
        ],
    )
    w.handoff(ids["d1"], d_at + timedelta(seconds=31), 90, 600, "agent2", 3, "battery")
    return ids
