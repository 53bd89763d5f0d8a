"""Where customer records come from: a CRM adapter interface and its two implementations.

- `DatabaseCrm` (default): the app database, seeded with the sample customers on the embedded
  profile.
- `HttpCrm`: a CRM over HTTP (``KEFU_CRM__URL``), speaking the record format of
  `bot.profile.records`:

  - ``GET {url}/customers/{member_id}`` -> 200 + a `CustomerRecord` JSON, or 404;
  - ``GET {url}/customers?phone=…`` (or ``?member_id=…``) -> 200 + a record, or 404.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Protocol
from urllib.parse import quote

import httpx
from pydantic import ValidationError

from bot.config import Settings
from bot.profile import store
from bot.profile.records import CustomerRecord
from bot.storage.db import Database

log = logging.getLogger(__name__)


class CrmUnavailable(Exception):
    """The CRM did not answer, or answered with an error."""


class CrmAdapter(Protocol):
    """A source of customer records."""

    def get(self, member_id: str) -> CustomerRecord | None:
        """The record of a member id, None when unknown."""
        ...

    def find(
        self, *, phone: str | None = None, member_id: str | None = None
    ) -> CustomerRecord | None:
        """The record of a phone number or member id, None when unknown."""
        ...


class DatabaseCrm:
    """Customer records kept in the app database (`customers`, `customer_devices`, ...)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, member_id: str) -> CustomerRecord | None:
        """The stored record of `member_id`."""
        return self.find(member_id=member_id)

    def find(
        self, *, phone: str | None = None, member_id: str | None = None
    ) -> CustomerRecord | None:
        """The stored record of a phone number or member id."""
        with self.db.session() as s:
            customer = store.find_customer(s, member_id=member_id, phone=phone)
            return store.load_record(s, customer) if customer is not None else None


class HttpCrm:
    """A CRM reached over HTTP; answers are cached for `cache_s` seconds.

    Args:
        url: base URL, e.g. ``https://crm.example.com/api``.
        timeout_s: bound on one request.
        cache_s: how long a record is reused (one lookup per message would load the CRM).
        client: an `httpx.Client` to use instead of a new one (tests, custom auth).
    """

    def __init__(
        self,
        url: str,
        timeout_s: float = 3.0,
        cache_s: float = 60.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.cache_s = cache_s
        self._client = client or httpx.Client(timeout=httpx.Timeout(timeout_s, connect=2.0))
        self._cache: dict[str, tuple[float, CustomerRecord | None]] = {}
        self._lock = threading.Lock()

    def get(self, member_id: str) -> CustomerRecord | None:
        """``GET /customers/{member_id}``."""
        return self._fetch(f"/customers/{quote(member_id, safe='')}", {})

    def find(
        self, *, phone: str | None = None, member_id: str | None = None
    ) -> CustomerRecord | None:
        """``GET /customers?phone=…`` or ``?member_id=…``."""
        params = {k: v for k, v in (("phone", phone), ("member_id", member_id)) if v}
        return self._fetch("/customers", params) if params else None

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _fetch(self, path: str, params: dict[str, str]) -> CustomerRecord | None:
        key = path + "?" + "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.cache_s:
            return hit[1]
        try:
            resp = self._client.get(self.url + path, params=params)
        except httpx.HTTPError as err:
            raise CrmUnavailable(f"{type(err).__name__}: {err}") from err
        if resp.status_code == 404:
            record = None
        elif resp.status_code != 200:
            raise CrmUnavailable(f"HTTP {resp.status_code}: {resp.text[:200]}")
        else:
            try:
                record = CustomerRecord.model_validate(resp.json())
            except (ValueError, ValidationError) as err:
                raise CrmUnavailable(f"bad customer record: {str(err)[:200]}") from err
        with self._lock:
            self._cache[key] = (now, record)
        return record


def make_crm(settings: Settings, db: Database) -> CrmAdapter:
    """The configured adapter: `HttpCrm` when ``KEFU_CRM__URL`` is set, else `DatabaseCrm`."""
    if settings.crm.url:
        return HttpCrm(settings.crm.url, settings.crm.timeout_s)
    return DatabaseCrm(db)
