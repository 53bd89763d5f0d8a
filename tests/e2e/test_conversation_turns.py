"""Whole conversations through the running bot: emotion read in proportion, trees that let go
of a customer who asks something else, and the status for a customer waiting for people."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.texts import Texts
from tests.conftest import ROOT, LiveStack
from tests.e2e.helpers import StaffClient

pytestmark = pytest.mark.e2e

TEXTS = Texts.load(ROOT / "knowledge")


def say(stack: LiveStack, sender: str, message: str) -> list[dict[str, Any]]:
    resp = httpx.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    return resp.json()


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text") or "" for r in replies)


def titles(replies: list[dict[str, Any]]) -> list[str]:
    return [b["title"] for r in replies for b in r.get("buttons") or []]


class TestEmotionInProportion:
    def test_one_word_of_annoyance_is_answered_with_empathy_not_queued(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        replies = say(live_stack, sender, "每次登app都要等短信验证码 烦 能用wechat直接登进去不")
        assert texts(replies).startswith(TEXTS.get("empathy_annoyed"))
        conv = StaffClient(live_stack.url, "super").get(f"/api/conversations/{sender}")
        assert conv["route"] == "bot" and conv["tier"] < 5
        assert conv["handoff"] is None

    def test_a_calm_question_gets_no_apology(self, live_stack: LiveStack, sender: str) -> None:
        replies = say(live_stack, sender, "保修期多久")
        assert TEXTS.get("empathy_annoyed") not in texts(replies)
