"""The HTTP CRM adapter against a small CRM served on a loopback port."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.config import Settings
from bot.profile.crm import CrmUnavailable, HttpCrm, make_crm
from bot.profile.records import CustomerRecord
from bot.profile.service import ProfileService
from bot.profile.token import issue_customer_token
from bot.storage.db import Database
from tests.profile.conftest import SECRET, TODAY


class FakeCrm:
    """Serves sample records; `hits` counts requests, `broken` answers 500."""

    def __init__(self, records: dict[str, CustomerRecord]) -> None:
        self.records = records
        self.hits = 0
        self.broken = False
        crm = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                crm.hits += 1
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                record = None
                if crm.broken:
                    return self._send(500, {"error": "down"})
                if url.path.startswith("/api/customers/"):
                    record = crm.records.get(url.path.rsplit("/", 1)[1])
                elif url.path == "/api/customers" and "phone" in query:
                    record = next(
                        (r for r in crm.records.values() if r.phone == query["phone"]), None
                    )
                if record is None:
                    return self._send(404, {"error": "not found"})
                return self._send(200, record.model_dump(mode="json"))

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"


@pytest.fixture
def fake_crm(sample: dict[str, CustomerRecord]) -> Iterator[FakeCrm]:
    crm = FakeCrm(sample)
    thread = threading.Thread(target=crm.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield crm
    finally:
        crm.server.shutdown()
        crm.server.server_close()
        thread.join(5)


class TestHttpCrm:
    def test_members_are_got_by_id_and_found_by_phone(self, fake_crm: FakeCrm) -> None:
        crm = HttpCrm(fake_crm.url)
        record = crm.get("XL10000001")
        assert record is not None and record.devices[0].model == "RG9-2025"
        found = crm.find(phone="13912345603")
        assert found is not None and found.member_id == "XL10000003"
        assert crm.get("XL99999999") is None
        crm.close()

    def test_answers_are_cached(self, fake_crm: FakeCrm) -> None:
        crm = HttpCrm(fake_crm.url, cache_s=60)
        crm.get("XL10000002")
        crm.get("XL10000002")
        assert fake_crm.hits == 1
        crm.close()

    def test_crm_errors_raise_unavailable(self, fake_crm: FakeCrm) -> None:
        fake_crm.broken = True
        crm = HttpCrm(fake_crm.url)
        with pytest.raises(CrmUnavailable):
            crm.get("XL10000001")
        crm.close()

    def test_unreachable_crm_raises_unavailable(self) -> None:
        crm = HttpCrm("http://127.0.0.1:9", timeout_s=1)
        with pytest.raises(CrmUnavailable):
            crm.get("XL10000001")
        crm.close()

    def test_settings_choose_the_adapter(self, db: Database, fake_crm: FakeCrm) -> None:
        assert not isinstance(make_crm(Settings(), db), HttpCrm)
        assert isinstance(make_crm(Settings(crm={"url": fake_crm.url}), db), HttpCrm)

    def test_profiles_from_the_http_crm(
        self, db: Database, settings: Settings, fake_crm: FakeCrm
    ) -> None:
        # An empty app database: the customer comes from the CRM and is kept locally.
        service = ProfileService(db, settings, crm=HttpCrm(fake_crm.url), today=lambda: TODAY)
        token = issue_customer_token("XL10000003", SECRET)
        profile = service.resolve_customer("web", "v-1", {"customer_token": token})
        assert profile.identified_by == "token" and "enterprise" in profile.tags
        again = service.resolve_customer("web", "v-1", {})
        assert again.identified_by == "binding" and again.member_id == "XL10000003"
        assert service.lookup("13912345602") is not None  # fetched by phone, kept locally
        fake_crm.broken = True  # a CRM outage degrades to the local copy
        service.crm = HttpCrm(fake_crm.url)
        assert service.resolve_customer("web", "v-1", {}).member_id == "XL10000003"
