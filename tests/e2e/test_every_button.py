"""Every button the bot shows leads to an answer, through the running bot (Rasa, actions,
matcher): each greeting's buttons, the chat page's shortcut chips, the WeChat menu's topics and
the per-customer greeting topics are sent as a click sends them, and the bot's stored decision
must be an answer, never a question back (clarify) or no match. The page walk clicks the chips
and the greeting's buttons in Chromium at phone size.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import yaml

from bot.dialogue.answering import choose_payload
from tests.conftest import ROOT, LiveStack
from tests.e2e.conftest import ChatPage
from tests.e2e.helpers import StaffClient
from tests.matching.test_buttons import NOT_QUESTIONS, buttons

pytestmark = pytest.mark.e2e


def greeting_topics() -> list[str]:
    """Every standard question a greeting offers some customer (greetings.yml)."""
    greetings = yaml.safe_load((ROOT / "knowledge" / "greetings.yml").read_text("utf-8"))
    topics = list(greetings["default"]["topics"])
    for segment in greetings.get("segments") or []:
        topics += [t for t in segment.get("topics") or [] if t not in topics]
    return topics


def decision_of_last_turn(staff: StaffClient, sender: str) -> list[str]:
    """The match decisions of the bot's replies to the sender's last message."""
    messages = staff.get(f"/api/conversations/{sender}")["messages"]
    last_in = max(i for i, m in enumerate(messages) if m["direction"] == "in")
    return [
        str((m.get("match") or {}).get("decision"))
        for m in messages[last_in + 1 :]
        if m["role"] == "bot" and m.get("match")
    ]


def test_every_button_chip_menu_topic_and_greeting_topic_is_answered(
    live_stack: LiveStack,
) -> None:
    staff = StaffClient(live_stack.url, "super")
    clicks = [(where, text) for where, text in buttons() if text not in NOT_QUESTIONS]
    clicks += [(f"greetings.yml {q}", choose_payload(q)) for q in greeting_topics()]
    asked_back = []
    for n, (where, payload) in enumerate(clicks):
        sender = f"button-walk-{n}"
        resp = httpx.post(
            f"{live_stack.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": payload},
            timeout=60,
        )
        assert resp.status_code == 200, resp.text
        decided = decision_of_last_turn(staff, sender)
        if decided[:1] != ["answer"]:
            shown = [r.get("text") for r in resp.json()]
            said = json.dumps(shown, ensure_ascii=False)[:120]
            asked_back.append(f"{where} -> {payload!r}: {decided} {said}")
    assert len(clicks) > 30
    assert asked_back == []


def test_the_page_s_chips_and_greeting_buttons_each_get_an_answer(
    chat: ChatPage, live_stack: LiveStack
) -> None:
    staff = StaffClient(live_stack.url, "super")
    sender = chat.sender()
    walked: list[tuple[str, list[str]]] = []
    chips = chat.page.locator("#quick .chip").evaluate_all("cs => cs.map(c => c.dataset.text)")
    for text in [t for t in chips if t not in NOT_QUESTIONS]:
        before = chat.count("bot")
        chat.page.locator(f"#quick .chip[data-text='{text}']").click()
        chat.wait_reply(before)
        walked.append((f"chip {text}", decision_of_last_turn(staff, sender)))
    shown: set[str] = set()
    for _ in range(4):  # the greeting has variants: a few greetings, each button once
        before = chat.count("bot")
        chat.send("你好")
        chat.wait_reply(before)
        group = chat.messages("bot").last.locator(".choice")
        # the greeting's own buttons (a paused tree adds its 继续排查, a control, not a topic)
        titles: list[Any] = group.evaluate_all(
            "bs => bs.filter(b => !b.dataset.payload.startsWith('/')).map(b => b.textContent)"
        )
        fresh = [t for t in titles if t not in shown]
        if not fresh:
            continue
        shown.add(fresh[0])
        before = chat.count("bot")
        group.filter(has_text=fresh[0]).click()
        chat.wait_reply(before)
        walked.append((f"greeting {fresh[0]}", decision_of_last_turn(staff, sender)))
    assert len(walked) >= 4
    assert [w for w in walked if w[1][:1] != ["answer"]] == []
