"""Reads and reviews of alerts and work orders, for the supervisors' page and the console."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.handoff.store import aware
from bot.quality import workorders
from bot.quality.rules import RuleBook
from bot.quality.scanner import alert_view
from bot.storage.models import Ticket
from bot.storage.supervision import Alert

VERDICTS = ("confirmed", "false_alarm")


def alerts(
    s: Session,
    *,
    kind: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Alerts, newest first."""
    q = select(Alert).order_by(Alert.last_at.desc(), Alert.id.desc()).limit(limit)
    if kind:
        q = q.where(Alert.kind == kind)
    if status:
        q = q.where(Alert.status == status)
    if since is not None:
        q = q.where(Alert.last_at >= since)
    return [alert_view(a) for a in s.scalars(q)]


def review(s: Session, alert_id: int, verdict: str, by: str, now: datetime) -> dict[str, Any]:
    """A reviewer's verdict on an alert; a false alarm closes its open work order."""
    a = s.get(Alert, alert_id)
    if a is None:
        raise workorders.WorkOrderError(404, "no_alert", f"没有告警 {alert_id}")
    if verdict not in VERDICTS:
        raise workorders.WorkOrderError(422, "bad_verdict", "请选择「属实」或「误报」")
    a.review, a.reviewed_by, a.reviewed_at, a.status = verdict, by, now, "closed"
    if verdict == "false_alarm" and a.ticket_id:
        t = s.get(Ticket, a.ticket_id)
        if t is not None and t.status != "closed":
            workorders.act(s, t.id, "close", by, now, cause="false_alarm", text="告警误报")
    return alert_view(a)


def precision(s: Session, book: RuleBook) -> list[dict[str, Any]]:
    """Per rule: hits, reviewed, confirmed, false alarms, and precision (confirmed share)."""
    rows = s.execute(
        select(Alert.rule_id, Alert.review, func.count(Alert.id)).group_by(
            Alert.rule_id, Alert.review
        )
    ).all()
    by_rule: dict[str, dict[str, Any]] = {}
    names = {r.id: r.name for r in book.rules}
    for rule, verdict, n in rows:
        item = by_rule.setdefault(
            rule,
            {
                "rule": rule,
                "name": names.get(rule, rule),
                "hits": 0,
                "confirmed": 0,
                "false_alarm": 0,
            },
        )
        item["hits"] += n
        if verdict in VERDICTS:
            item[verdict] += n
    for item in by_rule.values():
        reviewed = item["confirmed"] + item["false_alarm"]
        item["reviewed"] = reviewed
        item["precision"] = round(item["confirmed"] / reviewed, 4) if reviewed else None
    return sorted(by_rule.values(), key=lambda i: -i["hits"])


def list_orders(
    s: Session,
    *,
    status: str | None = None,
    source: str | None = None,
    owner: str | None = None,
    overdue: bool = False,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Work orders: open ones first, nearest deadline first."""
    q = select(Ticket)
    if status == "open_all":
        q = q.where(Ticket.status != "closed")
    elif status:
        q = q.where(Ticket.status == status)
    if source:
        q = q.where(Ticket.source == source)
    if owner:
        q = q.where(Ticket.assignee == owner)
    if overdue:
        q = q.where(Ticket.escalated_at.is_not(None), Ticket.status != "closed")
    q = q.order_by(Ticket.status == "closed", Ticket.due_at.is_(None), Ticket.due_at, Ticket.id)
    return [workorders.view(t) for t in s.scalars(q.limit(limit))]


def order(s: Session, ticket_id: int) -> dict[str, Any]:
    """One work order with its notes."""
    t = s.get(Ticket, ticket_id)
    if t is None:
        raise workorders.WorkOrderError(404, "no_workorder", f"没有工单 {ticket_id}")
    return workorders.view(t, workorders.notes_of(s, t.id))


def counts(s: Session, now: datetime) -> dict[str, int]:
    """Open and overdue work orders, and alerts still open."""
    open_ = s.scalar(select(func.count(Ticket.id)).where(Ticket.status != "closed")) or 0
    overdue = s.scalar(
        select(func.count(Ticket.id)).where(
            Ticket.status != "closed", Ticket.due_at.is_not(None), Ticket.due_at < now
        )
    )
    alerts_open = s.scalar(select(func.count(Alert.id)).where(Alert.status == "open")) or 0
    return {"open": int(open_), "overdue": int(overdue or 0), "alerts_open": int(alerts_open)}


def since_iso(value: str | None) -> datetime | None:
    """An ISO time from a query string, or None."""
    if not value:
        return None
    return aware(datetime.fromisoformat(value))
