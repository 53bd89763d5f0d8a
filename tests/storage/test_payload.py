"""The typed protocol between the actions and the readers of stored replies."""

from __future__ import annotations

from bot.gateway.types import Outbound
from bot.handoff.opening import request_from_reply
from bot.storage.models import Message
from bot.storage.payload import BotReport, Payload, Route


def stored(payload: object, text: str = "好的") -> Message:
    return Message(id=7, direction="out", role="bot", text=text, payload=payload)


def test_a_report_keeps_exactly_the_fields_its_writer_set() -> None:
    report = BotReport(decision="answer", question_id=None, intent="ask_question")
    assert report.custom(links=[]) == {
        "kefu": {"decision": "answer", "question_id": None, "intent": "ask_question"},
        "links": [],
    }
    assert BotReport.of(report.custom()) == report


def test_a_value_of_the_wrong_type_reads_as_absent_and_the_rest_is_kept() -> None:
    custom = {
        "kefu": {
            "decision": "answer",
            "question_id": "q1",
            "route": {"route": "queue", "tier": "urgent", "skills": ["order"], "reason": None},
            "candidates": "not a list",
            "added_later": {"by": "a newer writer"},
        }
    }
    report = BotReport.of(custom)
    assert report.decision == "answer" and report.question_id == "q1"
    assert report.candidates == []
    assert report.route == Route(route="queue", skills=["order"])
    assert report.dump()["added_later"] == {"by": "a newer writer"}


def test_no_report_reads_as_an_empty_one() -> None:
    for custom in (None, {}, {"kefu": "x"}, {"kefu": None}, "junk"):
        assert BotReport.of(custom).dump() == {}


def test_the_handoff_a_reply_asks_for_comes_from_its_route() -> None:
    tree = BotReport(
        route=Route(route="queue", tier=3, skills=["repair", ""], summary="蓝屏", tree="bsod")
    )
    request = request_from_reply(tree.custom(), 1, 2)
    assert request is not None
    assert (request.source, request.skills, request.tier, request.tree) == (
        "tree",
        ("repair",),
        3,
        "bsod",
    )
    asked = request_from_reply(BotReport(request_human=True).custom(), 1, 2)
    assert asked is not None and asked.source == "request_human"
    informative = BotReport(route=Route(route="answer_first")).custom()
    assert request_from_reply(informative, 1, 2) is None
    assert request_from_reply({}, 1, 2) is None


def test_a_reply_is_stored_and_read_back_unchanged() -> None:
    reply = Outbound(
        role="bot",
        text="请选择",
        buttons=[{"title": "发票", "payload": "/choose_question"}],
        custom=BotReport(decision="clarify").custom(links=[]),
        image="https://example.com/a.png",
    )
    m = stored(reply.payload(reply_to=5), text="请选择")
    assert Payload.of(m).reply_to == 5
    assert Outbound.stored(m) == reply


def test_a_malformed_stored_payload_keeps_what_it_can() -> None:
    m = stored({"reply_to": "five", "buttons": [{"title": "好", "payload": "/x"}], "image": 3})
    payload = Payload.of(m)
    assert payload.reply_to is None and payload.image is None
    assert Outbound.stored(m).buttons == [{"title": "好", "payload": "/x"}]
    assert Payload.of(stored(None)) == Payload()


def test_a_click_is_not_typed_words() -> None:
    assert not Payload.of(stored({"button_payload": "/choose_question"})).typed
    assert Payload.of(stored({"emotion": {"negative": 0.2}})).typed
