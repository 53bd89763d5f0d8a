"""Binding flow: a code to the customer's phone links a channel user to the customer."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import Settings
from bot.profile.binding import BindingService
from bot.profile.crm import DatabaseCrm
from bot.profile.service import ProfileService
from bot.storage.db import Database
from tests.profile.conftest import TODAY


class Clock:
    """A settable clock."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sent() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def binding(seeded: Database, sent: list[tuple[str, str]], clock: Clock) -> BindingService:
    return BindingService(
        seeded, DatabaseCrm(seeded), send=lambda p, c: sent.append((p, c)), now=clock
    )


class TestBinding:
    def test_code_binds_and_history_follows(
        self,
        binding: BindingService,
        sent: list[tuple[str, str]],
        seeded: Database,
        settings: Settings,
    ) -> None:
        profiles = ProfileService(seeded, settings, today=lambda: TODAY)
        assert not profiles.resolve_customer("wechat", "openid-1", {}).identified
        request = binding.request_code("wechat", "openid-1", "139 1234 5601")
        assert request.status == "sent" and request.phone_masked == "139****5601"
        phone, code = sent[-1]
        assert phone == "13912345601" and len(code) == 6
        assert binding.verify_code("wechat", "openid-1", code).status == "bound"
        profile = profiles.resolve_customer("wechat", "openid-1", {})
        assert profile.member_id == "XL10000001" and profile.identified_by == "binding"
        assert "owner_raptor" in profile.tags
        # A code is good once.
        assert binding.verify_code("wechat", "openid-1", code).status == "no_code"

    def test_member_id_works_too(
        self, binding: BindingService, sent: list[tuple[str, str]]
    ) -> None:
        assert binding.request_code("web", "v-1", "xl10000002").status == "sent"
        assert sent[-1][0] == "13912345602"
        result = binding.verify_code("web", "v-1", sent[-1][1])
        assert result.status == "bound" and result.member_id == "XL10000002"

    def test_five_wrong_codes_lock_the_binding(
        self, binding: BindingService, sent: list[tuple[str, str]]
    ) -> None:
        binding.request_code("web", "v-2", "13912345603")
        code = sent[-1][1]
        wrong = "000000" if code != "000000" else "111111"
        results = [binding.verify_code("web", "v-2", wrong) for _ in range(5)]
        assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
        assert results[-1].status == "locked"
        assert binding.verify_code("web", "v-2", code).status == "locked"

    def test_codes_expire_after_ten_minutes(
        self, binding: BindingService, sent: list[tuple[str, str]], clock: Clock
    ) -> None:
        binding.request_code("web", "v-3", "13912345604")
        clock.now += timedelta(minutes=11)
        assert binding.verify_code("web", "v-3", sent[-1][1]).status == "expired"

    def test_resend_within_a_minute_is_throttled(
        self, binding: BindingService, clock: Clock
    ) -> None:
        assert binding.request_code("web", "v-4", "13912345605").status == "sent"
        assert binding.request_code("web", "v-4", "13912345605").status == "throttled"
        clock.now += timedelta(seconds=61)
        assert binding.request_code("web", "v-4", "13912345605").status == "sent"

    @pytest.mark.parametrize(
        ("identifier", "status"),
        [("13000000000", "unknown"), ("XL00000000", "unknown"), ("hello", "invalid")],
    )
    def test_unknown_or_invalid_identifiers_get_no_code(
        self, binding: BindingService, identifier: str, status: str
    ) -> None:
        assert binding.request_code("web", "v-5", identifier).status == status

    def test_verifying_without_a_requested_code_is_refused(self, binding: BindingService) -> None:
        assert binding.verify_code("web", "v-6", "123456").status == "no_code"

    def test_sample_setup_logs_the_code(
        self, seeded: Database, caplog: pytest.LogCaptureFixture
    ) -> None:
        service = BindingService(seeded, DatabaseCrm(seeded))
        with caplog.at_level(logging.INFO, logger="bot.profile.binding"):
            assert service.request_code("web", "v-7", "13912345606").status == "sent"
        assert any("binding code" in r.getMessage() for r in caplog.records)
