"""The sample customers: realistic, deterministic, seeded idempotently."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import yaml
from sqlalchemy import func, select

from bot.profile.records import CustomerRecord
from bot.profile.sample import AS_OF, generate, models_by_line
from bot.profile.seed import load_sample, seed_customers
from bot.storage.db import Database
from bot.storage.models import Customer, CustomerDevice, CustomerOrder
from tests.profile.conftest import ROOT, SAMPLE, TODAY


class TestSampleFile:
    def test_at_least_200_distinct_customers(self, sample: dict[str, CustomerRecord]) -> None:
        records = list(sample.values())
        assert len(records) >= 200
        assert len({r.phone for r in records}) == len(records)
        assert len({d.serial for r in records for d in r.devices}) == sum(
            len(r.devices) for r in records
        )
        assert len({o.order_no for r in records for o in r.orders}) == sum(
            len(r.orders) for r in records
        )

    def test_models_come_from_the_catalogue(self, sample: dict[str, CustomerRecord]) -> None:
        catalog = yaml.safe_load((ROOT / "knowledge" / "catalog.yml").read_text(encoding="utf-8"))
        models = models_by_line(catalog)
        for r in sample.values():
            for d in r.devices:
                assert d.model in models[d.line], (r.member_id, d.model)
                assert d.purchased_on <= AS_OF < d.warranty_until + timedelta(days=5000)

    def test_member_levels_and_enterprises_are_spread(
        self, sample: dict[str, CustomerRecord]
    ) -> None:
        levels = Counter(r.member_level for r in sample.values())
        assert set(levels) == {"normal", "silver", "gold", "black"}
        assert sum(1 for r in sample.values() if r.enterprise) >= 5

    def test_file_is_what_the_generator_writes(self) -> None:
        on_disk = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
        fresh = yaml.safe_load(yaml.safe_dump(generate(len(on_disk["customers"]))))
        assert on_disk == fresh

    def test_dates_move_to_today(self) -> None:
        later = load_sample(SAMPLE, TODAY + timedelta(days=30))
        now = load_sample(SAMPLE)
        assert later[0].devices[0].purchased_on == now[0].devices[0].purchased_on + timedelta(
            days=30
        )
        assert later[0].orders[0].placed_at - now[0].orders[0].placed_at == timedelta(days=30)


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session() as s:
        return (
            s.scalar(select(func.count()).select_from(Customer)) or 0,
            s.scalar(select(func.count()).select_from(CustomerDevice)) or 0,
            s.scalar(select(func.count()).select_from(CustomerOrder)) or 0,
        )


class TestSeed:
    def test_seeding_twice_changes_nothing(self, db: Database) -> None:
        first = seed_customers(db, SAMPLE, TODAY)
        counts = _counts(db)
        second = seed_customers(db, SAMPLE, TODAY)
        assert first.inserted >= 200 and first.updated == 0
        assert second.inserted == 0 and second.updated == 0
        assert second.unchanged == first.inserted
        assert _counts(db) == counts

    def test_a_later_day_moves_dates_without_duplicates(self, db: Database) -> None:
        seed_customers(db, SAMPLE, TODAY)
        counts = _counts(db)
        result = seed_customers(db, SAMPLE, TODAY + timedelta(days=1))
        assert result.inserted == 0 and result.updated + result.unchanged == counts[0]
        assert result.updated >= 200  # only customers without any dated record stay as they are
        assert _counts(db) == counts
