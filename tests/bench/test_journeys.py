"""The journey suite's file (`eval/journeys.yml`): its shape, its size, and fresh wording."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench.journey_play import Journey, load_journeys
from bot.matching.normalize import base_normalize
from tests.conftest import ROOT

JOURNEYS = load_journeys()
# What customers type to steer the dialogue (the bot's own button words and acknowledgements):
# not wording taken from the knowledge base even where a phrasing happens to be the same.
DIALOGUE_WORDS = {"转人工", "好的", "好的谢谢", "嗯", "嗯嗯", "ok"}


def norm(text: str) -> str:
    return base_normalize(text).replace(" ", "")


def known_wordings() -> set[str]:
    """Titles and phrasings of knowledge/, and every query or turn of the other eval sets."""
    known: set[str] = set()
    for path in (ROOT / "knowledge" / "faq").glob("*.yml"):
        for q in yaml.safe_load(path.read_text("utf-8"))["questions"]:
            known.update(norm(t) for t in [q["title"], *(q.get("similar") or [])])
    for path in (ROOT / "eval").glob("*.jsonl"):
        lines = path.read_text("utf-8").splitlines()
        known.update(norm(json.loads(line)["query"]) for line in lines if line.strip())
    cases = yaml.safe_load((ROOT / "eval" / "followups.yml").read_text("utf-8"))["cases"]
    known.update(norm(t) for c in cases for t in c["turns"])
    return known


def test_the_suite_is_large_and_covers_every_kind() -> None:
    kinds = Counter(j.kind for j in JOURNEYS)
    assert len(JOURNEYS) >= 120
    wanted = {"answer", "followup", "clarify", "tree", "tier", "handoff", "agent_silence"}
    wanted |= {"long", "emotion", "after_handoff", "value"}
    assert wanted <= set(kinds), kinds


def test_long_conversations_have_thirty_turns_or_more() -> None:
    assert [j.id for j in JOURNEYS if j.kind == "long" and len(j.turns) >= 30]


def test_pending_journeys_are_a_minority_with_a_reason() -> None:
    pending = [j for j in JOURNEYS if j.pending is not None]
    assert len(pending) < len(JOURNEYS) // 5
    assert all(str(j.pending).strip() for j in pending)


def test_no_turn_copies_a_phrasing_title_or_eval_query() -> None:
    known = known_wordings()
    copies = [
        (j.id, t)
        for j in JOURNEYS
        for t in j.messages
        if norm(t) and norm(t) not in DIALOGUE_WORDS and norm(t) in known
    ]
    assert copies == []


def test_every_expected_question_exists() -> None:
    ids = {
        q["id"]
        for path in (ROOT / "knowledge" / "faq").glob("*.yml")
        for q in yaml.safe_load(path.read_text("utf-8"))["questions"]
    }
    wanted = [j.expect.get("answer") or j.expect.get("clarify") for j in JOURNEYS]
    assert [q for q in wanted if q and q not in ids] == []


def test_a_malformed_journey_is_refused_by_name(tmp_path: Path) -> None:
    bad = {"journeys": [{"id": "x", "kind": "answer", "turns": ["你好"], "expect": {"answr": "a"}}]}
    path = tmp_path / "j.yml"
    path.write_text(yaml.safe_dump(bad, allow_unicode=True), "utf-8")
    with pytest.raises(ValueError, match="journey x"):
        load_journeys(path)


def test_engineer_steps_put_a_journey_on_the_desk() -> None:
    plain = Journey("a", "answer", ["你好"], {"answer": "q"})
    desk = Journey("b", "agent_silence", ["转人工", {"engineer": "accept"}], {"silent": True})
    assert not plain.engineer and desk.engineer


def test_a_busy_engineer_step_plays_alone_on_the_desk() -> None:
    busy = Journey(
        "c", "after_handoff", [{"engineer": "busy"}, "转人工", "还在吗"], {"says": ["排在"]}
    )
    assert busy.engineer and busy.busy
    assert not Journey("d", "handoff", ["转人工", {"engineer": "accept"}], {"silent": True}).busy
