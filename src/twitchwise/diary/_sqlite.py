"""What opening a SQLite diary needs, without SQLAlchemy: shared by the engine (`_store`) and
the command line's quick path (`_quick`), so both open, and create, a diary file the same way.

A new SQLite diary is created from `schema.sqlite.sql`, the schema (and the local person's row)
exactly as the migrations build it, in one transaction: running Alembic's five migrations on an
empty file took longer than the rest of an import's writing. The snapshot is generated from the
migrations (`scripts/sqlite_schema.py`), `tests/diary/test_sqlite_schema.py` fails when the two
differ, and a snapshot whose revision is not the migrations' head is never used (Alembic then
creates the diary, as before). Existing diaries are always migrated by Alembic.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from functools import cache
from importlib.resources import files
from pathlib import Path

BUSY_TIMEOUT_S = 30


def connection_pragmas(memory: bool) -> list[str]:
    """The statements every new SQLite connection runs first."""
    pragmas = [] if memory else ["PRAGMA journal_mode=WAL"]
    return [
        *pragmas,
        f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}",
        # Deleted text is overwritten with zeros, not left in free pages (a diary is health data).
        "PRAGMA secure_delete=ON",
        "PRAGMA foreign_keys=ON",
    ]


_ASSIGNED = re.compile(r"^(revision|down_revision)\s*(?::[^=]+)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"""^(?:"([^"]+)"|'([^']+)')$""")


@cache
def plain_head() -> str | None:
    """The head revision, read from the version files without Alembic (which takes longer to
    import than the rest of a `twitchwise log`); None unless the history is a plain line.

    Only a shortcut: None, or any doubt, means the caller asks Alembic (or takes the slow path).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    folder = files("twitchwise.diary").joinpath("migrations", "versions")
    for entry in folder.iterdir():
        if not entry.name.endswith(".py") or entry.name.startswith("_"):
            continue
        text_ = entry.read_text(encoding="utf-8")
        found = {m.group(1): m.group(2) for m in _ASSIGNED.finditer(text_)}
        revision = _QUOTED.match(found.get("revision", ""))
        parent = found.get("down_revision")
        if revision is None or parent is None:
            return None
        revisions.add(revision.group(1) or revision.group(2))
        if parent != "None":
            quoted = _QUOTED.match(parent)
            if quoted is None:
                return None  # a merge (a tuple) or something unusual: let Alembic decide
            parents.add(quoted.group(1) or quoted.group(2))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


SCHEMA_FILE = "schema.sqlite.sql"
_REVISION = re.compile(r"^-- revision: (\S+)\s*$", re.MULTILINE)


@cache
def schema_snapshot() -> tuple[str, ...] | None:
    """The statements that create the newest schema in an empty SQLite database, or None when
    the packaged snapshot is missing or not at the migrations' head."""
    try:
        text_ = files("twitchwise.diary").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    except OSError:
        return None
    revision = _REVISION.search(text_)
    if revision is None or revision.group(1) != plain_head():
        return None
    return snapshot_statements(text_)


def snapshot_statements(text_: str) -> tuple[str, ...] | None:
    """The statements of a snapshot's text (comment lines skipped); None if it ends inside one."""
    statements: list[str] = []
    pending = ""
    for line in text_.splitlines(keepends=True):
        if not pending and (line.startswith("--") or not line.strip()):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return tuple(statements) if statements and not pending.strip() else None


def create_schema(db: sqlite3.Connection) -> bool:
    """Create the newest schema from the snapshot if the database holds nothing yet; False
    (nothing done) when it already holds something or there is no usable snapshot.

    Run it inside the caller's write transaction (``BEGIN IMMEDIATE``), so that of two
    programs opening a new diary at once, one creates it and the other finds it made.
    """
    if db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        return False  # the usual case: the snapshot is not even read
    snapshot = schema_snapshot()
    if snapshot is None:
        return False
    for statement in snapshot:
        db.execute(statement)
    return True


def create_private(path: Path) -> None:
    """Create a new diary file readable by its owner only (0600), wherever `--db` puts it;
    SQLite gives its `-wal` and `-shm` files the same mode. Raises `OSError`."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
