"""Tags and behaviour of customer profiles, on the sample personas."""

from __future__ import annotations

from datetime import date, timedelta

from bot.knowledge.schema import KNOWN_TAGS
from bot.profile.profile import anonymous_profile, build_profile, mask_phone, member_label
from bot.profile.records import CustomerRecord
from tests.profile.conftest import TODAY

LINES = {"book", "raptor", "desktop", "pad", "phone", "accessory"}


def _valid(tag: str) -> bool:
    return tag in KNOWN_TAGS or (tag.startswith("owner_") and tag[6:] in LINES)


class TestTags:
    def test_gold_raptor_owner_in_warranty(self, sample: dict[str, CustomerRecord]) -> None:
        p = build_profile(sample["XL10000001"], today=TODAY)
        assert p.tags == ["member_gold", "in_warranty", "owner_raptor", "owner_accessory"]
        assert p.high_value and p.identified
        assert p.honorific == "王先生"
        assert p.phone_masked == "139****5601"

    def test_out_of_warranty_book(self, sample: dict[str, CustomerRecord]) -> None:
        p = build_profile(sample["XL10000004"], today=TODAY)
        assert p.tags == ["member_normal", "out_of_warranty", "owner_book"]
        assert not p.high_value

    def test_enterprise_customer_gets_company_and_device_tags(
        self, sample: dict[str, CustomerRecord]
    ) -> None:
        p = build_profile(sample["XL10000003"], today=TODAY)
        assert {"enterprise", "member_gold", "owner_book", "owner_desktop"} <= set(p.tags)
        assert p.enterprise == "上海启明软件有限公司"

    def test_warranty_follows_the_device_in_question(
        self, sample: dict[str, CustomerRecord]
    ) -> None:
        # The raptor is in warranty, the earbuds bought with it are not any more.
        p = build_profile(sample["XL10000001"], today=TODAY)
        assert "in_warranty" in p.tags_for("raptor")
        assert "out_of_warranty" in p.tags_for("accessory")
        assert "in_warranty" in p.tags_for(model="RG9")  # a series names the device too
        assert p.device_for("accessory").model == "Buds3"

    def test_warranty_changes_with_the_day(self, sample: dict[str, CustomerRecord]) -> None:
        record = sample["XL10000001"]
        last_day = record.devices[0].warranty_until
        assert "in_warranty" in build_profile(record, today=last_day).tags
        after = build_profile(record, today=last_day + timedelta(days=1))
        assert "out_of_warranty" in after.tags

    def test_every_sample_tag_is_known(self, sample: dict[str, CustomerRecord]) -> None:
        tags = {t for r in sample.values() for t in build_profile(r, today=TODAY).tags}
        assert all(_valid(t) for t in tags), tags
        assert {"member_normal", "member_silver", "member_gold", "member_black"} <= tags
        assert {"enterprise", "in_warranty", "out_of_warranty"} <= tags

    def test_anonymous_has_no_tags(self) -> None:
        p = anonymous_profile()
        assert p.tags == [] and not p.identified and not p.high_value
        assert p.tags_for("raptor") == []


class TestBehaviour:
    def test_recent_orders_and_contacts(self, sample: dict[str, CustomerRecord]) -> None:
        black = build_profile(sample["XL10000002"], today=TODAY)
        assert black.behaviour.orders_30d == 1  # the charger on its way
        repeat = build_profile(sample["XL10000005"], today=TODAY)
        assert repeat.behaviour.contacts_7d == 3
        assert repeat.behaviour.complaints == 1 and repeat.behaviour.unresolved_tickets == 1

    def test_contacts_older_than_a_week_do_not_count(
        self, sample: dict[str, CustomerRecord]
    ) -> None:
        later = build_profile(sample["XL10000005"], today=TODAY + timedelta(days=6))
        assert later.behaviour.contacts_7d == 1

    def test_member_levels_and_phones_are_labelled(self) -> None:
        assert member_label("black") == "黑钻会员"
        assert member_label(None) == "普通会员"
        assert mask_phone("13812345678") == "138****5678"
        assert date(2026, 1, 1) < TODAY
