"""Migration 0007 creates exactly the editor's tables of the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from bot.storage.models import Base

OWN_TABLES = {"kb_versions", "kb_drafts", "kb_audit"}


def test_run_tables_match_the_models(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= OWN_TABLES
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    ours = [d for d in diff if OWN_TABLES & _tables(d)]
    assert ours == []


def _tables(diff: object) -> set[str]:
    # Diffs are tuples like ("add_column", schema, table, column) or lists of such.
    items = diff if isinstance(diff, list) else [diff]
    found: set[str] = set()
    for item in items:
        for part in item[1:] if isinstance(item, tuple) else ():
            if isinstance(part, str):
                found.add(part)
            table = getattr(part, "table", None)
            for name in (getattr(part, "name", None), getattr(table, "name", None)):
                if isinstance(name, str):
                    found.add(name)
    return found
