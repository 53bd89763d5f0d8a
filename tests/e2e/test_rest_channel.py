"""The REST channel through the real gateway, Rasa server and action endpoint."""

from __future__ import annotations

import asyncio
import json
import re

import httpx
import pytest
import yaml

from tests.conftest import ROOT, LiveStack, run_async
from tests.e2e.helpers import stored_messages

pytestmark = pytest.mark.e2e


def post(stack: LiveStack, sender: str, message: str, **extra: object) -> httpx.Response:
    return httpx.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message, **extra},
        timeout=30,
    )


def greet_texts() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain" / "smalltalk.yml").read_text(encoding="utf-8"))
    return [v["text"] for v in domain["responses"]["utter_greet"]]


class TestRestWebhook:
    def test_greeting_gets_a_greeting_from_the_domain(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        resp = post(live_stack, sender, "你好")
        assert resp.status_code == 200
        body = resp.json()
        assert body and body[0]["recipient_id"] == sender
        assert body[0]["text"] in greet_texts()
        assert all({"title", "payload"} <= set(b) for b in body[0].get("buttons", []))

    def test_question_is_answered_from_the_knowledge_base(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        from bot.knowledge.loader import load_knowledge

        kb = load_knowledge(ROOT / "knowledge")
        resp = post(live_stack, sender, "怎么查询维修进度", metadata={"page": "test"})
        assert resp.status_code == 200
        messages = resp.json()
        stored = stored_messages(live_stack.db_url, sender)
        match = stored[-1]["payload"]["custom"]["kefu"]
        assert match["decision"] in {"answer", "clarify"}
        if match["decision"] == "answer":
            question = kb.questions[match["question_id"]]
            assert question.category == "维修进度"
            texts = {question.answer, *(v.answer for v in question.variants)}
            assert messages[0]["text"] in texts
        else:
            titles = [b["title"] for b in messages[0]["buttons"]]
            assert any("进度" in t for t in titles)
        # internal diagnostics are stored, never sent to the user
        assert all("kefu" not in m.get("custom", {}) for m in messages)

    def test_every_message_in_and_out_is_stored(self, live_stack: LiveStack, sender: str) -> None:
        reply = post(live_stack, sender, "你好").json()
        stored = stored_messages(live_stack.db_url, sender)
        assert [(m["direction"], m["role"]) for m in stored] == [("in", "user"), ("out", "bot")]
        assert stored[0]["text"] == "你好" and stored[0]["status"] == "answered"
        assert stored[1]["text"] == reply[0]["text"]

    def test_two_messages_at_once_are_answered_in_order(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        async def both() -> list[httpx.Response]:
            async with httpx.AsyncClient(timeout=30) as client:
                url = f"{live_stack.url}/webhooks/rest/webhook"
                first = client.post(url, json={"sender": sender, "message": "你好"})
                second = client.post(url, json={"sender": sender, "message": "谢谢你"})
                return list(await asyncio.gather(first, second))

        responses = run_async(both())
        assert all(r.status_code == 200 for r in responses)
        stored = stored_messages(live_stack.db_url, sender)
        directions = [m["direction"] for m in stored]
        # each message is answered before the next one is taken: in, out, in, out
        assert directions == ["in", "out", "in", "out"]
        assert stored[1]["payload"]["reply_to"] == stored[0]["id"]
        assert stored[3]["payload"]["reply_to"] == stored[2]["id"]
        assert {stored[0]["text"], stored[2]["text"]} == {"你好", "谢谢你"}


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            (b'{"sender": "x", "message": ', 400, "malformed_json"),
            (b'{"message": "hi"}', 422, "invalid_request"),
            (b'{"sender": "bad sender!", "message": "hi"}', 422, "invalid_request"),
            (b'{"sender": "s1", "message": "   "}', 422, "invalid_request"),
            (b'["not", "an", "object"]', 422, "invalid_request"),
        ],
    )
    def test_malformed_requests_get_a_json_4xx(
        self, live_stack: LiveStack, body: bytes, status: int, code: str
    ) -> None:
        resp = httpx.post(
            f"{live_stack.url}/webhooks/rest/webhook",
            content=body,
            headers={"content-type": "application/json"},
        )
        assert resp.status_code == status
        assert resp.json()["error"]["code"] == code

    def test_over_long_message_is_refused_and_not_stored(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        resp = post(live_stack, sender, "长" * 2001)
        assert resp.status_code == 413
        err = resp.json()["error"]
        assert err["code"] == "message_too_long" and "2000" in err["message"]
        assert stored_messages(live_stack.db_url, sender) == []

    def test_oversized_body_is_refused(self, live_stack: LiveStack, sender: str) -> None:
        resp = post(live_stack, sender, "hi", metadata={"blob": "x" * 200_000})
        assert resp.status_code == 413
        assert resp.json()["error"]["code"] == "body_too_large"
        assert stored_messages(live_stack.db_url, sender) == []


class TestHealth:
    def test_healthz_reports_every_part(self, live_stack: LiveStack) -> None:
        body = httpx.get(f"{live_stack.url}/healthz").json()
        assert body["status"] == "ok"
        assert body["rasa"]["status"] == "ok"
        assert body["database"] == {"status": "ok", "backend": "sqlite", "writable": True}
        assert body["actions"]["status"] == "ok"
        assert body["app"]["knowledge_questions"] >= 1

    def test_pages_and_docs_are_served(self, live_stack: LiveStack) -> None:
        for path in ("/chat", "/agent", "/editor", "/docs"):
            resp = httpx.get(f"{live_stack.url}{path}")
            assert resp.status_code == 200, path
            assert "text/html" in resp.headers["content-type"]
            for sheet in re.findall(r'href="(/static/[^"]+\.css)"', resp.text):
                css = httpx.get(f"{live_stack.url}{sheet}")
                assert css.status_code == 200 and "text/css" in css.headers["content-type"], sheet
        spec = httpx.get(f"{live_stack.url}/openapi.json").json()
        assert "/webhooks/rest/webhook" in spec["paths"]


class TestClarify:
    def test_ambiguous_words_get_choices_and_a_choice_gets_its_answer(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        from bot.knowledge.loader import load_knowledge

        kb = load_knowledge(ROOT / "knowledge")
        first = post(live_stack, sender, "开不了机").json()
        buttons = first[0].get("buttons", [])
        assert len(buttons) >= 2, first
        assert all(b["payload"].startswith("/choose_question") for b in buttons)
        chosen = json.loads(buttons[1]["payload"].removeprefix("/choose_question"))["question_id"]
        question = kb.questions[chosen]
        assert buttons[1]["title"] == question.title

        second = post(live_stack, sender, buttons[1]["payload"]).json()
        if question.tree:  # a fault with a diagnosis tree: the tree starts
            assert "排查" in second[0]["text"] and second[-1]["buttons"]
        else:
            assert second[0]["text"] in {question.answer, *(v.answer for v in question.variants)}

    def test_unknown_words_get_an_apology_and_categories(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        domain = yaml.safe_load((ROOT / "domain" / "answers.yml").read_text(encoding="utf-8"))
        reply = post(live_stack, sender, "帮我订一张明天去上海的机票").json()
        assert reply[0]["text"] in [r["text"] for r in domain["responses"]["utter_no_match"]]
        assert len(reply[0]["buttons"]) >= 2


def test_request_for_a_human_is_recorded_on_the_conversation(
    live_stack: LiveStack, sender: str
) -> None:
    reply = post(live_stack, sender, "转人工").json()
    assert "转接" in reply[0]["text"]
    token = httpx.post(
        f"{live_stack.url}/api/auth/token", data={"username": "agent1", "password": "agent1"}
    ).json()["access_token"]
    conv = httpx.get(
        f"{live_stack.url}/api/conversations/{sender}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert conv.status_code == 200
    assert conv.json()["route"] == "queue"
    assert conv.json()["tier"] in (3, 4) and conv.json()["reason"]
    assert [m["text"] for m in conv.json()["messages"]][0] == "转人工"
    assert httpx.get(f"{live_stack.url}/api/conversations/{sender}").status_code == 401
