"""Every decision is stored with its inputs and reason; the conversation shows the latest."""

from __future__ import annotations

from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Conversation, TierDecisionRecord
from bot.tiering.engine import TierEngine
from bot.tiering.inputs import TierInputs
from bot.tiering.store import record_decision, tier_history


class TestStore:
    def test_decisions_are_recorded_with_their_history(
        self, db_url: str, engine: TierEngine
    ) -> None:
        db = Database(db_url)
        first_in = TierInputs(text="发票怎么开", decision="none", failed_matches=1)
        second_in = TierInputs(text="到底怎么开发票", decision="none", failed_matches=2)
        with db.session() as s:
            conv = repo.open_conversation(s, "web", "v-1")
            for inputs in (first_in, second_in):
                decision = engine.evaluate(inputs)
                record_decision(
                    s,
                    decision,
                    inputs,
                    conversation_id=conv.id,
                    customer_id=conv.customer_id,
                    extra={"emotion": {"negative": 0.1}},
                )
        with db.session() as s:
            stored = s.get(Conversation, conv.id)
            assert stored is not None and stored.tier == 3
            assert stored.reason == "连续 2 次未能识别问题 -> 第3级，转售后政策工程师"
            history = tier_history(s, conv.id)
            row = s.query(TierDecisionRecord).order_by(TierDecisionRecord.id).first()
            assert row is not None and row.inputs["text"] == "发票怎么开"
            assert row.inputs["extra"] == {"emotion": {"negative": 0.1}}
        assert [(h["tier"], h["rule"]) for h in history] == [
            (1, "no_match"),
            (3, "repeated_no_match"),
        ]
        assert history[1]["route"] == "queue:aftersales"
        db.dispose()

    def test_decision_outside_a_conversation_is_recorded(
        self, db_url: str, engine: TierEngine
    ) -> None:
        db = Database(db_url)
        inputs = TierInputs(text="你好")
        with db.session() as s:
            row = record_decision(s, engine.evaluate(inputs), inputs)
            assert row.id is not None and row.conversation_id is None
        db.dispose()
