"""Playing the journeys of `eval/journeys.yml` on a running Kefu app and checking their end state.

Shared by the journey test (`tests/e2e/test_journeys.py`) and `python -m bench.journeys`. A
journey is a scripted conversation on the REST channel; an engineer (the demo account `agent2`)
acts where the script says so. Its ONE expected end state is read back through the staff API:
`GET /api/conversations/{sender}` (the bot replies' `kefu` diagnostics, tier decisions,
diagnosis sessions, handoff) and `GET /api/handoffs/{id}`.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml
from websockets.sync.client import connect

from bench.chat import BotTurn, Customer, Staff, last_turn
from bench.journey_wechat import WechatCustomer
from bot.config import ROOT

JOURNEYS = ROOT / "eval" / "journeys.yml"
CHANNELS = {"rest", "wechat"}
EXPECTATIONS = {"answer", "clarify", "tree", "tier", "handoff", "silent", "says", "asks", "history"}
ENGINEER_ACTS = {"accept", "return", "close", "busy"}
ENGINEER = ("agent2", "agent2")  # the demo engineer who takes the journeys' conversations


@dataclass(frozen=True)
class Journey:
    """One scripted conversation and the end state it must reach."""

    id: str
    kind: str
    turns: list[
        Any
    ]  # a message (str), {click: title}, or {engineer: accept|return|close|busy|say …}
    expect: dict[str, Any]  # exactly one key of EXPECTATIONS
    channel: str = "rest"
    customer: str | None = None  # a sample customer's member id (signed customer token)
    pending: str | None = None  # why it cannot pass yet (a feature being built)
    on_duty: bool = False  # an engineer on duty while it plays (implied by engineer steps)

    @property
    def engineer(self) -> bool:
        """Whether an engineer must be on duty while it plays."""
        return self.on_duty or any(isinstance(t, dict) and "engineer" in t for t in self.turns)

    @property
    def busy(self) -> bool:
        """Whether the engineer turns busy while it plays (such journeys play one at a time,
        after the others: the engineer's status is the whole desk's)."""
        return any(isinstance(t, dict) and t.get("engineer") == "busy" for t in self.turns)

    @property
    def messages(self) -> list[str]:
        """The customer's typed messages."""
        return [t for t in self.turns if isinstance(t, str)]


def load_journeys(path: Path = JOURNEYS) -> list[Journey]:
    """The journeys of a file, checked for shape (ValueError names the bad one)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    journeys = [
        Journey(**{**j, "turns": [t if isinstance(t, dict) else str(t) for t in j["turns"]]})
        for j in data.get("journeys") or []
    ]
    seen: set[str] = set()
    for j in journeys:
        problems = []
        if j.id in seen:
            problems.append("duplicate id")
        seen.add(j.id)
        if len(j.expect) != 1 or not set(j.expect) <= EXPECTATIONS:
            problems.append(f"expect needs one of {sorted(EXPECTATIONS)}, got {sorted(j.expect)}")
        if j.channel not in CHANNELS:
            problems.append(f"channel {j.channel!r} is not one of {sorted(CHANNELS)}")
        if j.channel == "wechat" and j.customer:
            problems.append("a WeChat user has no customer token")
        for t in j.turns:
            if isinstance(t, dict) and not (
                set(t) == {"click"}
                or set(t) == {"engineer"}
                and (t["engineer"] in ENGINEER_ACTS or str(t["engineer"]).startswith("say "))
            ):
                problems.append(f"unknown step {t!r}")
        if not j.messages:
            problems.append("no customer message")
        if problems:
            raise ValueError(f"journey {j.id}: {'; '.join(problems)}")
    return journeys


@dataclass
class Outcome:
    """How a journey ended: passed, or what was expected and what happened."""

    journey: Journey
    passed: bool
    expected: str
    got: str
    transcript: list[str] = field(default_factory=list)

    def report(self) -> str:
        """Several lines for a failure list."""
        lines = [
            f"{self.journey.id} ({self.journey.kind}): expected {self.expected}; got {self.got}"
        ]
        return "\n".join([*lines, *(f"    {t}" for t in self.transcript[-8:])])


@contextmanager
def on_duty(staff: Staff) -> Iterator[None]:
    """An engineer's console connected (on duty) for the block, status online."""
    token = staff.headers()["Authorization"].split(" ", 1)[1]
    ws_url = staff.url.replace("http://", "ws://") + f"/ws/agent?token={token}"
    with connect(ws_url) as ws:
        ws.recv(timeout=30)  # the snapshot
        set_status(staff, "online")
        yield


def set_status(staff: Staff, status: str) -> None:
    """An engineer's status: online | busy | away."""
    resp = httpx.put(
        f"{staff.url}/api/agent/status", json={"status": status}, headers=staff.headers()
    )
    resp.raise_for_status()


class Player:
    """Plays journeys against one app: a supervisor reads, an engineer acts."""

    def __init__(self, url: str, customer_secret: str | None = None) -> None:
        self.url = url.rstrip("/")
        self.customer_secret = customer_secret  # the app's key of signed customer tokens
        self.reader = Staff(self.url)
        self.engineer = Staff(self.url, *ENGINEER)

    def play(self, journey: Journey) -> Outcome:
        """Play one journey as a fresh customer and check its end state."""
        expected = describe(journey.expect)
        customer: Customer | WechatCustomer
        if journey.channel == "wechat":
            customer = WechatCustomer(self.url, self.reader)
        else:
            sender = f"jn-{uuid.uuid4().hex[:12]}"
            customer = Customer(self.url, sender, journey.customer, self.customer_secret)
        try:
            accepted_at = self._turns(customer, journey)
            conv = self.reader.conversation(customer.sender)
            ok, got = self._check(journey.expect, conv, accepted_at)
        except (httpx.HTTPError, LookupError, AssertionError) as exc:
            return Outcome(journey, False, expected, f"error: {exc!r}")
        finally:
            customer.close()
        return Outcome(journey, ok, expected, got, transcript(conv))

    def _turns(self, customer: Customer | WechatCustomer, journey: Journey) -> int | None:
        """Send the script; the stored-message count when the engineer accepted, if they did."""
        replies: list[dict[str, Any]] = []
        accepted_at = None
        for step in journey.turns:
            if isinstance(step, str):
                replies = customer.say(step)
            elif "click" in step and isinstance(customer, WechatCustomer):
                replies = customer.say(customer.choice(replies, str(step["click"])))
            elif "click" in step:
                replies = customer.say(button(replies, str(step["click"])))
            elif step["engineer"] == "busy":  # on duty, taking no new conversation
                set_status(self.engineer, "busy")
            else:
                act = str(step["engineer"])
                handoff = self._handoff(customer.sender)
                if act == "accept":
                    accepted_at = len(self.reader.conversation(customer.sender)["messages"])
                    self.engineer.post(f"/api/handoffs/{handoff}/accept")
                elif act.startswith("say "):
                    body = {"text": act[4:]}
                    self.engineer.post(f"/api/handoffs/{handoff}/messages", body)
                else:
                    self.engineer.post(f"/api/handoffs/{handoff}/{act}")
        return accepted_at

    def _handoff(self, sender: str) -> int:
        deadline = time.monotonic() + 30  # a bound for a stuck handoff, not a speed
        while time.monotonic() < deadline:
            found = (self.reader.conversation(sender).get("handoff") or {}).get("id")
            if found is not None:
                return int(found)
            time.sleep(0.1)
        raise LookupError("no handoff to act on")

    def _check(
        self, expect: dict[str, Any], conv: dict[str, Any], accepted_at: int | None
    ) -> tuple[bool, str]:
        ((key, want),) = expect.items()
        turn = last_turn(conv)
        if key == "answer":
            got = turn.answered()
            return got == want, f"answer {got}" + ("" if got else f" ({said(turn)})")
        if key == "clarify":
            offered = turn.clarified()
            return want in offered, f"clarify {offered}" if offered else said(turn)
        if key == "says":
            text = " ".join(turn.texts)
            return all(w in text for w in as_list(want)), said(turn)
        if key == "history":
            earlier = [m for c in conv.get("history") or [] for m in c.get("messages") or []]
            shown = [str(m["text"] or "") for m in [*earlier, *conv["messages"]]]
            missing = [w for w in as_list(want) if not any(w in t for t in shown)]
            return not missing, f"{len(shown)} messages, without {missing}" if missing else "all"
        if key == "asks":
            titles = [str(b.get("title")) for r in turn.replies for b in r.get("buttons") or []]
            ok = turn.answered() is None and all(any(w in t for t in titles) for w in want)
            return ok, f"buttons {titles}, answer {turn.answered()}"
        if key == "tree":
            return check_tree(want, conv.get("diagnosis") or [])
        if key == "tier":
            return check_tier(want, conv.get("tier_history") or [])
        if key == "handoff":
            return self._check_handoff(want, conv.get("handoff"))
        return check_silent(conv["messages"], accepted_at)

    def _check_handoff(
        self, want: dict[str, Any], short: dict[str, Any] | None
    ) -> tuple[bool, str]:
        if short is None:
            return False, "no handoff"
        full = self.reader.get(f"/api/handoffs/{short['id']}")
        got = {
            "status": short["status"],
            "queue": short["queue"],
            "skills": full.get("skills") or [],
            "tier": full.get("tier"),
        }
        ok = (
            ("status" not in want or got["status"] in as_list(want["status"]))
            and ("queue" not in want or got["queue"] == want["queue"])
            and set(want.get("skills") or []) <= set(got["skills"])
            and ("tier" not in want or got["tier"] in as_list(want["tier"]))
        )
        return ok, f"handoff {got}"


def check_tree(want: dict[str, Any], sessions: list[dict[str, Any]]) -> tuple[bool, str]:
    """The last diagnosis session has the tree and status wanted."""
    if not sessions:
        return False, "no diagnosis session"
    last = sessions[-1]
    ok = last["tree"] == want["id"] and last["status"] in as_list(
        want.get("status", last["status"])
    )
    return ok, f"tree {last['tree']} {last['status']} at {last['node']}"


def check_tier(want: dict[str, Any], history: list[dict[str, Any]]) -> tuple[bool, str]:
    """The conversation's last tier decision has the tier, route and rule wanted."""
    if not history:
        return False, "no tier decision"
    last = history[-1]
    route = str(last["route"]).split(":", 1)[0]
    ok = (
        last["tier"] in as_list(want.get("tier", last["tier"]))
        and route in as_list(want.get("route", route))
        and last["rule"] in as_list(want.get("rule", last["rule"]))
    )
    return ok, f"tier {last['tier']} route {last['route']} rule {last['rule']}"


def check_silent(messages: list[dict[str, Any]], accepted_at: int | None) -> tuple[bool, str]:
    """After the engineer accepted, the customer's messages went to them; the bot was silent."""
    if accepted_at is None:
        return False, "no engineer accepted"
    after = messages[accepted_at:]
    inbound = [m["status"] for m in after if m["direction"] == "in"]
    bot = [m["text"] for m in after if m["direction"] == "out" and m["role"] == "bot"]
    ok = bool(inbound) and set(inbound) == {"forwarded"} and not bot
    return ok, f"customer messages {inbound}, bot said {bot}"


def button(replies: list[dict[str, Any]], title: str) -> str:
    """The payload of the last replies' button whose title contains `title`."""
    for r in replies:
        for b in r.get("buttons") or []:
            if title in str(b.get("title")):
                return str(b["payload"])
    offered = [b.get("title") for r in replies for b in r.get("buttons") or []]
    raise LookupError(f"no button {title!r} among {offered}")


def describe(expect: dict[str, Any]) -> str:
    """The expectation in words."""
    ((key, want),) = expect.items()
    return f"{key} {want}"


def said(turn: BotTurn) -> str:
    """What the bot said in a turn, shortened."""
    return "said " + " / ".join(t[:40] for t in turn.texts) if turn.texts else "said nothing"


def transcript(conv: dict[str, Any]) -> list[str]:
    """One line per stored message, with the bot's decision."""
    lines = []
    for m in conv.get("messages") or []:
        k = m.get("match") or {}
        note = f" [{k.get('decision')} {k.get('question_id')}]" if k.get("decision") else ""
        lines.append(f"{m['role']}: {str(m['text'] or '')[:50]}{note}")
    return lines


def as_list(value: Any) -> list[Any]:
    """A scalar or a list, as a list."""
    return list(value) if isinstance(value, list | tuple) else [value]
