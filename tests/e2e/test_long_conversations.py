"""Whole conversations, hundreds of turns long, through the real gateway, Rasa and actions.

Rasa posts the tracker of the current session to the action endpoint on every action call; a
conversation must keep working however long it runs, and the action endpoint must serve the
Rasa server only.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from bot.diagnosis.engine import start_payload
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.schema import Tree
from bot.diagnosis.stats import all_paths
from bot.knowledge.loader import load_knowledge
from tests.chat_client import chat_socket
from tests.conftest import ROOT, LiveStack
from tests.e2e.helpers import StaffClient, stored_messages
from tests.e2e.long_chat import (
    assert_bot_answered_each,
    assert_real_answers,
    long_chat,
    max_action_call_bytes,
)

pytestmark = pytest.mark.e2e

TURNS = 200
BOOK = load_diagnosis(ROOT / "knowledge", load_knowledge(ROOT / "knowledge").product_ids)
assert BOOK.controls is not None
CONTROLS = BOOK.controls
TreePath = list[tuple[str, int | str | None]]


def rest(stack: LiveStack, sender: str, message: str) -> list[dict[str, Any]]:
    resp = httpx.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    return list(resp.json())


class TestLongConversation:
    def test_two_hundred_rest_messages_are_all_really_answered(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        for turn, message in enumerate(long_chat(TURNS), 1):
            replies = rest(live_stack, sender, message)
            assert_real_answers(turn, message, (r.get("text") for r in replies))
        stored = stored_messages(live_stack.db_url, sender)
        assert len([m for m in stored if m["direction"] == "in"]) == TURNS
        assert_bot_answered_each(stored)
        # Rasa starts a new session every few dozen turns: what it posts stays small.
        assert max_action_call_bytes(live_stack.url) <= 512e3

    def test_two_hundred_chat_page_messages_are_all_really_answered(
        self, live_stack: LiveStack
    ) -> None:
        with chat_socket(live_stack.url) as (ws, visitor):
            sender = visitor.sender
            assert json.loads(ws.recv(timeout=10))["type"] == "history"
            for turn, message in enumerate(long_chat(TURNS), 1):
                ws.send(json.dumps({"type": "message", "id": f"m{turn}", "text": message}))
                said: list[str | None] = []
                while True:
                    event = json.loads(ws.recv(timeout=60))
                    if event["type"] in {"bot", "system"}:
                        said.append(event.get("text"))
                    if event["type"] == "typing" and event["on"] is False:
                        break
                assert_real_answers(turn, message, said)
        stored = stored_messages(live_stack.db_url, sender)
        assert len([m for m in stored if m["direction"] == "in"]) == TURNS
        assert_bot_answered_each(stored)


class TestActionEndpoint:
    CALL = {"next_action": "action_greet", "sender_id": "x", "tracker": {}, "version": "3.6.21"}

    def test_a_call_without_the_domain_asks_rasa_to_send_it(self, live_stack: LiveStack) -> None:
        resp = httpx.post(
            f"{live_stack.url}/actions/webhook",
            json=self.CALL,
            headers={"X-Kefu-Action-Token": live_stack.action_token},
            timeout=30,
        )
        assert resp.status_code == 449

    def test_a_call_without_the_rasa_servers_token_is_refused(self, live_stack: LiveStack) -> None:
        url = f"{live_stack.url}/actions/webhook"
        for headers in ({}, {"X-Kefu-Action-Token": "guess"}):
            resp = httpx.post(url, json=self.CALL, headers=headers, timeout=10)
            assert resp.status_code == 401
            assert resp.json()["error"]["code"] == "action_caller_unknown"
        assert httpx.get(f"{live_stack.url}/actions", timeout=10).status_code == 401

    def test_an_unsigned_oversized_call_is_refused_before_its_body_is_read(
        self, live_stack: LiveStack
    ) -> None:
        body = json.dumps({**self.CALL, "pad": "x" * 200_000})
        resp = httpx.post(f"{live_stack.url}/actions/webhook", content=body, timeout=10)
        assert resp.status_code == 401

    def test_the_rasa_servers_call_may_carry_a_tracker_over_the_public_body_limit(
        self, live_stack: LiveStack
    ) -> None:
        tracker = {
            "sender_id": "long-tracker",
            "slots": {},
            "latest_message": {"text": "你好", "intent": {"name": "greet"}, "metadata": {}},
            "events": [{"event": "user", "text": "你好" * 100, "timestamp": i} for i in range(400)],
        }
        call = {**self.CALL, "sender_id": "long-tracker", "tracker": tracker, "domain": {}}
        body = json.dumps(call, ensure_ascii=False).encode()
        assert len(body) > 64 * 1024
        resp = httpx.post(
            f"{live_stack.url}/actions/webhook",
            content=body,
            headers={
                "X-Kefu-Action-Token": live_stack.action_token,
                "Content-Type": "application/json",
            },
            timeout=30,
        )
        assert resp.status_code == 200, resp.text
        assert resp.json()["responses"]


def walk_tree(stack: LiveStack, sender: str, tree: Tree, path: TreePath) -> str:
    """Walk `path` of `tree` by its buttons, as a customer clicks; returns how it ended."""
    replies = rest(stack, sender, start_payload(tree.id))
    for node_id, choice in path:
        node = tree.node(node_id)
        if node.kind == "escalation":
            return "escalated"
        if node.kind == "question":
            assert isinstance(choice, int)
            label = node.options[choice].label
        else:
            label = getattr(CONTROLS, str(choice)).label
        buttons = {b["title"]: b["payload"] for r in replies for b in r.get("buttons") or []}
        assert label in buttons, f"{tree.id}/{node_id}: no {label!r} in {list(buttons)}"
        replies = rest(stack, sender, buttons[label])
        if choice == "solved":
            return "solved"
    raise AssertionError(f"path did not end: {path}")


def longest(tree: Tree, end: str) -> TreePath:
    """The longest path of `tree` that ends `solved` or at the escalation."""
    paths = [p for p in all_paths(tree) if (p[-1][1] == "solved") == (end == "solved")]
    return max(paths, key=len)


def chat(stack: LiveStack, sender: str, messages: list[str], first_turn: int = 1) -> None:
    """Send `messages` one by one; each must get a real answer."""
    for turn, message in enumerate(messages, first_turn):
        replies = rest(stack, sender, message)
        assert_real_answers(turn, message, (r.get("text") for r in replies))


class TestConversationAcrossTreesAndEngineers:
    def test_trees_a_handoff_and_a_return_to_the_bot_in_one_long_conversation(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        staff = StaffClient(live_stack.url, "agent2")
        easy, hard = BOOK.trees["no_sound"], BOOK.trees["no_power"]
        with staff.console():
            staff.put("/api/agent/status", {"status": "online"})
            # The bot answers, walks a tree to its end and answers more.
            chat(live_stack, sender, long_chat(12))
            assert walk_tree(live_stack, sender, easy, longest(easy, "solved")) == "solved"
            # A second tree ends with an engineer.
            assert walk_tree(live_stack, sender, hard, longest(hard, "escalated")) == "escalated"
            handoff = staff.wait_handoff(sender)
            staff.post(f"/api/handoffs/{handoff}/accept")
            staff.post(f"/api/handoffs/{handoff}/messages", {"text": "您好，我来帮您看看。"})
            # While the engineer has it, the bot stays silent.
            assert rest(live_stack, sender, "好的 我等你") == []
            staff.post(f"/api/handoffs/{handoff}/return")
            # Back with the bot: it answers again, and walks the first tree once more.
            chat(live_stack, sender, long_chat(20), first_turn=100)
            assert walk_tree(live_stack, sender, easy, longest(easy, "solved")) == "solved"
        conversation = staff.get(f"/api/conversations/{sender}")
        trees = [(d["tree"], d["status"]) for d in conversation["diagnosis"]]
        assert trees == [("no_sound", "solved"), ("no_power", "escalated"), ("no_sound", "solved")]
        inbound = [m for m in stored_messages(live_stack.db_url, sender) if m["direction"] == "in"]
        assert len(inbound) >= 40
        statuses = {m["text"]: m["status"] for m in inbound}
        assert statuses.pop("好的 我等你") == "forwarded"  # to the engineer, not to the bot
        assert set(statuses.values()) == {"answered"}
