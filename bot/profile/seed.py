"""Seed the sample customers into the app database (embedded profile; idempotent)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from bot.profile import store
from bot.profile.records import CustomerRecord
from bot.storage.db import Database
from bot.storage.models import Customer

log = logging.getLogger(__name__)

SAMPLE_FILE = "sample_customers.yml"
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class SeedResult:
    """What a seeding run did."""

    inserted: int
    updated: int
    unchanged: int


def load_sample(path: Path, today: date | None = None) -> list[CustomerRecord]:
    """Read the sample file; with `today`, shift every date by ``today - as_of``.

    Args:
        path: ``knowledge/sample_customers.yml``.
        today: the day to move the sample to; None keeps the file's dates.
    """
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader) or {}
    as_of = data.get("as_of")
    records = [CustomerRecord.model_validate(c) for c in data.get("customers") or []]
    if today is None or not isinstance(as_of, date) or today == as_of:
        return records
    return [shift_record(r, today - as_of) for r in records]


def shift_record(record: CustomerRecord, delta: timedelta) -> CustomerRecord:
    """The record with every date moved by `delta`."""

    def move(value: date | None) -> date | None:
        return value + delta if value is not None else None

    devices = [
        d.model_copy(
            update={"purchased_on": move(d.purchased_on), "warranty_until": move(d.warranty_until)}
        )
        for d in record.devices
    ]
    orders = [o.model_copy(update={"placed_at": o.placed_at + delta}) for o in record.orders]
    history = record.history.model_copy(
        update={"contacts": [d + delta for d in record.history.contacts]}
    )
    return record.model_copy(update={"devices": devices, "orders": orders, "history": history})


def seed_customers(db: Database, path: Path, today: date | None = None) -> SeedResult:
    """Insert the sample customers that are missing, refresh the ones that changed.

    Running it again on the same day changes nothing; on a later day the dates move along.

    Args:
        db: the app database (migrated).
        path: the sample file.
        today: the day to move the sample to (default: today).
    """
    records = load_sample(path, today or date.today())
    inserted = updated = unchanged = 0
    with db.session() as s:
        known = {
            c.external_ref: c
            for c in s.scalars(
                select(Customer).where(Customer.external_ref.in_([r.member_id for r in records]))
            )
        }
        for record in records:
            existing = known.get(record.member_id)
            if existing is None:
                store.upsert_record(s, record, source="sample")
                inserted += 1
            elif store.load_record(s, existing) == record:
                unchanged += 1
            else:
                store.upsert_record(s, record, source="sample")
                updated += 1
    log.info("sample customers: %d new, %d updated, %d unchanged", inserted, updated, unchanged)
    return SeedResult(inserted, updated, unchanged)
