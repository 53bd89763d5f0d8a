"""Every button the bot shows and every WeChat menu topic leads to an answer, not to another
question back: greetings (domain responses), the chat page's shortcut chips, the WeChat menu,
and the per-customer greeting topics."""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from bot.knowledge.schema import KnowledgeBase
from bot.matching.pipeline import Matcher
from tests.matching.conftest import ROOT

# Buttons that are not questions: they ask for people or start the guided troubleshooting.
NOT_QUESTIONS = {"转人工", "我想自助排查一下故障"}


def buttons() -> Iterator[tuple[str, str]]:
    """(where, the text a click sends) for every button and menu topic."""
    for f in sorted((ROOT / "domain").glob("*.yml")):
        for name, variants in (yaml.safe_load(f.read_text("utf-8")).get("responses") or {}).items():
            for v in variants:
                for b in v.get("buttons") or []:
                    yield f"{f.name} {name} 「{b['title']}」", str(b.get("payload") or b["title"])

    def menu(items: list[dict[str, object]]) -> Iterator[tuple[str, str]]:
        for item in items:
            if item.get("topic"):
                yield f"wechat_menu.yml 「{item['name']}」", str(item["topic"])
            yield from menu(item.get("sub_button") or [])  # type: ignore[arg-type]

    wechat = yaml.safe_load((ROOT / "knowledge" / "wechat_menu.yml").read_text("utf-8"))
    yield from menu(wechat.get("button") or [])
    page = (ROOT / "bot" / "web" / "static" / "chat.html").read_text("utf-8")
    for text in re.findall(r'class="chip" data-text="([^"]+)"', page):
        yield f"chat.html chip 「{text}」", text


def test_every_button_and_menu_topic_is_answered_directly(matcher: Matcher) -> None:
    seen = list(buttons())
    assert len(seen) > 15
    asked_back = []
    for where, text in seen:
        if text in NOT_QUESTIONS:
            continue
        result = matcher.match(text)
        if result.decision != "answer":
            asked_back.append(f"{where} -> {text!r}: {result.decision}")
    assert asked_back == []


def test_every_greeting_topic_is_a_standard_question(shipped_kb: KnowledgeBase) -> None:
    greetings = yaml.safe_load((ROOT / "knowledge" / "greetings.yml").read_text("utf-8"))
    topics = list(greetings["default"]["topics"])
    for segment in greetings.get("segments") or []:
        topics += segment.get("topics") or []
    assert topics
    assert [t for t in topics if t not in shipped_kb.questions] == []
