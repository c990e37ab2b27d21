"""Engines and migrations: SQLite (WAL, busy timeout) or PostgreSQL (psycopg 3), migrated on open.

SQLite's Python driver starts transactions lazily; we switch that off and issue BEGIN ourselves
(BEGIN IMMEDIATE for writes), so a write transaction takes its lock up front and waits politely
(busy timeout) instead of failing half-way when another process is writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ._errors import DiaryError

WRITE = "twitchwise_write"
WRITE_LOCK = 7120461
"""PostgreSQL advisory lock key taken by every diary write transaction."""
MIGRATE_LOCK = 7120460
BUSY_TIMEOUT_S = 30


def normalize_url(url: str) -> str:
    """Plain `postgresql://` and `postgres://` URLs use psycopg 3; a plain file path
    (`/path/diary.db`, no `scheme://`) is a SQLite file."""
    from twitchwise.settings import db_url

    url = db_url(url)
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def make_engine(url: str) -> Engine:
    """An engine for `url`; raises DiaryError("db", ...) for an unusable URL."""
    try:
        parsed = make_url(normalize_url(url))
    except ArgumentError:
        raise DiaryError("db", f"{url!r} is not a database URL") from None
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.database)
    if parsed.get_backend_name() == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            raise DiaryError("db", "PostgreSQL URLs use psycopg 3: postgresql+psycopg://...")
        return create_engine(parsed, pool_pre_ping=True)
    raise DiaryError("db", f"unsupported database {parsed.get_backend_name()!r}")


def _sqlite_engine(database: str | None) -> Engine:
    memory = database in (None, "", ":memory:")
    if not memory:
        folder = Path(str(database)).expanduser().resolve().parent
        if not folder.is_dir():
            raise DiaryError("db", f"folder {folder} does not exist")
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_S}}
    if memory:
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(f"sqlite:///{database or ':memory:'}", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", "twitchwise.diary:migrations")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head", *, downgrade: bool = False) -> None:
    """Bring the schema to `revision` under a lock, so concurrent first opens migrate once."""
    config = _alembic_config()
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})
        config.attributes["connection"] = conn
        if downgrade:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def open_engine(url: str) -> Engine:
    """An engine whose schema is at the latest revision; errors name the `db` field."""
    engine = make_engine(url)
    try:
        if current_revision(engine) != head_revision():
            migrate(engine)
    except CommandError as exc:
        engine.dispose()
        raise DiaryError(
            "db", f"cannot migrate the diary ({exc}); is it from a newer twitchwise?"
        ) from None
    except SQLAlchemyError as exc:
        engine.dispose()
        orig = getattr(exc, "orig", None)
        reason = str(orig) if orig is not None else str(exc)
        raise DiaryError("db", f"cannot open the diary: {reason.strip()}") from None
    return engine
