"""Every tier decision is stored with its inputs and reason (table ``tier_decisions``)."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.storage.models import Conversation, TierDecisionRecord
from bot.tiering.engine import TierDecision
from bot.tiering.inputs import TierInputs

log = logging.getLogger(__name__)


def record_decision(
    session: Session,
    decision: TierDecision,
    inputs: TierInputs,
    *,
    conversation_id: int | None = None,
    message_id: int | None = None,
    customer_id: int | None = None,
    extra: dict[str, Any] | None = None,
    update_conversation: bool = True,
) -> TierDecisionRecord:
    """Store one decision and (by default) make it the conversation's current tier and reason.

    Args:
        session: an open session (the caller commits).
        decision: what the engine decided.
        inputs: what it decided on.
        conversation_id: the conversation; None for decisions outside one (CLI, reports).
        message_id: the user message the decision is about.
        customer_id: the customer (app database id).
        extra: more context to keep with the inputs (entities, emotion details, match scores).
        update_conversation: also set ``conversations.tier`` and ``.reason`` (the route is
            left to the dialogue, which knows whether a handoff actually happened).
    """
    row = TierDecisionRecord(
        conversation_id=conversation_id,
        message_id=message_id,
        customer_id=customer_id,
        tier=decision.tier,
        route=decision.route,
        priority=decision.priority,
        rule=decision.rule,
        reason=decision.reason,
        inputs={**inputs.model_dump(mode="json"), **({"extra": extra} if extra else {})},
    )
    session.add(row)
    if update_conversation and conversation_id is not None:
        conv = session.get(Conversation, conversation_id)
        if conv is not None:
            conv.tier = decision.tier
            conv.reason = decision.reason
    session.flush()
    log.info(
        "tier %d route=%s rule=%s conversation=%s: %s",
        decision.tier,
        decision.route,
        decision.rule,
        conversation_id,
        decision.reason,
    )
    return row


def tier_history(session: Session, conversation_id: int) -> list[dict[str, Any]]:
    """The conversation's decisions, oldest first, as JSON for ``GET /api/conversations/{id}``."""
    rows = session.scalars(
        select(TierDecisionRecord)
        .where(TierDecisionRecord.conversation_id == conversation_id)
        .order_by(TierDecisionRecord.id)
    )
    return [
        {
            "tier": r.tier,
            "route": r.route,
            "priority": r.priority,
            "rule": r.rule,
            "reason": r.reason,
            "message_id": r.message_id,
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]
