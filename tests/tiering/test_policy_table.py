"""Decision table of the shipped policy (knowledge/tier_policy.yml): every tier, every rule."""

from __future__ import annotations

from typing import Any

import pytest

from bot.tiering.engine import TierEngine
from tests.tiering.conftest import decide

VISITOR: dict[str, Any] = {}
NORMAL = {"identified": True, "tags": ["member_normal", "in_warranty", "owner_book"]}
GOLD = {"identified": True, "tags": ["member_gold", "in_warranty", "owner_raptor"]}
BLACK = {"identified": True, "tags": ["member_black", "in_warranty", "owner_book"]}
ENTERPRISE = {"identified": True, "tags": ["member_gold", "enterprise", "owner_book"]}

SIMPLE = {
    "decision": "answer",
    "question_id": "warranty-001",
    "question_title": "星岚产品保修期是多久",
    "question_tier": 1,
    "category": "保修政策",
}
FAULT = {
    "decision": "answer",
    "question_id": "power-001",
    "question_title": "笔记本开不了机怎么办",
    "question_tier": 2,
    "category": "开关机",
    "has_tree": True,
    "product_line": "book",
}
FAULT_NO_TREE = {**FAULT, "question_id": "gaming-008", "has_tree": False, "category": "游戏性能"}
COMPLEX = {
    "decision": "answer",
    "question_id": "battery-007",
    "question_title": "电池鼓包了怎么办",
    "question_tier": 3,
    "category": "电池与充电",
    "product_line": "raptor",
}
PRESALES = {
    "decision": "answer",
    "question_id": "presales-007",
    "question_tier": 4,
    "question_title": "打游戏推荐买哪款电脑",
    "category": "购买咨询与选购",
}
COMPLAINT_Q = {
    "decision": "answer",
    "question_id": "service-005",
    "question_tier": 5,
    "question_title": "对客服人员的服务不满意怎么投诉",
    "category": "服务渠道与其它",
}
HUMAN_Q = {
    "decision": "answer",
    "question_id": "service-002",
    "question_tier": 1,
    "question_title": "怎么转人工客服",
    "category": "服务渠道与其它",
}
REPAIR_STATUS = {
    "decision": "answer",
    "question_id": "repair_status-001",
    "question_tier": 1,
    "question_title": "怎么查询维修进度",
    "category": "维修进度",
}
CLARIFY = {**SIMPLE, "decision": "clarify"}
NONE: dict[str, Any] = {"decision": "none"}
BUY = {"intent": "purchase_intent"}
HUMAN = {"intent": "request_human", "human_requests": 1}

# (case, inputs, tier, route, rule)
TABLE: list[tuple[str, dict[str, Any], int, str, str]] = [
    # tier 1
    ("simple question", {**SIMPLE}, 1, "bot", "simple_answer"),
    ("clarify", {**CLARIFY}, 1, "bot", "clarify"),
    ("first no match", {**NONE, "failed_matches": 1}, 1, "bot", "no_match"),
    ("greeting", {"intent": "greet"}, 1, "bot", "default"),
    (
        "human + tier-1 answer: answer first",
        {**SIMPLE, **HUMAN},
        1,
        "bot",
        "human_after_simple_answer",
    ),
    (
        "visitor wants to buy",
        {**PRESALES, **BUY, "decision": "clarify"},
        1,
        "bot",
        "purchase_self_service",
    ),
    ("member asks a pre-sales question", {**PRESALES, **NORMAL}, 1, "bot", "presales_question"),
    (
        "visitor's words reveal a bulk purchase",
        {**PRESALES, **BUY, "scenes": ["bulk_purchase"]},
        4,
        "queue:enterprise,sales",
        "bulk_purchase",
    ),
    # tier 2
    ("fault with a tree", {**FAULT, **NORMAL}, 2, "diagnosis", "guided_troubleshooting"),
    ("fault without a tree", {**FAULT_NO_TREE}, 2, "bot", "step_by_step_answer"),
    ("black diamond fault", {**FAULT, **BLACK}, 2, "diagnosis", "black_diamond_fault"),
    (
        "gold member fault: still the tree",
        {**FAULT, **GOLD},
        2,
        "diagnosis",
        "guided_troubleshooting",
    ),
    # tier 3
    ("second no match", {**NONE, "failed_matches": 2}, 3, "queue:aftersales", "repeated_no_match"),
    (
        "two unsolved answers",
        {**FAULT, "unsolved": 2},
        3,
        "queue:hardware,book",
        "repeated_unsolved",
    ),
    (
        "tree exhausted",
        {**FAULT, "diagnosis": "escalated", "diagnosis_skills": ["hardware"]},
        3,
        "queue:hardware,book",
        "diagnosis_escalated",
    ),
    (
        "third contact in a week",
        {**FAULT, **NORMAL, "contacts_7d": 2},
        3,
        "queue:hardware,book",
        "repeat_contact",
    ),
    (
        "open ticket, asks repair status",
        {**REPAIR_STATUS, **NORMAL, "unresolved_tickets": 1},
        3,
        "queue:aftersales",
        "open_ticket_followup",
    ),
    ("visitor: 转人工", {**HUMAN_Q, **HUMAN}, 3, "queue:aftersales", "human_requested"),
    (
        "insists on a human",
        {**SIMPLE, **HUMAN, "human_requests": 2},
        3,
        "queue:aftersales",
        "human_requested",
    ),
    ("human after a clarify", {**CLARIFY, **HUMAN}, 3, "queue:aftersales", "human_requested"),
    ("complex question", {**COMPLEX}, 3, "queue:battery,raptor", "complex_question"),
    # tier 4
    ("gold member wants to buy", {**PRESALES, **GOLD, **BUY}, 4, "queue:sales", "purchase_vip"),
    (
        "enterprise wants to buy",
        {**NONE, **ENTERPRISE, **BUY},
        4,
        "queue:enterprise,sales",
        "purchase_enterprise",
    ),
    ("black diamond pre-sales question", {**PRESALES, **BLACK}, 4, "queue:sales", "presales_vip"),
    ("enterprise fault", {**FAULT, **ENTERPRISE}, 4, "queue:enterprise,book", "enterprise_fault"),
    (
        "black diamond complex problem",
        {**COMPLEX, **BLACK},
        4,
        "queue:battery,raptor",
        "black_diamond_complex",
    ),
    (
        "gold member asks for a human",
        {**FAULT, **GOLD, **HUMAN},
        4,
        "queue:hardware,book",
        "human_vip",
    ),
    (
        "enterprise asks for a human",
        {**HUMAN_Q, **ENTERPRISE, **HUMAN},
        4,
        "queue:enterprise",
        "human_enterprise",
    ),
    (
        "visitor wants to buy, nothing matched",
        {**NONE, **BUY},
        4,
        "queue:sales",
        "purchase_unanswered",
    ),
    # tier 5
    (
        "risk words",
        {**SIMPLE, "risk_words": ["315", "曝光"], "negative": 0.9},
        5,
        "queue:complaint,senior",
        "risk_words",
    ),
    (
        "trough",
        {**FAULT, "trough": "sustained", "negative": 0.6},
        5,
        "queue:senior,complaint",
        "emotion_trough",
    ),
    (
        "complaint intent, strongly negative",
        {**NONE, "intent": "complaint", "negative": 0.6},
        5,
        "queue:complaint",
        "complaint",
    ),
    (
        "complaint intent, calm words",
        {**NONE, "intent": "complaint", "negative": 0.1},
        1,
        "bot",
        "no_match",
    ),
    (
        "complaint question said with feeling",
        {**COMPLAINT_Q, "negative": 0.35},
        5,
        "queue:complaint",
        "complaint_question",
    ),
    ("complaint question asked calmly", {**COMPLAINT_Q}, 1, "bot", "complaint_question_calm"),
    (
        "upset, complained before",
        {**FAULT, **NORMAL, "complaints": 1, "negative": 0.55},
        5,
        "queue:senior,complaint",
        "upset_with_complaint_history",
    ),
    # precedence
    (
        "risk beats a gold member's purchase",
        {**PRESALES, **GOLD, **BUY, "risk_words": ["律师"]},
        5,
        "queue:complaint,senior",
        "risk_words",
    ),
    (
        "trough beats a request for a human",
        {**SIMPLE, **HUMAN, "trough": "sharp_drop"},
        5,
        "queue:senior,complaint",
        "emotion_trough",
    ),
    (
        "a calm complainer is not tier 5",
        {**FAULT, **NORMAL, "complaints": 1, "negative": 0.2},
        2,
        "diagnosis",
        "guided_troubleshooting",
    ),
]


class TestTable:
    @pytest.mark.parametrize(
        ("case", "inputs", "tier", "route", "rule"), TABLE, ids=[t[0] for t in TABLE]
    )
    def test_each_table_case_gets_its_tier_route_and_rule(
        self,
        engine: TierEngine,
        case: str,
        inputs: dict[str, Any],
        tier: int,
        route: str,
        rule: str,
    ) -> None:
        d = decide(engine, **inputs)
        assert (d.tier, d.route, d.rule) == (tier, route, rule), d.reason

    def test_every_rule_and_tier_is_covered(self, engine: TierEngine) -> None:
        assert {t[4] for t in TABLE} == {r.id for r in engine.policy.rules}
        assert {t[2] for t in TABLE} == {1, 2, 3, 4, 5}


class TestReasons:
    def test_same_words_different_customers(self, engine: TierEngine) -> None:
        visitor = decide(engine, **PRESALES, **BUY)
        gold = decide(engine, **PRESALES, **GOLD, **BUY)
        assert (visitor.tier, visitor.route) == (1, "bot") and visitor.offer_human
        assert gold.reason == "金卡会员 + 购买意向 -> 第4级，转选购顾问"
        assert visitor.reason == "访客 + 购买意向 -> 第1级，智能助手先推荐，可随时转选购顾问"

    def test_reasons_name_the_facts(self, engine: TierEngine) -> None:
        risk = decide(engine, **SIMPLE, **NORMAL, risk_words=["315", "曝光"])
        assert (
            risk.reason == "普通会员提到「315、曝光」（风险词）-> 第5级，立即转投诉专员并提醒主管"
        )
        assert risk.alert
        no_match = decide(engine, **NONE, failed_matches=2, product_line="raptor")
        assert no_match.reason == "连续 2 次未能识别问题 -> 第3级，转游戏本工程师"
        trough = decide(engine, **BLACK, trough="sharp_drop", negative=0.7)
        assert trough.reason.startswith("黑钻会员情绪骤降（负面情绪 0.70）-> 第5级")

    def test_tier1_request_gets_answer_and_offer(self, engine: TierEngine) -> None:
        d = decide(engine, **SIMPLE, **HUMAN)
        assert d.offer_human and d.kind == "bot"
        assert "先给出答案并提供转人工入口" in d.reason


class TestPriority:
    def test_high_value_and_urgency_move_up(self, engine: TierEngine) -> None:
        plain = decide(engine, **COMPLEX)
        gold = decide(engine, **COMPLEX, **GOLD)
        urgent_gold = decide(engine, **COMPLEX, **GOLD, urgency=0.8)
        assert (plain.priority, gold.priority, urgent_gold.priority) == (2, 3, 4)
        assert decide(engine, **SIMPLE, risk_words=["律师"], urgency=0.9).priority == 5  # capped

    def test_unknown_product_is_left_out_of_skills(self, engine: TierEngine) -> None:
        d = decide(engine, **NONE, failed_matches=3, product_line="toaster")
        assert d.route == "queue:aftersales"
