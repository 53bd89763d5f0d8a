"""The rollup: keeps the contact, turn and diagnosis-step facts up to date, incrementally.

Each run looks at the conversations with messages stored since its watermark (a message id,
minus a margin for transactions that commit out of order; ids, not times, so that history
written with earlier times is seen too) and those with a rating since, rebuilds their last
contact onward from the stored rows, then settles the re-contact window of the customers
concerned; the days it touched are marked and, at the end, rebuilt in the rollups the
dashboard reads (`bot.analytics.cubes`). Safe to run again over the same rows; meant to run
on one replica at a time (`bot.analytics.jobs`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from bot.analytics import cubes, words
from bot.analytics.contacts import Contact, QuestionInfo, build, outcome, split
from bot.analytics.settings import AnalyticsSettings
from bot.handoff.store import aware
from bot.storage.db import Database
from bot.storage.models import (
    Conversation,
    DiagnosisSession,
    Handoff,
    Message,
    ServiceRating,
)
from bot.storage.supervision import (
    AnalyticsContact,
    AnalyticsState,
    AnalyticsStep,
    AnalyticsTurn,
)

log = logging.getLogger(__name__)
MARGIN = 500  # message ids: rows of transactions committed late still get rolled up
STATE = "rollup"
MESSAGE_COLUMNS = (
    Message.id,
    Message.conversation_id,
    Message.direction,
    Message.role,
    Message.text,
    Message.payload,
    Message.created_at,
)
FACT_FIELDS = [c.name for c in AnalyticsContact.__table__.columns if c.name != "id"]


class Rollup:
    """Incremental builder of the analytics facts.

    Args:
        db: the app database.
        settings: the `analytics` settings group.
        questions: category and product line of each standard question (of the live base).
        tz: the centre's time zone (the rollups' days).
    """

    def __init__(
        self,
        db: Database,
        settings: AnalyticsSettings,
        questions: Callable[[], QuestionInfo],
        tz: ZoneInfo,
    ) -> None:
        self.db = db
        self.conf = settings
        self.questions = questions
        self.tz = tz

    def run(self, batch: int = 400) -> int:
        """Roll up what changed since the last run; returns how many conversations were seen."""
        with self.db.session() as s:
            state = s.get(AnalyticsState, STATE)
            seen = (state.value if state else {}) or {}
            mark, rated = int(seen.get("message_id", 0)), int(seen.get("rating_id", 0))
            newest = s.scalar(select(func.max(Message.id))) or 0
            top_rating = s.scalar(select(func.max(ServiceRating.id))) or 0
            ids = sorted(
                set(
                    s.scalars(
                        select(Message.conversation_id).where(Message.id > mark - MARGIN).distinct()
                    )
                )
                | set(
                    s.scalars(select(ServiceRating.conversation_id).where(ServiceRating.id > rated))
                )
            )
        if ids:
            info = self.questions()
            for i in range(0, len(ids), batch):
                with self.db.session() as s:
                    customers, since, days = self._rebuild(s, ids[i : i + batch], info)
                    days |= self._recontacts(s, customers, since)
                    cubes.mark(s, days)
            with self.db.session() as s:
                state = s.get(AnalyticsState, STATE) or AnalyticsState(name=STATE, value={})
                state.value = {"message_id": newest, "rating_id": top_rating}
                s.merge(state)
        with self.db.session() as s:
            cubes.refresh(s, self.tz, self.conf)
        return len(ids)

    def _rebuild(
        self, s: Session, ids: list[int], info: QuestionInfo
    ) -> tuple[set[int], datetime, set[date]]:
        """Rebuild the last contact onward of each conversation; returns the customers, the
        earliest contact start touched and the days of the contacts removed or written."""
        last = dict(
            s.execute(
                select(AnalyticsContact.conversation_id, func.max(AnalyticsContact.seq))
                .where(AnalyticsContact.conversation_id.in_(ids))
                .group_by(AnalyticsContact.conversation_id)
            ).all()
        )
        redo = s.execute(
            select(
                AnalyticsContact.id,
                AnalyticsContact.conversation_id,
                AnalyticsContact.seq,
                AnalyticsContact.first_message_id,
                AnalyticsContact.started_at,
            ).where(AnalyticsContact.conversation_id.in_(ids))
        ).all()
        stale = [r for r in redo if last.get(r[1]) == r[2]]
        days = {cubes.day_of(r[4], self.tz) for r in stale}
        from_msg = {r[1]: r[3] for r in stale}
        if stale:
            gone = [r[0] for r in stale]
            s.execute(delete(AnalyticsTurn).where(AnalyticsTurn.contact_id.in_(gone)))
            s.execute(delete(AnalyticsStep).where(AnalyticsStep.contact_id.in_(gone)))
            s.execute(delete(AnalyticsContact).where(AnalyticsContact.id.in_(gone)))
        convs = {c.id: c for c in s.scalars(select(Conversation).where(Conversation.id.in_(ids)))}
        low = min(from_msg.values(), default=0) if len(from_msg) == len(ids) else 0
        messages: dict[int, list[Any]] = defaultdict(list)
        for m in s.execute(  # plain rows: the ORM's bookkeeping costs more than the reading
            select(*MESSAGE_COLUMNS)
            .where(Message.conversation_id.in_(ids), Message.id >= low)
            .order_by(Message.id)
        ):
            if m.id >= from_msg.get(m.conversation_id, 0):
                messages[m.conversation_id].append(m)
        handoffs = _grouped(s.scalars(select(Handoff).where(Handoff.conversation_id.in_(ids))))
        ratings = dict(
            s.execute(
                select(ServiceRating.handoff_id, ServiceRating.score).where(
                    ServiceRating.conversation_id.in_(ids)
                )
            ).all()
        )
        sessions = _grouped(
            s.scalars(
                select(DiagnosisSession)
                .where(DiagnosisSession.conversation_id.in_(ids))
                .order_by(DiagnosisSession.id)
            )
        )
        gap = timedelta(minutes=self.conf.session_gap_min)
        customers: set[int] = set()
        since = datetime.now(UTC)
        contacts: list[tuple[Conversation, Contact]] = []
        for cid, msgs in messages.items():
            conv = convs[cid]
            hs = sorted(handoffs.get(cid, []), key=lambda h: h.id)
            parts = split(msgs, hs, gap)
            base = last.get(cid, 0)  # the rebuilt last contact keeps its number
            for n, part in enumerate(parts):
                contact = Contact(base + n, part)
                nxt = aware(parts[n + 1][0].created_at) if n + 1 < len(parts) else None
                build(contact, hs, ratings, sessions.get(cid, []), info, nxt)
                contacts.append((conv, contact))
                since = min(since, contact.started_at)
                days.add(cubes.day_of(contact.started_at, self.tz))
            if conv.customer_id is not None:
                customers.add(conv.customer_id)
        self._insert(s, contacts)
        return customers, since, days

    def _insert(self, s: Session, contacts: list[tuple[Conversation, Contact]]) -> None:
        rows = []
        for conv, c in contacts:
            facts = {**c.facts, **outcome(c.facts, None)}
            rows.append(
                {
                    **{k: facts.get(k) for k in FACT_FIELDS if k in facts},
                    "conversation_id": conv.id,
                    "seq": c.seq,
                    "customer_id": conv.customer_id,
                    "channel": conv.channel,
                    "sender": conv.sender,
                    "started_at": c.started_at,
                    "ended_at": c.ended_at,
                    "first_message_id": c.messages[0].id,
                    "last_message_id": c.messages[-1].id,
                    "messages": len(c.messages),
                    "user_messages": sum(1 for m in c.messages if m.role == "user"),
                }
            )
        if not rows:
            return
        table: Table = AnalyticsContact.__table__  # type: ignore[assignment]
        ids = s.connection().execute(insert(table).returning(table.c.id), rows).scalars().all()
        turns: list[dict[str, Any]] = []
        steps: list[dict[str, Any]] = []
        for (conv, c), cid in zip(contacts, ids, strict=True):
            line, category = c.facts.get("product_line"), c.facts.get("category")
            for t in c.turns:
                subject = words.subject(t.text)[:40] if t.decision == "none" and t.text else None
                turns.append(
                    {
                        **t.__dict__,
                        "contact_id": cid,
                        "channel": conv.channel,
                        "product_line": line,
                        "category": category,
                        "subject": subject,
                    }
                )
            steps += [{**st.__dict__, "contact_id": cid} for st in c.steps]
        if turns:
            s.connection().execute(insert(AnalyticsTurn.__table__), turns)  # type: ignore[arg-type]
        if steps:
            s.connection().execute(insert(AnalyticsStep.__table__), steps)  # type: ignore[arg-type]

    def _recontacts(self, s: Session, customers: set[int], since: datetime) -> set[date]:
        """Set `recontact_at` and the outcomes of the customers' contacts near `since`;
        returns the days of the contacts changed."""
        if not customers:
            return set()
        window = timedelta(hours=self.conf.recontact_hours)
        c = AnalyticsContact
        rows = list(
            s.execute(
                select(
                    c.id,
                    c.customer_id,
                    c.started_at,
                    c.ended_at,
                    c.recontact_at,
                    c.self_service,
                    c.fcr,
                    c.bot_answered,
                    c.transferred,
                    c.handoff_status,
                )  # fmt: skip
                .where(
                    AnalyticsContact.customer_id.in_(customers),
                    AnalyticsContact.started_at >= since - window - timedelta(days=1),
                )
                .order_by(AnalyticsContact.customer_id, AnalyticsContact.started_at)
            )
        )
        changes: list[dict[str, Any]] = []
        days: set[date] = set()
        for a, b in zip(rows, [*rows[1:], None], strict=True):
            nxt = None
            same = b is not None and b.customer_id == a.customer_id
            if same and aware(b.started_at) <= aware(a.ended_at) + window:  # type: ignore[union-attr]
                nxt = aware(b.started_at)  # type: ignore[union-attr]
            facts = {
                "bot_answered": a.bot_answered,
                "transferred": a.transferred,
                "handoff_status": a.handoff_status,
            }
            new = outcome(facts, nxt)
            old_at = aware(a.recontact_at) if a.recontact_at else None
            if (old_at, a.self_service, a.fcr) != (nxt, new["self_service"], new["fcr"]):
                changes.append({"key": a.id, **new})
                days.add(cubes.day_of(a.started_at, self.tz))
        if changes:  # one executemany, not an ORM update per row
            table: Table = AnalyticsContact.__table__  # type: ignore[assignment]
            s.connection().execute(
                update(table)
                .where(table.c.id == bindparam("key"))
                .values({k: bindparam(k) for k in ("recontact_at", "self_service", "fcr")}),
                changes,
            )
        return days


def _grouped(rows: Iterable[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        out[r.conversation_id].append(r)
    return out


def question_info(kb: Any) -> QuestionInfo:
    """Category and (single) product line of each question of a knowledge base."""
    return {
        q.id: (q.category, q.products[0] if len(q.products) == 1 else None)
        for q in kb.questions.values()
    }
