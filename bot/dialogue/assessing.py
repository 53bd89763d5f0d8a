"""Tier decisions in the dialogue: who is asking and how they feel, combined with what was asked.

The actions call `assess_turn` on every turn that answers a question or a request for a human:
it reads the conversation so far from the app database (earlier emotion scores, failed matches,
answers that did not help, requests for a human, the diagnosis walk), asks the tier policy
(`knowledge/tier_policy.yml`) and stores the decision with its inputs and reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from bot.dialogue.context import read_context
from bot.dialogue.enrich import Enriched
from bot.matching.pipeline import MatchResult
from bot.profile.profile import CustomerProfile, anonymous_profile
from bot.services import Services
from bot.storage.models import AnswerFeedback, DiagnosisSession, Handoff, Message
from bot.storage.payload import Payload
from bot.tiering.assess import Assessment, ConversationState
from bot.tiering.intent import IntentGuess
from bot.tiering.store import record_decision

log = logging.getLogger(__name__)
_DIAGNOSIS_STATE = {
    "active": "active",
    "paused": "active",
    "solved": "solved",
    "escalated": "escalated",
}


@dataclass(frozen=True)
class TurnContext:
    """Who sent the message, where, and where it is stored (from the gateway's metadata)."""

    channel: str
    sender: str
    conversation_id: int | None
    message_id: int | None
    client: dict[str, Any]  # the page's own metadata (may carry a signed customer token)
    enriched: Enriched | None = None  # what the gateway found: profile, emotion, entities


def customer_of(services: Services, ctx: TurnContext) -> CustomerProfile:
    """The sender's customer profile (anonymous when unknown or when profiles are off)."""
    if ctx.enriched is not None and ctx.enriched.profile is not None:
        return ctx.enriched.profile  # resolved by the gateway for this very message
    try:
        return services.profiles.resolve_customer(ctx.channel, ctx.sender, ctx.client)
    except Exception:  # noqa: BLE001 - a profile problem must not cost the customer an answer
        log.exception("customer profile of %s:%s", ctx.channel, ctx.sender)
        return anonymous_profile()


RECENT_MESSAGES = 60
"""How far back the tier policy reads a conversation (emotion, failures, requests): enough for
the recent turns, and the cost of a turn does not grow with the conversation."""


def conversation_state(services: Services, ctx: TurnContext) -> ConversationState:
    """What the recent conversation says before this message.

    Failures, requests for a human and unsolved steps count since engineers last handed the
    conversation back (or closed it): what they dealt with does not send the customer back.
    """
    state = ConversationState(channel=ctx.channel)
    if ctx.conversation_id is None:
        return state
    conv_id = ctx.conversation_id
    with services.db.session() as s:
        messages = list(
            s.scalars(
                select(Message)
                .where(Message.conversation_id == conv_id)
                .order_by(Message.id.desc())
                .limit(RECENT_MESSAGES)
            )
        )[::-1]
        since = s.scalar(
            select(func.max(Handoff.ended_at)).where(Handoff.conversation_id == conv_id)
        )
        sessions = list(
            s.scalars(
                select(DiagnosisSession)
                .where(DiagnosisSession.conversation_id == conv_id)
                .order_by(DiagnosisSession.id)
            )
        )
        downs = s.scalar(
            select(AnswerFeedback.id)
            .where(
                AnswerFeedback.conversation_id == conv_id,
                AnswerFeedback.value == "down",
                *([AnswerFeedback.created_at > since] if since is not None else []),
            )
            .limit(1)
        )
    earlier = [m for m in messages if ctx.message_id is None or m.id < ctx.message_id]
    for m in earlier:
        payload = Payload.of(m)
        if m.direction == "in":
            state.previous_text = m.text or state.previous_text
            emotion = payload.emotion or {}
            if isinstance(emotion.get("negative"), int | float):
                state.emotion_history.append(float(emotion["negative"]))
        elif _after(m.created_at, since):
            report = payload.report
            # Failures in a row: an answer ends the run; a clarification or small talk does not.
            if report.decision == "none":
                state.failed_matches += 1
            elif report.decision == "answer":
                state.failed_matches = 0
            state.human_requests += int(report.request_human)
    recent = [d for d in sessions if _after(d.started_at, since)]
    state.unsolved = int(downs is not None) + sum(
        1 for d in recent for r in d.path if r.get("kind") == "unsolved"
    )
    state.question_in_play = read_context(services.db, conv_id, ctx.message_id).question_id
    current = next((m for m in messages if m.id == ctx.message_id), None)
    if recent and _still_in_play(recent[-1], current):
        last = recent[-1]
        state.diagnosis = _DIAGNOSIS_STATE.get(last.status)  # type: ignore[assignment]
        state.diagnosis_skills = list((last.handoff or {}).get("skills") or [])
    return state


def _still_in_play(session: DiagnosisSession, current: Message | None) -> bool:
    """A tree counts while it runs, and in the turn it ended; not in later turns (an escalated
    tree was handed over once: after the engineer returns the chat, questions are questions)."""
    if session.ended_at is None or current is None:
        return True
    return _utc(session.ended_at) >= _utc(current.created_at)


def _after(at: datetime, since: datetime | None) -> bool:
    return since is None or _utc(at) > _utc(since)


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def assess_turn(
    services: Services,
    ctx: TurnContext,
    text: str,
    *,
    intent: str | None,
    match: MatchResult | None,
) -> tuple[Assessment, CustomerProfile] | None:
    """Decide the tier of this message and store the decision; None for an empty message."""
    if not text.strip():
        return None
    profile = customer_of(services, ctx)
    state = conversation_state(services, ctx)
    guess = IntentGuess(intent, "rasa") if intent and intent != "nlu_fallback" else None
    # The gateway's emotion and entities are those of the message; the actions may assess
    # other words (the chosen question's title, "转人工").
    known = ctx.enriched if ctx.enriched is not None and ctx.enriched.text == text else None
    assessment = services.assessor.assess(
        text,
        profile,
        state,
        intent=guess,
        match=match,
        emotion=known.emotion if known else None,
        entities=known.entities if known else None,
    )
    with services.db.session() as s:
        record_decision(
            s,
            assessment.decision,
            assessment.inputs,
            conversation_id=ctx.conversation_id,
            message_id=ctx.message_id,
            customer_id=profile.customer_id,
            extra={"intent_source": assessment.intent.source},
        )
    return assessment, profile


def route_payload(assessment: Assessment) -> dict[str, Any]:
    """The `kefu.route` custom payload that tells the gateway to queue the conversation."""
    d = assessment.decision
    return {
        "route": "queue",
        "tier": d.tier,
        "skills": list(d.skills),
        "priority": d.priority,
        "reason": d.reason,
        "rule": d.rule,
        "alert": d.alert,
    }
