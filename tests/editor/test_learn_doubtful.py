"""Learn from users: answers that were likely wrong are listed, clusters do not mix unrelated
texts, and a dismissed cluster stays dismissed."""

from __future__ import annotations

import uuid
from typing import Any

from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import AnswerFeedback, Message
from tests.editor.conftest import Api

# (customer's text, the bot's reply custom.kefu) turn by turn
Turn = tuple[str, dict[str, Any]]
ANSWER = "answer"


def answered(qid: str) -> dict[str, Any]:
    return {"decision": ANSWER, "question_id": qid, "candidates": []}


def chat(db: Database, turns: list[Turn]) -> list[int]:
    """A conversation stored as the gateway stores it; returns the bot replies' ids."""
    replies = []
    with db.session() as s:
        conv = repo.open_conversation(s, "web", f"doubt-{uuid.uuid4().hex[:8]}")
        for text, kefu in turns:
            inbound = repo.add_message(s, conv, direction="in", role="user", text=text)
            out = repo.add_message(
                s,
                conv,
                direction="out",
                role="bot",
                text="…",
                payload={"reply_to": inbound.id, "custom": {"kefu": kefu}},
            )
            s.flush()
            replies.append(out.id)
    return replies


def thumbs_down(db: Database, reply_id: int, qid: str) -> None:
    with db.session() as s:
        reply = s.get(Message, reply_id)
        assert reply is not None
        s.add(
            AnswerFeedback(
                conversation_id=reply.conversation_id,
                message_id=reply_id,
                question_id=qid,
                value="down",
            )
        )


def test_answers_followed_by_thumbs_down_asking_again_or_a_person_are_listed(api: Api) -> None:
    db = Database(api.settings.db.url)
    queued = {"request_human": True, "route": {"route": "queue", "tier": 3}}
    try:
        # Asked again in other words and answered with the same question once more.
        chat(
            db,
            [("平板玩一会就发烫", answered("pad-002")), ("平板很烫手", answered("pad-002"))],
        )
        # A thumbs down on the answer.
        down = chat(db, [("积分可以换点啥东西", answered("audio-002")), ("好吧", {})])
        thumbs_down(db, down[0], "audio-002")
        # A person asked for in the second turn after the answer.
        chat(
            db,
            [("换货要几天能好", answered("returns-002")), ("嗯", {}), ("转人工", queued)],
        )
        # Not doubtful: thanked; a person asked for only in the third turn.
        chat(db, [("发票抬头能改吗", answered("gaming-002")), ("谢谢", {})])
        chat(
            db,
            [
                ("会员等级怎么升", answered("gaming-003")),
                ("好的", {}),
                ("明白了", {}),
                ("转人工", queued),
            ],
        )
    finally:
        db.dispose()
    res = api.ok("editor", "GET", "/api/kb/learn/doubtful")
    by_label = {c["label"]: c for c in res["clusters"]}
    assert by_label["平板玩一会就发烫"]["rephrase"] == 1
    assert by_label["平板玩一会就发烫"]["question_id"] == "pad-002"
    assert by_label["平板玩一会就发烫"]["question_title"]
    assert by_label["积分可以换点啥东西"]["down"] == 1
    assert by_label["换货要几天能好"]["human"] == 1
    assert "发票抬头能改吗" not in by_label and "会员等级怎么升" not in by_label
    # A reader may look; the answered question is never offered as the fix.
    seen = api.ok("super", "GET", "/api/kb/learn/doubtful")
    assert {c["label"] for c in seen["clusters"]} == set(by_label)
    assert all(s["id"] != "pad-002" for s in by_label["平板玩一会就发烫"]["suggestions"])


def test_clusters_do_not_mix_unrelated_short_texts(api: Api) -> None:
    db = Database(api.settings.db.url)
    texts = ["手机充电特别慢"] * 3 + ["手机充电好慢啊", "电动牙刷坏了", "电动牙刷坏了", "打车软件"]
    try:
        for text in texts:
            chat(db, [(text, {"decision": "none", "question_id": None, "candidates": []})])
    finally:
        db.dispose()
    clusters = api.ok("editor", "GET", "/api/kb/learn/unmatched", params={"limit": 500})
    of = {t: c["label"] for c in clusters["clusters"] for t in c["all_texts"]}
    assert of["手机充电特别慢"] != of["电动牙刷坏了"]
    assert of["手机充电特别慢"] != of["打车软件"]
    assert of["电动牙刷坏了"] != of["打车软件"]


def test_a_dismissed_cluster_stays_dismissed_until_restored(api: Api) -> None:
    db = Database(api.settings.db.url)
    none: dict[str, Any] = {"decision": "none", "question_id": None, "candidates": []}
    noise = "啊啊啊啊啊zzz"
    try:
        for _ in range(3):
            chat(db, [(noise, none)])
    finally:
        db.dispose()

    def listed() -> set[str]:
        res = api.ok("editor", "GET", "/api/kb/learn/unmatched", params={"limit": 500})
        return {t for c in res["clusters"] for t in c["all_texts"]}

    assert noise in listed()
    # A supervisor reads but does not edit the lists.
    body = {"kind": "unmatched", "label": noise, "texts": [noise]}
    assert api.call("super", "POST", "/api/kb/learn/dismissed", json=body).status_code == 403
    assert api.ok("editor", "POST", "/api/kb/learn/dismissed", json=body)["dismissed"] == 1
    assert noise not in listed()

    # Asked again after it was dismissed: still out of the list.
    db = Database(api.settings.db.url)
    try:
        chat(db, [(noise + " ", none)])
    finally:
        db.dispose()
    assert noise not in listed()

    rows = api.ok("editor", "GET", "/api/kb/learn/dismissed", params={"kind": "unmatched"})
    row = next(r for r in rows if r["text"] == noise)
    assert row["dismissed_by"] == "editor"
    audit = api.ok("reviewer", "GET", "/api/kb/audit", params={"action": "learn.dismiss"})
    assert any(e["detail"].get("label") == noise for e in audit["items"])

    assert api.ok("reviewer", "DELETE", f"/api/kb/learn/dismissed/{row['id']}")["restored"] == 1
    assert noise in listed()
    assert api.call("editor", "DELETE", "/api/kb/learn/dismissed/99999999").status_code == 404


def test_dismissing_checks_what_it_is_given(api: Api) -> None:
    bad = [
        {"kind": "elsewhere", "label": "x", "texts": ["x"]},
        {"kind": "unmatched", "label": "x", "texts": []},
        {"kind": "doubtful", "label": "", "texts": ["x"]},
        {"kind": "unmatched", "label": "x", "texts": ["  "]},
    ]
    for body in bad:
        resp = api.call("editor", "POST", "/api/kb/learn/dismissed", json=body)
        assert resp.status_code == 422, body
