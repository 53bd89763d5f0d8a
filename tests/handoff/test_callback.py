"""Call-back booking (预约回电): numbers, slots, the offer under tickets, the text flow."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.config import HandoffSettings
from bot.handoff.callback import OFFER_PAYLOAD, mask, next_slots, normalize_phone, slot_label
from bot.handoff.hours import ServiceHours
from bot.handoff.tickets import ticket_view
from bot.storage.models import Ticket
from tests.handoff.conftest import ServiceFloor

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("(0371)6123456", "0371-6123456"),
        ("021-61234567转801", "021-61234567-801"),
        ("(010) 6234-5678", "010-62345678"),
    ],
)
def test_mainland_mobiles_and_landlines_are_taken_in_one_form(raw: str, number: str) -> None:
    assert normalize_phone(raw) == number


@pytest.mark.parametrize(
    "raw", ["12345", "12812345678", "138123456789", "400-820-6688", "1234567", "电话", ""]
)
def test_other_numbers_are_refused(raw: str) -> None:
    assert normalize_phone(raw) is None


def test_the_customer_sees_their_number_masked() -> None:
    assert mask("13812345678") == "138****5678"
    assert mask("010-62345678") == "010-****5678"


def test_slots_lie_in_the_service_hours_after_the_lead_time() -> None:
    conf = HandoffSettings(hours="09:00-12:00,13:00-18:00", days=[1, 2, 3, 4, 5])
    friday_evening = datetime(2026, 12, 11, 17, 10, tzinfo=SHANGHAI)  # a Friday
    slots = next_slots(conf, friday_evening)
    assert [(s.start.weekday(), s.start.hour) for s in slots] == [
        (0, 9), (0, 10), (0, 11), (0, 13), (0, 14), (0, 15),
    ]  # fmt: skip
    assert all(ServiceHours(conf).is_open(s.start) for s in slots)
    assert slot_label(slots[0], friday_evening) == "12月14日（周一）09:00-10:00"
    tuesday_morning = datetime(2026, 12, 8, 8, 0, tzinfo=SHANGHAI)
    today = next_slots(conf, tuesday_morning)
    assert slot_label(today[0], tuesday_morning) == "今天 09:00-10:00"


def test_a_ticket_opened_outside_service_hours_offers_a_call_back(floor: ServiceFloor) -> None:
    floor.service.hours = ServiceHours(HandoffSettings(hours="09:00-09:01", days=[1]))
    floor.online("agent1")
    floor.request("u-late", ())
    notice = floor.last_replies[0]
    assert "非人工服务时间" in (notice.text or "")
    assert [b["payload"] for b in notice.buttons] == [OFFER_PAYLOAD]
    assert notice.buttons[0]["title"] == "预约回电"


def test_a_ticket_because_nobody_is_online_offers_a_call_back(floor: ServiceFloor) -> None:
    floor.request("u-nobody", ())
    assert [b["payload"] for b in floor.last_replies[0].buttons] == [OFFER_PAYLOAD]


class TestTextFlow:
    """WeChat (and REST) customers book by text: the number, then a slot by number."""

    def test_a_customer_books_by_text_and_staff_see_the_number(self, floor: ServiceFloor) -> None:
        who = "o6_bm-callback-flow"
        ask = floor.say(who, "预约回电", payload=OFFER_PAYLOAD, channel="wechat").replies
        assert "手机号" in (ask[0].text or "")
        bad = floor.say(who, "1234", channel="wechat").replies
        assert bad[0].text == floor.texts.get("callback_bad_phone")
        slots = floor.say(who, "我的电话 138 1234 5678", channel="wechat").replies
        assert slots[0].text == floor.texts.get("callback_ask_slot")
        assert len(slots[0].buttons) == floor.service.conf.callback_slots
        chosen = slots[0].buttons[1]
        done = floor.say(who, "2", payload=chosen["payload"], channel="wechat").replies
        assert "138****5678" in (done[0].text or "") and "GD" in (done[0].text or "")
        assert "13812345678" not in (done[0].text or "")
        with floor.service.db.session() as s:
            ticket = s.query(Ticket).filter_by(sender=who, kind="callback").one()
            view = ticket_view(ticket)
        start = json.loads(chosen["payload"].removeprefix("/kefu_callback_slot"))["start"]
        assert view["callback"]["phone"] == "13812345678"
        assert view["callback"]["start"] == start
        assert view["why"] == "callback"
        due = ticket.due_at.replace(tzinfo=ticket.due_at.tzinfo or UTC)
        assert due == datetime.fromisoformat(start)
        assert any(f.get("type") == "ticket" for f in floor.console)  # consoles list it

    def test_a_question_instead_of_a_number_leaves_the_flow(self, floor: ServiceFloor) -> None:
        who = "o6_bm-callback-leave"
        floor.say(who, "预约回电", payload=OFFER_PAYLOAD, channel="wechat")
        turn = floor.say(who, "保修期是多久", channel="wechat")
        assert turn.replies[0].text == floor.texts.get("rasa_unavailable")  # asked the bot

    def test_cancel_ends_the_flow(self, floor: ServiceFloor) -> None:
        who = "o6_bm-callback-cancel"
        floor.say(who, "预约回电", payload=OFFER_PAYLOAD, channel="wechat")
        turn = floor.say(who, "取消", channel="wechat")
        assert turn.replies[0].text == floor.texts.get("callback_cancelled")
        again = floor.say(who, "13812345678", channel="wechat")
        assert again.replies[0].text == floor.texts.get("rasa_unavailable")


def test_the_number_is_found_among_the_customer_s_words() -> None:
    from bot.handoff.callback import find_phone

    assert find_phone("我的电话 138 1234 5678，下午打") == "13812345678"
    assert find_phone("订单 20261208001 电话13812345678") == "13812345678"
    assert find_phone("打 (010) 6234-5678 就行") == "010-62345678"
    assert find_phone("周三下午3点") is None


def test_a_rest_client_sending_the_payload_as_text_is_asked_the_number(
    floor: ServiceFloor,
) -> None:
    turn = floor.say("rest-callback", OFFER_PAYLOAD)
    assert turn.replies[0].text == floor.texts.get("callback_ask_phone")
