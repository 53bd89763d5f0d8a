"""Alembic environment: migrations run programmatically from `bot.storage.db.migrate`."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from bot.storage import (
    canned,  # noqa: F401 - registers the canned replies table
    learning,  # noqa: F401 - registers the dismissed texts of 'learn from users'
    supervision,  # noqa: F401 - registers the supervisors' tables
)
from bot.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
