"""Diagnosis trees through the real running bot: every root-to-leaf path of every shipped tree,
by buttons and by typed synonyms, plus entering from the customer's own words, leaving and
resuming, asking for a human, and the stored path and counters."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, select

from bot.diagnosis.engine import HUMAN_PAYLOAD, choice_payload, start_payload
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.schema import DiagnosisBook, Tree
from bot.diagnosis.stats import all_paths
from bot.knowledge.loader import load_knowledge
from bot.storage.models import Conversation, DiagnosisNodeStat, DiagnosisSession
from tests.conftest import ROOT, LiveStack, run_async
from tests.e2e.helpers import say, texts, titles

pytestmark = pytest.mark.e2e

KB = load_knowledge(ROOT / "knowledge")
BOOK: DiagnosisBook = load_diagnosis(ROOT / "knowledge", KB.product_ids)
assert BOOK.controls is not None
CONTROLS = BOOK.controls
Path = list[tuple[str, int | str | None]]


@dataclass
class Walk:
    tree: Tree
    path: Path
    typed: bool
    sender: str = ""
    end: str = ""  # solved | escalated


def every_walk(typed: bool) -> list[Walk]:
    return [Walk(t, p, typed) for t in BOOK.trees.values() for p in all_paths(t)]


async def post(client: httpx.AsyncClient, sender: str, message: str) -> list[dict[str, Any]]:
    resp = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": message})
    assert resp.status_code == 200, resp.text
    return resp.json()


def asked(node_text: str, replies: list[dict[str, Any]]) -> bool:
    return any(node_text.strip()[:30] in (r.get("text") or "") for r in replies)


def typed_words(phrases: list[str], salt: int) -> str:
    """One of the ways to say an answer, varied across walks."""
    return phrases[salt % len(phrases)]


async def run_walk(client: httpx.AsyncClient, walk: Walk, salt: int) -> None:
    walk.sender = f"walk-{uuid.uuid4().hex[:10]}"
    replies = await post(client, walk.sender, start_payload(walk.tree.id))
    for depth, (node_id, choice) in enumerate(walk.path):
        node = walk.tree.node(node_id)
        where = f"{walk.tree.id}/{node_id} via {walk.path}"
        if node.kind == "escalation":
            assert node.escalate is not None
            text = " ".join(r.get("text") or "" for r in replies)
            assert "工程师" in text or (node.escalate.message or "") in text, where
            walk.end = "escalated"
            return
        if node.kind == "question":
            assert asked(str(node.ask), replies), where
            assert isinstance(choice, int)
            option = node.options[choice]
            label, phrases = option.label, option.phrases
        else:
            assert asked(str(node.solution), replies), where
            control = getattr(CONTROLS, str(choice))
            label, phrases = control.label, control.phrases
        buttons = {b["title"]: b["payload"] for r in replies for b in r.get("buttons") or []}
        assert label in buttons, f"{where}: no button {label!r} in {list(buttons)}"
        if walk.typed:
            message = typed_words(phrases, salt + depth)
        else:
            assert buttons[label] == choice_payload(label)
            message = buttons[label]
        replies = await post(client, walk.sender, message)
        if choice == "solved":
            assert replies[-1]["text"] == CONTROLS.text("solved"), where
            walk.end = "solved"
            return
    raise AssertionError(f"path did not end: {walk.path}")


async def run_walks(url: str, walks: list[Walk]) -> None:
    limit = asyncio.Semaphore(4)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def one(i: int, walk: Walk) -> None:
            async with limit:
                await run_walk(client, walk, i)

        await asyncio.gather(*(one(i, w) for i, w in enumerate(walks)))


def stored_sessions(db_url: str, senders: list[str]) -> dict[str, list[DiagnosisSession]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    Conversation.sender,
                    DiagnosisSession.status,
                    DiagnosisSession.path,
                    DiagnosisSession.handoff,
                    DiagnosisSession.tree_id,
                )
                .join(Conversation, Conversation.id == DiagnosisSession.conversation_id)
                .where(Conversation.sender.in_(senders))
            )
            out: dict[str, list[Any]] = {}
            for row in rows:
                out.setdefault(row.sender, []).append(row)
            return out
    finally:
        engine.dispose()


def check_stored(stack: LiveStack, walks: list[Walk]) -> None:
    stored = stored_sessions(stack.db_url, [w.sender for w in walks])
    for walk in walks:
        (session,) = stored[walk.sender]
        assert session.tree_id == walk.tree.id
        assert session.status == walk.end, walk.path
        answers = [r["node"] for r in session.path if r["kind"] == "answer"]
        expected = [n for n, c in walk.path if isinstance(c, int)]
        assert answers == expected
        tried = [r["node"] for r in session.path if r["kind"] in ("solved", "unsolved")]
        assert tried == [n for n, c in walk.path if c in ("solved", "unsolved")]
        if walk.end == "escalated":
            assert session.handoff["summary"] and session.handoff["skills"]


class TestEveryPath:
    def test_every_path_of_every_tree_by_buttons(self, live_stack: LiveStack) -> None:
        walks = every_walk(typed=False)
        assert len(BOOK.trees) >= 10 and len(walks) > 100
        run_async(run_walks(live_stack.url, walks))
        check_stored(live_stack, walks)

    def test_every_path_of_every_tree_by_typed_synonyms(self, live_stack: LiveStack) -> None:
        walks = every_walk(typed=True)
        run_async(run_walks(live_stack.url, walks))
        check_stored(live_stack, walks)


def staff_get(stack: LiveStack, path: str, user: str = "super") -> dict[str, Any]:
    token = httpx.post(
        f"{stack.url}/api/auth/token", data={"username": user, "password": user}
    ).json()["access_token"]
    resp = httpx.get(f"{stack.url}{path}", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text
    return resp.json()


class TestDialogue:
    def test_own_words_start_deep_and_say_what_was_understood(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        tree = BOOK.trees["no_power"]
        replies = say(live_stack, sender, "笔记本按电源键灯亮但是屏幕黑的 开不了机")
        assert "了解到" in texts(replies)
        root = tree.node(tree.start)
        assert not asked(str(root.ask), replies)  # the first question was not asked again
        conv = staff_get(live_stack, f"/api/conversations/{sender}")
        (session,) = conv["diagnosis"]
        via = [r for r in session["path"] if r["kind"] == "answer"]
        assert len(via) >= 2 and all(r["via"] == "description" for r in via)

    def test_menu_then_leave_with_a_question_and_resume(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        replies = say(live_stack, sender, "我想自助排查一下故障")
        assert set(titles(replies)) >= {t.title for t in BOOK.trees.values()}
        tree = BOOK.trees["wifi"]
        replies = say(live_stack, sender, start_payload("wifi"))
        first = tree.node(tree.start)
        assert asked(str(first.ask), replies)
        replies = say(live_stack, sender, "对了 增值税专用发票怎么申请")
        assert CONTROLS.resume.label in titles(replies)
        assert "发票" in texts(replies)  # the other question was answered
        replies = say(live_stack, sender, choice_payload(CONTROLS.resume.label))
        assert asked(str(first.ask), replies)
        replies = say(live_stack, sender, choice_payload(first.options[0].label))
        assert not asked(str(first.ask), replies)

    def test_two_misses_offer_a_human_who_gets_the_path(
        self, live_stack: LiveStack, sender: str
    ) -> None:
        tree = BOOK.trees["no_sound"]
        say(live_stack, sender, start_payload(tree.id))
        first = tree.node(tree.start)
        say(live_stack, sender, choice_payload(first.options[0].label))
        replies = say(live_stack, sender, "嗯……这个我也说不好")
        assert CONTROLS.text("reask") in texts(replies)
        replies = say(live_stack, sender, "我不太清楚")
        assert CONTROLS.text("reask_offer_human") in texts(replies)
        assert CONTROLS.human.label in titles(replies)
        replies = say(live_stack, sender, HUMAN_PAYLOAD)
        assert "转接" in texts(replies)
        conv = staff_get(live_stack, f"/api/conversations/{sender}", user="agent1")
        assert conv["route"] != "bot" and conv["tier"] >= 3
        assert tree.title in conv["reason"]
        (session,) = conv["diagnosis"]
        assert session["status"] == "escalated"
        assert [r["kind"] for r in session["path"]].count("missed") == 2
        assert session["path"][1]["answer"] == first.options[0].label

    def test_back_and_restart_by_buttons(self, live_stack: LiveStack, sender: str) -> None:
        tree = BOOK.trees["bsod"]
        first = tree.node(tree.start)
        say(live_stack, sender, start_payload(tree.id))
        replies = say(live_stack, sender, choice_payload(first.options[0].label))
        assert {CONTROLS.back.label, CONTROLS.restart.label} <= set(titles(replies))
        replies = say(live_stack, sender, choice_payload(CONTROLS.back.label))
        assert asked(str(first.ask), replies)
        say(live_stack, sender, choice_payload(first.options[-1].label))
        replies = say(live_stack, sender, "重新开始")
        assert asked(str(first.ask), replies)

    def test_node_counters_are_stored_and_served(self, live_stack: LiveStack) -> None:
        tree = BOOK.trees["bluetooth"]
        path = all_paths(tree)[0]
        walk = Walk(tree, path, typed=False)
        run_async(run_walks(live_stack.url, [walk]))
        stats = staff_get(live_stack, f"/api/diagnosis/stats?tree={tree.id}")["nodes"]
        by_node = {s["node"]: s for s in stats}
        for node_id, choice in path:
            assert by_node[node_id]["entered"] >= 1
            if isinstance(choice, int):
                assert by_node[node_id]["answered"] >= 1
        assert by_node[path[-1][0]]["solved"] >= 1
        engine = create_engine(live_stack.db_url)
        with engine.connect() as conn:
            rows = conn.execute(
                select(DiagnosisNodeStat.node_id).where(DiagnosisNodeStat.tree_id == tree.id)
            ).all()
        engine.dispose()
        assert {r.node_id for r in rows} >= {n for n, _ in path}
