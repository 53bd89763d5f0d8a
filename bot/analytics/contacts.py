"""Cut a conversation into contacts and read each contact's facts from what was stored.

Pure functions over rows already loaded (`Message`, `Handoff`, `ServiceRating`,
`DiagnosisSession`); `bot.analytics.rollup` loads them and writes the results.

What the bot decided is read from each reply's ``payload.custom.kefu`` (`decision`,
`question_id`, `candidates`, `intent`, `tier_decision`, `route`, `tree`); the customer's
emotion from ``payload.emotion`` of their messages (stored by the gateway's enricher).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.analytics.times import parse_time
from bot.handoff.store import aware
from bot.storage.models import DiagnosisSession, Handoff, Message
from bot.storage.payload import BotReport, Payload

QuestionInfo = dict[str, tuple[str, str | None]]  # question id -> (category, product line)


@dataclass
class Turn:
    """A customer message the bot answered."""

    message_id: int
    at: datetime
    decision: str
    question_id: str | None
    intent: str | None
    text: str | None


@dataclass
class Step:
    """A record of a diagnosis walk."""

    session_id: int
    at: datetime
    tree_id: str
    node_id: str
    kind: str


@dataclass
class Contact:
    """The facts of one contact (see `AnalyticsContact` for the meaning of each)."""

    seq: int
    messages: list[Message]
    facts: dict[str, Any] = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def started_at(self) -> datetime:
        return aware(self.messages[0].created_at)

    @property
    def ended_at(self) -> datetime:
        return aware(self.messages[-1].created_at)


def split(messages: list[Message], handoffs: list[Handoff], gap: timedelta) -> list[list[Message]]:
    """Messages (oldest first) cut where the customer writes after a pause longer than `gap`,
    unless an engineer's handoff was still open then."""
    parts: list[list[Message]] = []
    for m in messages:
        at = aware(m.created_at)
        if parts and not (
            m.direction == "in"
            and at - aware(parts[-1][-1].created_at) > gap
            and not any(_open_at(h, at) for h in handoffs)
        ):
            parts[-1].append(m)
        else:
            parts.append([m])
    return parts


def _open_at(h: Handoff, at: datetime) -> bool:
    return aware(h.requested_at) <= at and (h.ended_at is None or aware(h.ended_at) >= at)


def build(
    contact: Contact,
    handoffs: list[Handoff],
    ratings: dict[int, int],
    sessions: list[DiagnosisSession],
    questions: QuestionInfo,
    until: datetime | None,
) -> Contact:
    """Fill `contact.facts`, `.turns` and `.steps`.

    Args:
        contact: the contact's messages.
        handoffs: the conversation's handoffs.
        ratings: handoff id -> score.
        sessions: the conversation's diagnosis sessions.
        questions: category and product line of each standard question.
        until: where the next contact of this conversation starts (None: open ended).
    """
    start, end = contact.started_at, contact.ended_at
    f = contact.facts
    f.update(answered=0, clarified=0, unmatched=0, clarify_ok=0, tier=None, complaint=False)
    f.update(question_id=None, tree_id=None, product_line=None, first_text=None)
    by_id = {m.id: m for m in contact.messages}
    pending_clarify = False
    negatives: list[float] = []
    lines: list[str] = []
    for m in contact.messages:
        payload = Payload.of(m)
        if m.direction == "in" and m.role == "user":
            if f["first_text"] is None and m.text and payload.typed:
                f["first_text"] = m.text[:500]
            emotion = payload.emotion or {}
            if isinstance(emotion.get("negative"), int | float):
                negatives.append(float(emotion["negative"]))
            lines += [e["line"] for e in payload.entities if e.get("line")]
            continue
        report = payload.report
        _tier(f, report)
        if report.tree and f["tree_id"] is None:
            f["tree_id"] = report.tree
        decision = report.decision
        if decision not in ("answer", "clarify", "none", "unavailable"):
            continue
        if decision == "answer":
            f["answered"] += 1
            f["clarify_ok"] += 1 if pending_clarify else 0
            f["question_id"] = f["question_id"] or report.question_id
        elif decision == "clarify":
            f["clarified"] += 1
        elif decision == "none":
            f["unmatched"] += 1
        pending_clarify = decision == "clarify"
        asked = by_id.get(payload.reply_to or -1)
        contact.turns.append(_turn(m, asked, report, str(decision)))
    _diagnosis(contact, sessions, start, until)
    question = questions.get(f["question_id"] or "")
    f["category"] = question[0] if question else None
    f["product_line"] = (question[1] if question else None) or (lines[0] if lines else None)
    f["negative_max"] = max(negatives) if negatives else None
    solved = any(s.kind == "solved" for s in contact.steps)
    f["bot_answered"] = f["answered"] > 0 or solved
    _handoff(f, contact, handoffs, ratings, start, until or end + timedelta(days=3650))
    return contact


def _tier(f: dict[str, Any], report: BotReport) -> None:
    decided = report.tier_decision or {}
    route_tier = report.route.tier if report.route is not None else None
    for tier in (decided.get("tier"), route_tier):
        if isinstance(tier, int):
            f["tier"] = max(f["tier"] or 0, tier)
    if report.intent == "complaint" or (f["tier"] or 0) >= 5:
        f["complaint"] = True


def _turn(reply: Message, asked: Message | None, report: BotReport, decision: str) -> Turn:
    question = report.question_id
    if not question and report.candidates:
        question = (report.candidates[0] or {}).get("id")
    source = asked or reply
    return Turn(
        message_id=source.id,
        at=aware(source.created_at),
        decision=decision,
        question_id=str(question) if question else None,
        intent=report.intent,
        text=(asked.text or "")[:500] if asked is not None else None,
    )


def _diagnosis(
    contact: Contact, sessions: list[DiagnosisSession], start: datetime, until: datetime | None
) -> None:
    for s in sessions:
        began = aware(s.started_at)
        if began < start - timedelta(seconds=1) or (until is not None and began >= until):
            continue
        contact.facts["tree_id"] = contact.facts["tree_id"] or s.tree_id
        for record in s.path or []:
            at = parse_time(record.get("at")) or began
            node, kind = str(record.get("node") or ""), str(record.get("kind") or "")
            contact.steps.append(Step(s.id, at, s.tree_id, node, kind))


def _handoff(
    f: dict[str, Any],
    contact: Contact,
    handoffs: list[Handoff],
    ratings: dict[int, int],
    start: datetime,
    until: datetime,
) -> None:
    mine = [h for h in handoffs if start <= aware(h.requested_at) < until]
    h = mine[0] if mine else None
    f.update(transferred=h is not None, handoff_id=None, handoff_status=None, queue=None)
    f.update(agent=None, wait_s=None, first_response_s=None, handle_s=None, rating=None)
    if h is None:
        return
    f.update(handoff_id=h.id, handoff_status=h.status, queue=h.queue, agent=h.agent)
    f["tier"] = max(f["tier"] or 0, h.tier or 0) or None
    if h.accepted_at is not None:
        accepted = aware(h.accepted_at)
        f["wait_s"] = (accepted - aware(h.requested_at)).total_seconds()
        if h.ended_at is not None:
            f["handle_s"] = (aware(h.ended_at) - accepted).total_seconds()
        first = next(
            (m for m in contact.messages if m.role == "agent" and aware(m.created_at) >= accepted),
            None,
        )
        if first is not None:
            f["first_response_s"] = (aware(first.created_at) - accepted).total_seconds()
    f["rating"] = ratings.get(h.id)


def outcome(f: dict[str, Any], recontact_at: datetime | None) -> dict[str, Any]:
    """Self-service and first-contact resolution, once the next contact (if any) is known."""
    resolved_by_people = f["handoff_status"] in ("closed", "returned")
    return {
        "recontact_at": recontact_at,
        "self_service": bool(f["bot_answered"] and not f["transferred"] and recontact_at is None),
        "fcr": bool(
            recontact_at is None and (resolved_by_people if f["transferred"] else f["bot_answered"])
        ),
    }
