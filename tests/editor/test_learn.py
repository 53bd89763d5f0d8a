"""Learn from users: unmatched and clarify-only questions clustered; hits and thumbs."""

from __future__ import annotations

import uuid
from typing import Any

from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import AnswerFeedback
from tests.editor.conftest import Api

WASHER = ["洗衣机坏了你们修吗", "你们修洗衣机吗", "洗衣机能不能修", "洗衣机坏了你们修吗"]
TICKETS = ["帮我订去北京的机票", "订一张北京机票"]


def say(db: Database, text: str, kefu: dict[str, Any]) -> int:
    """One user message and the bot's reply carrying its match decision, as the gateway stores
    them; returns the conversation id."""
    with db.session() as s:
        conv = repo.open_conversation(s, "web", f"learn-{uuid.uuid4().hex[:8]}")
        inbound = repo.add_message(s, conv, direction="in", role="user", text=text)
        repo.add_message(
            s,
            conv,
            direction="out",
            role="bot",
            text="…",
            payload={"reply_to": inbound.id, "custom": {"kefu": kefu}},
        )
        return conv.id


class TestLearn:
    def test_clusters_with_counts_and_examples(self, api: Api) -> None:
        db = Database(api.settings.db.url)
        try:
            for text in WASHER:
                say(db, text, {"decision": "none", "question_id": None, "candidates": []})
            for text in TICKETS:
                say(db, text, {"decision": "clarify", "question_id": None, "candidates": []})
            say(db, "笔记本开不了机怎么办", {"decision": "none"})  # already a title: left out
        finally:
            db.dispose()
        res = api.ok("editor", "GET", "/api/kb/learn/unmatched")
        clusters = {c["label"]: c for c in res["clusters"]}
        washer = clusters["洗衣机坏了你们修吗"]
        assert washer["count"] == 4 and washer["none"] == 4 and washer["texts"] == 3
        assert {e["text"] for e in washer["examples"]} == set(WASHER)
        tickets = next(c for c in res["clusters"] if c["label"] in TICKETS)
        assert tickets["count"] == 2 and tickets["clarify"] == 2
        assert washer["suggestions"] and {"id", "title", "score"} <= set(washer["suggestions"][0])
        assert "笔记本开不了机怎么办" not in clusters

        # One click: the cluster's text becomes a phrasing of a question.
        draft = api.draft()
        api.ok(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": "repair-001", "text": washer["label"]},
        )
        assert api.question("repair-001", draft)["similar"][-1] == washer["label"]
        again = api.call(
            "editor",
            "POST",
            f"/api/kb/drafts/{draft}/phrasings",
            json={"question_id": "repair-001", "text": washer["label"]},
        )
        assert again.status_code == 409
        api.ok("editor", "DELETE", f"/api/kb/drafts/{draft}")

    def test_hits_and_thumbs_per_question(self, api: Api) -> None:
        db = Database(api.settings.db.url)
        try:
            convs = [
                say(db, "会员积分怎么查", {"decision": "answer", "question_id": "member-003"})
                for _ in range(3)
            ]
            with db.session() as s:
                for conv, value in zip(convs, ["up", "down", "down"], strict=True):
                    s.add(
                        AnswerFeedback(conversation_id=conv, question_id="member-003", value=value)
                    )
        finally:
            db.dispose()
        rows = api.ok("editor", "GET", "/api/kb/learn/feedback")
        row = next(r for r in rows if r["id"] == "member-003")
        assert (row["up"], row["down"], row["hits"]) == (1, 2, 3)
        detail = api.ok("editor", "GET", "/api/kb/questions/member-003")
        assert (detail["hits"], detail["up"], detail["down"]) == (3, 1, 2)
        busy = api.ok("editor", "GET", "/api/kb/questions", params={"min_hits": 3, "limit": 1000})
        assert "member-003" in [r["id"] for r in busy["items"]]
        top = api.ok("editor", "GET", "/api/kb/questions", params={"sort": "down", "desc": True})
        assert top["items"][0]["down"] >= 2
