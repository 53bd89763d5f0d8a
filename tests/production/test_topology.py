"""The production topology's guarantees, one at a time: a customer's order across replicas,
a customer mid-tree when their Rasa replica dies, websockets through the balancer, periodic
jobs on one replica."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import create_engine, text
from websockets.sync.client import connect

from bench.load import MESSAGES, stored_messages, tracker_message_ids
from bot.diagnosis.engine import choice_payload, start_payload
from bot.diagnosis.loader import load_diagnosis
from bot.diagnosis.stats import all_paths
from bot.knowledge.loader import load_knowledge
from bot.runtime.production import ProductionStack
from tests.chat_client import chat_socket
from tests.conftest import ROOT, run_async
from tests.production.conftest import STAFF, SUPERVISOR, Servers

pytestmark = [pytest.mark.production, pytest.mark.timeout(1200)]  # replicas restart here


def post(url: str, sender: str, message: str, key: str | None = None) -> list[dict[str, Any]]:
    headers = {"Idempotency-Key": key} if key else {}
    resp = httpx.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        headers=headers,
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    return list(resp.json())


def test_one_customer_writing_to_both_app_replicas_at_once_is_answered_turn_by_turn(
    production: ProductionStack, servers: Servers
) -> None:
    """Twelve messages of one customer sent at once, alternately straight to each app
    replica: the gateways take turns through the customer's Redis lock, so each message is
    stored, sent to Rasa and answered before the next, and Rasa's tracker has them in the
    same order (Rasa never sees two of them at once: no room for its lock store's race
    between two servers, rasa#9213)."""
    sender = f"order-{uuid.uuid4().hex[:8]}"
    replicas = [a.url for a in production.apps]

    async def burst() -> None:
        async with httpx.AsyncClient(timeout=120) as client:

            async def one(i: int) -> None:
                resp = await client.post(
                    f"{replicas[i % 2]}/webhooks/rest/webhook",
                    json={"sender": sender, "message": MESSAGES[i % len(MESSAGES)]},
                    headers={"Idempotency-Key": f"{sender}-{i}"},
                )
                assert resp.status_code == 200, resp.text

            await asyncio.gather(*(one(i) for i in range(12)))

    run_async(burst())
    rows = stored_messages(servers.app_db, [sender])[sender]
    inbound = [r["id"] for r in rows if r["direction"] == "in"]
    assert len(inbound) == 12
    # turn by turn: every reply comes before the next stored message
    current = None
    for r in rows:
        if r["direction"] == "in":
            current = r["id"]
        else:
            assert r["reply_to"] == current, rows
    assert tracker_message_ids(servers.tracker_db, [sender])[sender] == inbound


def _rasa_of(stack: ProductionStack, sender: str) -> int:
    """Which Rasa replica the balancer sent `sender` to last (from HAProxy's log)."""
    log = stack.balancer.log_file.read_text(errors="replace")
    found = re.findall(r"kefu_rasa/rasa(\d+) .*\{" + re.escape(sender) + r"\}", log)
    assert found, f"no request of {sender} in the balancer's log"
    return int(found[-1]) - 1


def test_a_customer_mid_tree_continues_at_the_same_node_after_their_rasa_replica_dies(
    production: ProductionStack,
) -> None:
    kb = load_knowledge(ROOT / "knowledge")
    book = load_diagnosis(ROOT / "knowledge", kb.product_ids)
    tree, path = next(
        (t, p)
        for t in book.trees.values()
        for p in all_paths(t)
        if len(p) >= 3
        and all(isinstance(c, int) for _, c in p[:2])
        and t.node(p[2][0]).kind in ("question", "solution")
    )
    sender = f"tree-{uuid.uuid4().hex[:8]}"
    url = production.url

    def says(node_id: str, replies: list[dict[str, Any]]) -> bool:
        node = tree.node(node_id)
        words = str(node.ask if node.kind == "question" else node.solution).strip()[:30]
        return any(words in (r.get("text") or "") for r in replies)

    (first, c1), (second, c2), (after, _) = path[0], path[1], path[2]
    assert isinstance(c1, int) and isinstance(c2, int)
    assert says(first, post(url, sender, start_payload(tree.id)))
    assert says(second, post(url, sender, choice_payload(tree.node(first).options[c1].label)))

    holder = _rasa_of(production, sender)
    production.kill_rasa(holder)
    try:
        replies = post(url, sender, choice_payload(tree.node(second).options[c2].label))
        assert says(after, replies), replies  # the tree's next node, not its start
        assert _rasa_of(production, sender) != holder
    finally:
        production.restart_rasa(holder)


def _login(url: str, who: tuple[str, str] = STAFF) -> str:
    resp = httpx.post(
        f"{url}/api/auth/token", data={"username": who[0], "password": who[1]}, timeout=30
    )
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


def _frames_until(ws: Any, wanted: str, timeout_s: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
        if frame.get("type") == wanted:
            return dict(frame)


def test_chat_page_and_console_websockets_work_through_the_balancer(
    production: ProductionStack,
) -> None:
    """The customer's and the engineer's live connections go through HAProxy (to whichever
    replica); the handoff reaches the console and the engineer's words reach the customer
    across replicas through Redis."""
    ws_base = production.url.replace("http://", "ws://")
    token = _login(production.url)
    # a supervisor gives the engineer every skill, so the conversation is offered to them
    skills = list(yaml.safe_load((ROOT / "knowledge" / "skills.yml").read_text())["skills"])
    products = list(load_knowledge(ROOT / "knowledge").product_ids)
    profile = httpx.put(
        f"{production.url}/api/agent/profiles/{STAFF[0]}",
        json={"skills": skills + products, "capacity": 10},
        headers={"Authorization": f"Bearer {_login(production.url, SUPERVISOR)}"},
        timeout=30,
    )
    assert profile.status_code == 200, profile.text
    with (
        connect(f"{ws_base}/ws/agent?token={token}") as console,
        chat_socket(production.url) as (chat, visitor),
    ):
        sender = visitor.sender
        assert _frames_until(console, "snapshot")
        assert json.loads(chat.recv(timeout=30))["type"] == "history"
        chat.send(json.dumps({"type": "message", "id": "m1", "text": "你好"}))
        assert _frames_until(chat, "bot")["reply_to"] == "m1"
        chat.send(json.dumps({"type": "message", "id": "m2", "text": "转人工"}))
        handoff = None
        while handoff is None:
            frame = _frames_until(console, "handoff")
            if frame["handoff"].get("sender") == sender:
                handoff = frame["handoff"]
        headers = {"Authorization": f"Bearer {token}"}
        api = f"{production.url}/api/handoffs/{handoff['id']}"
        assert httpx.post(f"{api}/accept", headers=headers, timeout=30).status_code == 200
        sent = httpx.post(
            f"{api}/messages", headers=headers, json={"text": "您好，我是工程师"}, timeout=30
        )
        assert sent.status_code == 200, sent.text
        assert "工程师" in (_frames_until(chat, "agent").get("text") or "")


def test_periodic_jobs_run_on_one_replica_and_move_when_it_dies(
    production: ProductionStack, servers: Servers
) -> None:
    """Handoff dispatch and the WeChat sweep run on the replica holding their lease (in the
    app database); when it dies, the other takes over within the lease's time."""
    engine = create_engine(servers.app_db)

    def holder(name: str) -> int | None:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT holder, until FROM job_leases WHERE name = :n"), {"n": name}
            ).first()
        if row is None or row.until < time.time():
            return None
        pids = {a.proc.pid: i for i, a in enumerate(production.apps) if a.proc and a.alive}
        return pids.get(int(row.holder.split(":")[1]))

    try:
        leader = holder("handoff:dispatch")
        assert leader is not None
        production.kill_app(leader)
        deadline = time.monotonic() + 90
        while holder("handoff:dispatch") in (None, leader) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert holder("handoff:dispatch") == 1 - leader
        production.restart_app(leader)
        time.sleep(8)  # several ticks: the restarted replica does not take it back
        assert holder("handoff:dispatch") == 1 - leader
    finally:
        engine.dispose()
