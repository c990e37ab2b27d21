"""Engines and migrations: SQLite (WAL, busy timeout) or PostgreSQL (psycopg 3), migrated on open.

SQLite's Python driver starts transactions lazily; we switch that off and issue BEGIN ourselves
(BEGIN IMMEDIATE for writes), so a write transaction takes its lock up front and waits politely
(busy timeout) instead of failing half-way when another process is writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from ._errors import DiaryError
from ._sqlite import BUSY_TIMEOUT_S, connection_pragmas, create_private, create_schema
from ._sqlite import plain_head as _plain_head

if TYPE_CHECKING:
    from alembic.config import Config

WRITE = "twitchwise_write"
WRITE_LOCK = 7120461
"""PostgreSQL advisory lock key taken by every diary write transaction."""
MIGRATE_LOCK = 7120460


def normalize_url(url: str) -> str:
    """Plain `postgresql://` and `postgres://` URLs use psycopg 3; a plain file path
    (`/path/diary.db`, no `scheme://`) is a SQLite file."""
    from twitchwise._datadir import db_url

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
        _create_private(Path(str(database)).expanduser())
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_S}}
    if memory:
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(f"sqlite:///{database or ':memory:'}", **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        for pragma in connection_pragmas(memory):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def scrub(engine: Engine, tables: list[str]) -> None:
    """After rows were deleted, remove the copies the database still holds.

    SQLite: rebuild the file (VACUUM) and checkpoint the write-ahead log into it, truncating the
    `-wal` to zero bytes; retried while another connection (a running app) is mid-read.
    PostgreSQL: VACUUM FULL rewrites each table into a new file without the dead row versions.
    """
    if engine.dialect.name == "sqlite":
        _scrub_sqlite(engine)
    elif engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.exec_driver_sql(f'VACUUM (FULL, ANALYZE) "{table}"')


def role_skips_row_security(engine: Engine) -> bool:
    """Whether the PostgreSQL role `engine` connects as skips every row-level security policy
    (a superuser or BYPASSRLS). Needs no tables, so it can be asked before migrating: a server
    refused for its role should not first have created the tables as that role."""
    with engine.connect() as conn:
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
    return bool(role.rolsuper or role.rolbypassrls)


def row_security_binds(engine: Engine) -> bool:
    """Whether PostgreSQL's row-level security binds the role `engine` connects as, on every
    table that has it (`RLS_TABLES`): the second wall between people on a shared server.

    It does not when the role is a superuser or has BYPASSRLS (both skip every policy), nor
    when a table lost its policy switch (ENABLE) or, for the table's owner, FORCE. False on
    SQLite, which has no row-level security at all, and before the tables exist.
    """
    from ._models import RLS_TABLES

    if engine.dialect.name != "postgresql" or role_skips_row_security(engine):
        return False
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,"
                " pg_get_userbyid(c.relowner) = current_user AS owned"
                " FROM pg_class c WHERE c.relname = ANY(:names) AND c.relkind = 'r'"
                " AND c.relnamespace = to_regnamespace(current_schema())"
            ),
            {"names": list(RLS_TABLES)},
        ).all()
    return len(tables) == len(RLS_TABLES) and all(
        t.relrowsecurity and (t.relforcerowsecurity or not t.owned) for t in tables
    )


def _scrub_sqlite(engine: Engine) -> None:
    import time

    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("VACUUM")
        for _ in range(50):
            busy, _log, _done = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return
            time.sleep(0.1)
    raise DiaryError("db", "the diary was erased, but another program kept its log busy")


def _create_private(path: Path) -> None:
    """`create_private`, reported as the diary's own error."""
    if str(path).startswith("file:"):
        return
    try:
        create_private(path)
    except OSError as exc:
        raise DiaryError("db", f"cannot create {path}: {exc.strerror or exc}") from None


def _create_from_snapshot(engine: Engine) -> None:
    """A new (empty) SQLite diary gets the newest schema from the snapshot, in one write
    transaction; on any problem nothing is done, and the migrations that follow report it."""
    import sqlite3

    try:
        with engine.connect() as conn:
            raw: Any = conn.connection.dbapi_connection
            if raw.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                return  # not new: no write lock taken just to find that out
            raw.execute("BEGIN IMMEDIATE")
            try:
                create_schema(raw)
            except BaseException:
                raw.execute("ROLLBACK")
                raise
            raw.execute("COMMIT")
    except (SQLAlchemyError, sqlite3.Error):
        return


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "twitchwise.diary:migrations")
    return config


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _at_plain_head(engine: Engine) -> bool:
    """Whether the database is certainly at the head revision, checked with one SELECT."""
    head = _plain_head()
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:
        return False  # no version table yet, or a real problem that the slow path reports
    return [tuple(row) for row in rows] == [(head,)]


def migrate(engine: Engine, revision: str = "head", *, downgrade: bool = False) -> None:
    """Bring the schema to `revision` under a lock, so concurrent first opens migrate once."""
    from alembic import command

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
    if engine.dialect.name == "sqlite":
        _create_from_snapshot(engine)
    if _at_plain_head(engine):
        return engine
    from alembic.util import CommandError

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


def migrate_sqlite_file(path: Path) -> Path:
    """A SQLite file brought to the newest schema by Alembic's migrations, never the snapshot
    (what the snapshot is made from and tested against)."""
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
    finally:
        engine.dispose()
    return path


def migrated_sqlite_snapshot(path: Path) -> str:
    """The text of `schema.sqlite.sql`: a new SQLite file at `path`, built by the migrations
    (Alembic, never the snapshot), written out as the statements that make it again.

    Every table, index and trigger in creation order, then each row the migrations put in (the
    local person), with a ``created_at`` written as ``CURRENT_TIMESTAMP`` so that a new diary
    records its own creation time, as the migration does.
    """
    import sqlite3

    migrate_sqlite_file(path)
    revision = head_revision()
    lines = [
        "-- The newest SQLite diary schema, exactly as the migrations build it; a new SQLite",
        "-- diary is created from it in one transaction (twitchwise.diary._sqlite).",
        "-- Generated by scripts/sqlite_schema.py; do not edit. tests/diary/test_sqlite_schema.py",
        "-- fails when it differs from what the migrations make.",
        f"-- revision: {revision}",
        "",
    ]
    db = sqlite3.connect(path)
    try:
        objects = db.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        lines += [f"{sql};\n" for _type, _name, sql in objects]
        for kind, name, _sql in objects:
            if kind != "table":
                continue
            cursor = db.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                values = ", ".join(
                    "CURRENT_TIMESTAMP" if column == "created_at" else _literal(value)
                    for column, value in zip(columns, row, strict=True)
                )
                names = ", ".join(f'"{column}"' for column in columns)
                lines.append(f'INSERT INTO "{name}" ({names}) VALUES ({values});')
    finally:
        db.close()
    return "\n".join(lines) + "\n"


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {value!r} in the migrations' rows")
