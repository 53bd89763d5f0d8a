"""Personalised entry: greeting and topics by who the customer is."""

from __future__ import annotations

import pytest
import yaml

from bot.knowledge.loader import load_knowledge
from bot.profile.entry import Entry, Greetings, personalise_entry, series_names
from bot.profile.profile import anonymous_profile, build_profile
from bot.profile.records import CustomerRecord
from tests.profile.conftest import ROOT, TODAY


@pytest.fixture(scope="module")
def greetings() -> Greetings:
    return Greetings.load(ROOT / "knowledge")


@pytest.fixture(scope="module")
def titles() -> dict[str, str]:
    kb = load_knowledge(ROOT / "knowledge")
    return {q.id: q.title for q in kb.questions.values()}


@pytest.fixture(scope="module")
def names() -> dict[str, str]:
    return series_names(yaml.safe_load((ROOT / "knowledge" / "catalog.yml").read_text("utf-8")))


def _entry(
    member: str, sample: dict[str, CustomerRecord], greetings: Greetings, titles, names
) -> Entry:
    profile = build_profile(sample[member], today=TODAY)
    return personalise_entry(profile, greetings, titles, names)


class TestEntry:
    def test_every_topic_is_a_standard_question(
        self, greetings: Greetings, titles: dict[str, str]
    ) -> None:
        assert greetings.question_ids() <= set(titles)

    def test_visitor_gets_the_default(self, greetings: Greetings, titles, names) -> None:
        entry = personalise_entry(anonymous_profile(), greetings, titles, names)
        assert entry.segment == "default" and "小岚" in entry.greeting
        assert entry.topics[0] == {"title": "怎么查询维修进度", "payload": "怎么查询维修进度"}

    def test_gaming_laptop_owner_is_greeted_with_the_device_and_its_topic(
        self, sample, greetings, titles, names
    ) -> None:
        entry = _entry("XL10000001", sample, greetings, titles, names)
        assert entry.segment == "raptor_owner"
        assert entry.greeting.startswith("王先生您好")
        assert "逐影 Raptor R9（RG9-2025）" in entry.greeting
        assert entry.topics[0]["title"] == "玩游戏掉帧卡顿怎么办"

    def test_out_of_warranty_owner(self, sample, greetings, titles, names) -> None:
        entry = _entry("XL10000004", sample, greetings, titles, names)
        assert entry.segment == "out_of_warranty"
        assert "Air 13（XA13-2024）已经过了保修期" in entry.greeting
        assert "维修费用是怎么收取的" in [t["title"] for t in entry.topics]

    def test_enterprise_customer_is_greeted_with_the_company(
        self, sample, greetings, titles, names
    ) -> None:
        entry = _entry("XL10000003", sample, greetings, titles, names)
        assert entry.segment == "enterprise"
        assert "上海启明软件有限公司" in entry.greeting
        assert entry.topics[0]["title"] == "企业客户怎么批量报修"

    def test_black_diamond_member_gets_the_full_topic_list(
        self, sample, greetings, titles, names
    ) -> None:
        entry = _entry("XL10000002", sample, greetings, titles, names)
        assert entry.segment == "black_diamond" and "黑钻会员" in entry.greeting
        assert len(entry.topics) == greetings.max_topics

    def test_member_without_devices_gets_the_member_greeting(
        self, sample, greetings, titles, names
    ) -> None:
        entry = _entry("XL10000006", sample, greetings, titles, names)
        assert entry.segment == "member" and entry.greeting.startswith("周女士您好")

    def test_retired_questions_are_skipped(self, greetings: Greetings) -> None:
        entry = personalise_entry(anonymous_profile(), greetings, {"power-001": "开不了机"})
        assert [t["title"] for t in entry.topics] == ["开不了机"]
