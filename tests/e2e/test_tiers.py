"""The tier policy through the running bot: the same words from different customers get
different tiers and routes, for the reasons stated, and every decision is kept."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
import yaml

from bot.auth.secrets import stored_secret
from tests.conftest import ROOT, LiveStack
from tests.e2e import helpers

pytestmark = pytest.mark.e2e


def stack_key(stack: LiveStack) -> str:
    """The customer-token key the app generated at its first start (embedded profile)."""
    return stored_secret(stack.work_dir / "var", "customer_token_secret")


def customer(level: str, enterprise: bool = False) -> str:
    data = yaml.safe_load((ROOT / "knowledge" / "sample_customers.yml").read_text("utf-8"))
    for c in data["customers"]:
        if c["member_level"] == level and bool(c.get("enterprise")) == enterprise:
            return str(c["member_id"])
    raise AssertionError(f"no sample customer of level {level}")


def token(member_id: str, secret: str) -> str:
    return jwt.encode({"sub": member_id, "exp": int(time.time()) + 600}, secret, "HS256")


def say(
    stack: LiveStack, sender: str, text: str, member: str | None = None, secret: str | None = None
) -> list[dict[str, Any]]:
    key = secret or stack_key(stack)
    metadata = {"customer_token": token(member, key)} if member else {}
    return helpers.say(stack, sender, text, metadata)


def conversation(stack: LiveStack, sender: str) -> dict[str, Any]:
    auth = httpx.post(
        f"{stack.url}/api/auth/token", data={"username": "super", "password": "super"}
    ).json()
    resp = httpx.get(
        f"{stack.url}/api/conversations/{sender}",
        headers={"Authorization": f"Bearer {auth['access_token']}"},
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def fresh() -> str:
    return f"tier-{uuid.uuid4().hex[:10]}"


class TestSameWordsDifferentCustomers:
    def test_purchase_from_an_ordinary_and_a_gold_member(self, live_stack: LiveStack) -> None:
        words = "想换台新的游戏本 有什么推荐吗"
        ordinary, gold = fresh(), fresh()
        say(live_stack, ordinary, words, customer("normal"))
        replies = say(live_stack, gold, words, customer("gold"))
        low, high = conversation(live_stack, ordinary), conversation(live_stack, gold)
        assert low["tier"] in (1, 2) and low["route"] == "bot"
        assert high["tier"] == 4 and high["route"] == "queue"
        assert "金卡" in high["reason"] and "第4级" in high["reason"]
        assert "选购" in " ".join(r.get("text") or "" for r in replies)
        decision = high["tier_history"][-1]
        assert decision["tier"] == 4 and decision["route"].startswith("queue:")

    def test_forged_token_is_ignored(self, live_stack: LiveStack) -> None:
        sender = fresh()
        say(
            live_stack,
            sender,
            "想换台新的游戏本 有什么推荐吗",
            customer("gold"),
            secret="a-forged-secret-that-is-long-enough-32b",
        )
        conv = conversation(live_stack, sender)
        assert conv["tier"] != 4 and conv["route"] == "bot"


class TestEscalations:
    def test_risk_words_go_to_tier_5_at_once(self, live_stack: LiveStack) -> None:
        sender = fresh()
        say(live_stack, sender, "电脑修了三次还没好，再不解决我就去315投诉曝光你们")
        conv = conversation(live_stack, sender)
        assert conv["tier"] == 5 and conv["route"] == "queue"
        assert conv["tier_history"][-1]["rule"] in {"risk_words", "emotion_trough", "complaint"}

    def test_human_request_is_honoured_and_recorded(self, live_stack: LiveStack) -> None:
        sender = fresh()
        say(live_stack, sender, "你好")
        say(live_stack, sender, "帮我转人工客服")
        conv = conversation(live_stack, sender)
        assert conv["route"] == "queue" and conv["tier"] in (3, 4)
        assert conv["tier_history"], "the decision is kept"
        inbound = [m for m in conv["messages"] if m["direction"] == "in"]
        assert inbound


class TestBindingAndGreeting:
    def test_bind_by_code_then_the_greeting_knows_the_customer(self, live_stack: LiveStack) -> None:
        import re

        data = yaml.safe_load((ROOT / "knowledge" / "sample_customers.yml").read_text("utf-8"))
        person = next(c for c in data["customers"] if c["devices"])
        sender = fresh()
        anonymous = say(live_stack, sender, "你好")
        before = live_stack.app_log.read_text(encoding="utf-8", errors="replace")
        replies = say(live_stack, sender, f"帮我绑定会员 手机号{person['phone']}")
        assert "验证码" in replies[0]["text"]
        log = live_stack.app_log.read_text(encoding="utf-8", errors="replace")[len(before) :]
        codes = re.findall(r"binding code (\d{6}) for", log)
        assert codes, "the sample setup writes the code to the app log"
        wrong = say(
            live_stack, sender, "验证码 000000" if codes[-1] != "000000" else "验证码 111111"
        )
        assert "不正确" in wrong[0]["text"]
        bound = say(live_stack, sender, f"验证码 {codes[-1]}")
        assert "绑定成功" in bound[0]["text"]
        domain = yaml.safe_load((ROOT / "domain" / "smalltalk.yml").read_text("utf-8"))
        generic = {v["text"] for v in domain["responses"]["utter_greet"]}
        assert anonymous[0]["text"] in generic
        greeted = say(live_stack, sender, "你好")
        assert greeted[0]["text"] not in generic  # a greeting for this customer
        conv = conversation(live_stack, sender)
        assert conv["customer_id"] is not None
