"""Migration 0006 creates exactly the tables of the handoff section of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.storage.models import Base

OWN_TABLES = {"agent_profiles", "handoffs", "handoff_events", "service_ratings"}


class TestMigration:
    def test_run_tables_match_the_models(self, db_url: str) -> None:
        engine = create_engine(db_url)
        try:
            with engine.connect() as conn:
                assert set(inspect(conn).get_table_names()) >= OWN_TABLES
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        finally:
            engine.dispose()
        ours = [d for d in diff if _mentions(d, OWN_TABLES)]
        assert ours == []


def _mentions(diff: object, tables: set[str]) -> bool:
    # Diffs are tuples like ("add_column", schema, table, column), or lists of such.
    items = diff if isinstance(diff, list) else [diff]
    for item in items:
        for part in item[1:] if isinstance(item, tuple) else ():
            name = part if isinstance(part, str) else getattr(part, "name", None)
            table = getattr(getattr(part, "table", None), "name", None)
            if name in tables or table in tables:
                return True
    return False
