"""resolve_customer: signed token, binding, anonymous visitor; history follows the customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.profile.service import ProfileService
from bot.profile.token import issue_customer_token
from bot.storage import repository as repo
from bot.storage.db import Database
from bot.storage.models import Conversation
from tests.profile.conftest import SECRET, TODAY


def _service(db: Database, settings: Settings) -> ProfileService:
    return ProfileService(db, settings, today=lambda: TODAY)


class TestResolve:
    def test_visitor_without_token_is_anonymous(self, seeded: Database, settings: Settings) -> None:
        profile = _service(seeded, settings).resolve_customer("web", "v-1", {})
        assert not profile.identified and profile.tags == []

    def test_token_identifies_and_binds(self, seeded: Database, settings: Settings) -> None:
        service = _service(seeded, settings)
        token = issue_customer_token("XL10000001", SECRET)
        first = service.resolve_customer("web", "v-2", {"customer_token": token})
        assert first.identified_by == "token" and first.member_id == "XL10000001"
        assert "member_gold" in first.tags and "owner_raptor" in first.tags
        later = service.resolve_customer("web", "v-2", {})  # the page no longer sends it
        assert later.identified_by == "binding" and later.member_id == "XL10000001"

    def test_forged_token_stays_anonymous(self, seeded: Database, settings: Settings) -> None:
        token = issue_customer_token("XL10000002", "a-forger-secret-0123456789abcdefghij")
        profile = _service(seeded, settings).resolve_customer(
            "web", "v-3", {"customer_token": token}
        )
        assert not profile.identified

    def test_token_of_unknown_member_is_ignored(self, seeded: Database, settings: Settings) -> None:
        token = issue_customer_token("XL99999999", SECRET)
        profile = _service(seeded, settings).resolve_customer(
            "web", "v-4", {"customer_token": token}
        )
        assert not profile.identified

    def test_history_follows_the_customer(self, seeded: Database, settings: Settings) -> None:
        # The visitor chats anonymously first; the conversation moves to the customer.
        with seeded.session() as s:
            conv = repo.open_conversation(s, "web", "v-5")
            conv.started_at = datetime.now(UTC) - timedelta(days=400)
            anonymous_id = conv.customer_id
        token = issue_customer_token("XL10000004", SECRET)
        profile = _service(seeded, settings).resolve_customer(
            "web", "v-5", {"customer_token": token}
        )
        assert profile.customer_id != anonymous_id
        with seeded.session() as s:
            moved = s.get(Conversation, conv.id)
            assert moved is not None and moved.customer_id == profile.customer_id

    def test_contacts_seen_by_the_app_count(self, seeded: Database, settings: Settings) -> None:
        service = _service(seeded, settings)
        token = issue_customer_token("XL10000006", SECRET)
        profile = service.resolve_customer("web", "v-6", {"customer_token": token})
        assert profile.behaviour.contacts_7d == 0
        with seeded.session() as s:
            for days in (1, 2, 3):
                conv = Conversation(
                    customer_id=profile.customer_id,
                    channel="web",
                    sender=f"v-6-{days}",
                    status="closed",
                    started_at=datetime.combine(TODAY, datetime.min.time(), UTC)
                    - timedelta(days=days),
                )
                s.add(conv)
        again = service.resolve_customer("web", "v-6", {})
        assert again.behaviour.contacts_7d == 3

    def test_lookup_by_member_id_phone_and_id(self, seeded: Database, settings: Settings) -> None:
        service = _service(seeded, settings)
        by_member = service.lookup("XL10000003")
        assert by_member is not None and "enterprise" in by_member.tags
        by_phone = service.lookup("13912345603")
        assert by_phone is not None and by_phone.member_id == "XL10000003"
        by_id = service.lookup(str(by_member.customer_id))
        assert by_id is not None and by_id.member_id == "XL10000003"
        assert service.lookup("XL00000000") is None

    def test_warm_up_seeds_the_sample(self, db: Database, settings: Settings) -> None:
        service = _service(db, settings)
        service.warm_up()
        assert service.lookup("XL10000001") is not None
