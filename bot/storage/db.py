"""Engine, sessions and schema migration of the app database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 5000  # how long a SQLite write waits for another one to finish


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine; a SQLite file gets its folder, WAL mode and foreign keys."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            # WAL lets the console read while the gateway writes; busy_timeout avoids
            # "database is locked" when two requests write at once.
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL with NORMAL sync: a commit survives a crash of the app (it is in the WAL
            # file); only a power loss may take the last commits back. FULL syncs the disk on
            # every commit, several per turn: a third of the embedded turn's time.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


MIGRATION_LOCK = 0x6B656675  # "kefu": the PostgreSQL advisory lock replicas migrate under


def migrate(url: str) -> None:
    """Bring the database at `url` to the newest schema (Alembic `upgrade head`).

    On PostgreSQL replicas starting together migrate one after the other, under an advisory
    lock: the first upgrades, the others find the schema current.
    """
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if not url.startswith("postgresql"):
        command.upgrade(cfg, "head")
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            try:
                command.upgrade(cfg, "head")
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
    finally:
        engine.dispose()


class Database:
    """The app's database handle: one engine, short sessions."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with self._sessions() as session, session.begin():
            yield session

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - health check reports, never raises
            return False

    def can_write(self, timeout_s: float = 2.0) -> bool:
        """True when the database takes a write within `timeout_s` (a row rewritten in a
        transaction that is rolled back: nothing changes)."""
        sqlite = self.engine.dialect.name == "sqlite"
        ms = int(timeout_s * 1000)
        try:
            with self.engine.connect() as conn:
                try:
                    if sqlite:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout={ms}")
                    else:
                        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {ms}")
                    conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
                finally:
                    conn.rollback()
                    if sqlite:
                        conn.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            return True
        except Exception:  # noqa: BLE001 - health check reports, never raises
            return False

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
