"""The scanner: runs the quality rules over every new message, raises alerts, opens work orders.

It reads messages in id order from its watermark, whatever channel or code path stored them
(the gateway for customers on every channel, the console for engineers, tickets' answers), so
nothing escapes it and nothing in the hot path waits for it. A rule hit by the same
conversation again within a day adds to the open alert instead of raising a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.store import aware
from bot.quality import workorders
from bot.quality.rules import Rule, RuleBook
from bot.storage.models import Conversation, Handoff, Message
from bot.storage.supervision import Alert, AnalyticsState

STATE = "quality"
REPEAT_WINDOW = timedelta(hours=24)
ROLES = {"user": "customer", "agent": "agent"}


@dataclass
class Scan:
    """What one run raised: new alerts and work orders (as views, for the consoles)."""

    messages: int = 0
    alerts: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)


def alert_view(a: Alert) -> dict[str, Any]:
    """An alert as the API returns it."""
    return {
        "id": a.id,
        "kind": a.kind,
        "rule": a.rule_id,
        "severity": a.severity,
        "title": a.title,
        "status": a.status,
        "review": a.review,
        "reviewed_by": a.reviewed_by,
        "conversation_id": a.conversation_id,
        "message_id": a.message_id,
        "channel": a.channel,
        "role": a.role,
        "text": a.text,
        "detail": a.detail,
        "workorder_id": a.ticket_id,
        "first_at": aware(a.first_at).isoformat(),
        "last_at": aware(a.last_at).isoformat(),
    }


def scan(s: Session, book: RuleBook, *, batch: int = 2000, now: datetime | None = None) -> Scan:
    """Run the rules over the messages stored since the last scan (one batch)."""
    out = Scan()
    state = s.get(AnalyticsState, STATE)
    if state is None:
        state = AnalyticsState(name=STATE, value={"message_id": 0})
        s.add(state)
    last = int((state.value or {}).get("message_id", 0))
    rows = s.execute(
        select(Message, Conversation.channel)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.id > last, Message.role.in_(list(ROLES)))
        .order_by(Message.id)
        .limit(batch)
    ).all()
    for m, channel in rows:
        out.messages += 1
        last = m.id
        who = ROLES[m.role]
        for rule, found in book.hits(m.text or "", who):
            _hit(s, book, rule, m, channel, {"words": found}, out, now)
        negative = ((m.payload or {}).get("emotion") or {}).get("negative")
        if who == "customer" and isinstance(negative, int | float):
            for rule in book.rules:
                if rule.kind == "emotion" and negative >= rule.threshold:
                    _hit(s, book, rule, m, channel, {"negative": negative}, out, now)
    state.value = {"message_id": last}
    return out


def _hit(
    s: Session,
    book: RuleBook,
    rule: Rule,
    m: Message,
    channel: str,
    why: dict[str, Any],
    out: Scan,
    now: datetime | None,
) -> None:
    at = aware(m.created_at)
    key = f"{rule.id}:{m.conversation_id}"
    earlier = s.scalar(
        select(Alert)
        .where(Alert.key == key, Alert.status == "open", Alert.last_at >= at - REPEAT_WINDOW)
        .order_by(Alert.id.desc())
        .limit(1)
    )
    if earlier is not None:
        hits = [*earlier.detail.get("hits", []), {"message_id": m.id, **why}][-20:]
        earlier.detail = {**earlier.detail, "hits": hits, "count": len(hits)}
        earlier.last_at = at
        return
    alert = Alert(
        kind="emotion" if rule.kind == "emotion" else "rule",
        rule_id=rule.id,
        severity=rule.severity,
        title=rule.name,
        key=key,
        conversation_id=m.conversation_id,
        message_id=m.id,
        channel=channel,
        role=m.role,
        text=(m.text or "")[:500],
        detail={**why, "hits": [{"message_id": m.id, **why}], "count": 1},
        first_at=at,
        last_at=at,
        created_at=now or datetime.now(UTC),
    )
    s.add(alert)
    s.flush()
    if rule.work_order:
        order = _open_order(s, book, rule, alert, m, channel, now or at)
        alert.ticket_id = order.id
        out.orders.append(workorders.view(order))
    out.alerts.append(alert_view(alert))


def _open_order(
    s: Session,
    book: RuleBook,
    rule: Rule,
    alert: Alert,
    m: Message,
    channel: str,
    now: datetime,
) -> Any:
    conv = s.get(Conversation, m.conversation_id)
    owner, kind = rule.owner, "rule"
    if owner == "queue":
        h = s.scalar(
            select(Handoff)
            .where(Handoff.conversation_id == m.conversation_id)
            .order_by(Handoff.id.desc())
            .limit(1)
        )
        owner, kind = (f"queue:{h.queue}", "queue") if h is not None else ("", "rule")
    return workorders.create(
        s,
        source="alert",
        severity=rule.severity,
        summary=f"{rule.name}：{(m.text or '')[:200]}",
        due_at=now + book.due_in(rule.severity),
        owner=owner or None,
        owner_kind=kind,
        channel=channel,
        sender=conv.sender if conv else "",
        conversation_id=m.conversation_id,
        context={"alert_id": alert.id, "rule": rule.id, "message_id": m.id},
        now=now,
    )
