"""Migration 0005 creates exactly the tables of the profile section of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.storage.models import Base

OWN_TABLES = {"customer_devices", "customer_orders", "binding_codes", "tier_decisions"}


class TestMigration:
    def test_run_tables_match_the_models(self, db_url: str) -> None:
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) >= OWN_TABLES
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        finally:
            engine.dispose()
        ours = [d for d in diff if _table_of(d) in OWN_TABLES]
        assert ours == []


def _table_of(diff: object) -> str | None:
    # Diffs are tuples like ("add_column", schema, table, column) or lists of such.
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:] if isinstance(item, tuple) else ():
        name = getattr(part, "name", None) if not isinstance(part, str | None) else part
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if isinstance(name, str) and name in OWN_TABLES:
            return name
    return None
