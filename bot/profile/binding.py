"""Binding flow: link a web visitor or a WeChat openid to a customer with a one-time code.

1. ``request_code(channel, sender, "13912345601")`` (a phone number or member id): a 6-digit code
   goes to the customer's phone. In the sample setup there is no SMS gateway: the code is
   written to the app log (``binding code … for …``).
2. ``verify_code(channel, sender, "123456")``: on success the channel user belongs to that
   customer from now on; earlier conversations move along, so history and tags follow.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.profile import store
from bot.profile.crm import CrmAdapter, CrmUnavailable, DatabaseCrm
from bot.profile.profile import mask_phone
from bot.storage.db import Database
from bot.storage.models import BindingCode, utcnow

log = logging.getLogger(__name__)

PHONE = re.compile(r"^1[3-9]\d{9}$")
MEMBER_ID = re.compile(r"^XL\d{8}$", re.IGNORECASE)
SendCode = Callable[[str, str], None]  # (phone, code) -> deliver it


@dataclass(frozen=True)
class CodeRequest:
    """Outcome of `BindingService.request_code`."""

    status: Literal["sent", "unknown", "invalid", "throttled"]
    phone_masked: str | None = None  # where the code went, e.g. 139****5601


@dataclass(frozen=True)
class BindResult:
    """Outcome of `BindingService.verify_code`."""

    status: Literal["bound", "wrong", "expired", "locked", "no_code"]
    member_id: str | None = None
    attempts_left: int = 0


def log_code(phone: str, code: str) -> None:
    """The sample setup's "SMS gateway": the code goes to the app log."""
    log.warning("binding code %s for %s (sample setup: no SMS gateway)", code, mask_phone(phone))


class BindingService:
    """Issues and checks binding codes.

    Args:
        db: the app database.
        crm: where phone numbers and member ids are looked up.
        send: delivers a code to a phone; default writes it to the app log.
        valid_minutes: lifetime of a code.
        max_attempts: wrong entries before the code is void.
        resend_s: minimum seconds between two codes for the same channel user.
        now: clock (tests).
    """

    def __init__(
        self,
        db: Database,
        crm: CrmAdapter,
        send: SendCode = log_code,
        valid_minutes: int = 10,
        max_attempts: int = 5,
        resend_s: int = 60,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.crm = crm
        self.send = send
        self.valid = timedelta(minutes=valid_minutes)
        self.max_attempts = max_attempts
        self.resend = timedelta(seconds=resend_s)
        self.now = now

    def request_code(self, channel: str, sender: str, identifier: str) -> CodeRequest:
        """Send a code to the phone of the customer with this phone number or member id."""
        ident = re.sub(r"[\s-]", "", identifier or "")
        if PHONE.match(ident):
            lookup = {"phone": ident}
        elif MEMBER_ID.match(ident):
            lookup = {"member_id": ident.upper()}
        else:
            return CodeRequest("invalid")
        try:
            record = self.crm.find(**lookup)
        except CrmUnavailable as err:
            log.warning("binding lookup failed: %s", err)
            record = None
        if record is None or not record.phone:
            return CodeRequest("unknown")
        now = self.now()
        code = f"{secrets.randbelow(10**6):06d}"
        with self.db.session() as s:
            last = self._latest(s, channel, sender)
            if last is not None and now - _aware(last.created_at) < self.resend:
                return CodeRequest("throttled", mask_phone(record.phone))
            customer = store.find_customer(s, member_id=record.member_id)
            if customer is None or not isinstance(self.crm, DatabaseCrm):
                customer = store.upsert_record(s, record)
            s.add(
                BindingCode(
                    channel=channel,
                    sender=sender,
                    customer_id=customer.id,
                    code_hash=_digest(code, channel, sender),
                    expires_at=now + self.valid,
                    created_at=now,
                )
            )
        self.send(record.phone, code)
        return CodeRequest("sent", mask_phone(record.phone))

    def verify_code(self, channel: str, sender: str, code: str) -> BindResult:
        """Check a code; on success link the channel user to the customer."""
        now = self.now()
        with self.db.session() as s:
            row = self._latest(s, channel, sender)
            if row is None or row.used_at is not None:
                return BindResult("no_code")
            if now > _aware(row.expires_at):
                return BindResult("expired")
            if row.attempts >= self.max_attempts:
                return BindResult("locked")
            given = re.sub(r"\D", "", code or "")
            if not hmac.compare_digest(_digest(given, channel, sender), row.code_hash):
                row.attempts += 1
                left = self.max_attempts - row.attempts
                return BindResult("wrong" if left else "locked", attempts_left=left)
            row.used_at = now
            target = store.find_customer(s, customer_id=row.customer_id)
            assert target is not None
            store.link_identity(s, channel, sender, target)
            log.info("%s:%s bound to customer %s", channel, sender, target.external_ref)
            return BindResult("bound", member_id=target.external_ref)

    @staticmethod
    def _latest(s: Session, channel: str, sender: str) -> BindingCode | None:
        return s.scalar(
            select(BindingCode)
            .where(BindingCode.channel == channel, BindingCode.sender == sender)
            .order_by(BindingCode.id.desc())
            .limit(1)
        )


def _digest(code: str, channel: str, sender: str) -> str:
    # Salted with the channel user: a leaked table does not reveal codes by a lookup table.
    return hashlib.sha256(f"{channel}:{sender}:{code}".encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
