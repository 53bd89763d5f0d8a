"""The Alembic chain (0001 ... head) builds exactly the tables the models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot.storage import (
    canned,  # noqa: F401 - its table belongs to the schema
    learning,  # noqa: F401 - its table belongs to the schema
    supervision,  # noqa: F401 - its tables belong to the schema
)
from bot.storage.db import migrate
from bot.storage.models import Base


def test_migrated_schema_matches_every_model(db_url: str) -> None:
    migrate(db_url)
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], "\n".join(map(str, diff))
