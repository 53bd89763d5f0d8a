"""Who is asking: resolve a channel user to a customer profile on every message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from bot.config import Settings
from bot.profile import store
from bot.profile.crm import CrmAdapter, CrmUnavailable, DatabaseCrm, make_crm
from bot.profile.profile import CustomerProfile, IdentifiedBy, anonymous_profile, build_profile
from bot.profile.records import CustomerRecord
from bot.profile.seed import SAMPLE_FILE, seed_customers
from bot.profile.token import METADATA_KEY, token_secret, verify_customer_token
from bot.storage.db import Database

log = logging.getLogger(__name__)


class ProfileService:
    """Resolves channel users to customer profiles.

    Sources, strongest first: a signed customer token in the message metadata, a channel
    identity bound to a customer earlier (binding flow or an earlier token), else an anonymous
    visitor. Records come from the CRM adapter (the app database by default).

    Args:
        db: the app database (migrated).
        settings: app settings (token secret, CRM URL, profile).
        crm: the CRM adapter; default from settings (`make_crm`).
        today: clock for warranty and recency (tests pass a fixed day).
    """

    def __init__(
        self,
        db: Database,
        settings: Settings,
        crm: CrmAdapter | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.db = db
        self.settings = settings
        self.crm = crm or make_crm(settings, db)
        self.today = today
        self._secret = token_secret(settings)

    def warm_up(self) -> None:
        """Seed the sample customers on the embedded profile with the database CRM."""
        sample = self.settings.knowledge_dir / SAMPLE_FILE
        if (
            self.settings.profile == "embedded"
            and self.settings.crm.seed_sample
            and isinstance(self.crm, DatabaseCrm)
            and sample.exists()
        ):
            seed_customers(self.db, sample, self.today())

    def resolve_customer(
        self, channel: str, sender: str, metadata: dict[str, Any] | None = None
    ) -> CustomerProfile:
        """The profile of the channel user sending this message.

        A valid ``customer_token`` in `metadata` links the channel user to that customer (from
        then on the binding holds without the token). Anything else in the metadata is not
        trusted. A CRM that is down degrades to what the app database knows.

        Args:
            channel: ``web``, ``wechat``, ...
            sender: the channel's user id (web visitor id, WeChat openid).
            metadata: the client metadata of the message (the page's, not the gateway's).
        """
        today = self.today()
        member_id = verify_customer_token((metadata or {}).get(METADATA_KEY), self._secret)
        fresh = self._record(member_id) if member_id else None
        how: IdentifiedBy = "anonymous"
        with self.db.session() as s:
            if fresh is not None:
                customer = (
                    store.upsert_record(s, fresh)
                    if self._remote
                    else store.find_customer(s, member_id=fresh.member_id)
                )
                if customer is not None:
                    store.link_identity(s, channel, sender, customer)
                    how = "token"
            identity = store.identity_of(s, channel, sender)
            if identity is None:
                return anonymous_profile()
            customer_id, ref = identity.customer_id, identity.customer.external_ref
            seen = store.seen_behaviour(s, customer_id, today)
            if not ref:
                return anonymous_profile(customer_id, seen)
            local = store.load_record(s, identity.customer)
        record = fresh if how == "token" else None
        if record is None:
            how = "binding"
            record = (self._record(ref) if self._remote else None) or local
        assert record is not None
        return build_profile(
            record, today=today, customer_id=customer_id, identified_by=how, seen=seen
        )

    def lookup(self, ref: str) -> CustomerProfile | None:
        """A customer's profile by member id, phone or database id (for `bot tier --customer`)."""
        with self.db.session() as s:
            customer = store.find_customer(s, member_id=ref) or store.find_customer(s, phone=ref)
            if customer is None and ref.isdigit():
                customer = store.find_customer(s, customer_id=int(ref))
            if customer is None:
                record = self._record(ref, by_phone=ref.isdigit()) if self._remote else None
                customer = store.upsert_record(s, record) if record else None
            if customer is None:
                return None
            local = store.load_record(s, customer)
            seen = store.seen_behaviour(s, customer.id, self.today())
            if local is None:
                return anonymous_profile(customer.id, seen)
            return build_profile(local, today=self.today(), customer_id=customer.id, seen=seen)

    @property
    def _remote(self) -> bool:
        return not isinstance(self.crm, DatabaseCrm)

    def _record(self, ref: str, by_phone: bool = False) -> CustomerRecord | None:
        try:
            return self.crm.find(phone=ref) if by_phone else self.crm.get(ref)
        except CrmUnavailable as err:
            log.warning("CRM unavailable for %s: %s", ref, err)
            return None
