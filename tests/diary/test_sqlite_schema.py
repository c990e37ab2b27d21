"""A new SQLite diary is created from `schema.sqlite.sql`: the same database the migrations build.

If a migration is added or changed without regenerating the snapshot, the first test fails and
says how to regenerate it; until then the stale snapshot is not used at all (its revision is not
the head), so a new diary is still created correctly, by Alembic.

"The same" allows one thing: the order of a table's CONSTRAINT clauses. Alembic's batch mode (how
SQLite tables are altered) rebuilds a table from a set of constraints, so two runs of the same
migrations write them in different orders (it follows Python's string hashing); SQLite treats
them alike. Everything else must match exactly.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from twitchwise.diary import Diary
from twitchwise.diary import _sqlite as sqlite_module
from twitchwise.diary._sqlite import (
    SCHEMA_FILE,
    create_schema,
    schema_snapshot,
    snapshot_statements,
)
from twitchwise.diary._store import migrate_sqlite_file, migrated_sqlite_snapshot

PACKAGED = Path(sqlite_module.__file__).parent / SCHEMA_FILE
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\Z")


def _normalized(sql: str | None) -> str | None:
    """`sql` with a table's CONSTRAINT clauses sorted (see the module docstring)."""
    if sql is None or not sql.startswith("CREATE TABLE"):
        return sql
    lines = [line.rstrip().removesuffix(",") for line in sql.splitlines()]
    constraints = sorted(line for line in lines if line.lstrip().startswith("CONSTRAINT"))
    others = [line for line in lines if not line.lstrip().startswith("CONSTRAINT")]
    return "\n".join([*others[:-1], *constraints, others[-1]])


def _contents(path: Path) -> dict[str, Any]:
    """Everything in the file that a diary could notice: schema objects in order, every row
    (creation times only by their shape), and the settings stored in the file."""
    db = sqlite3.connect(path)
    try:
        objects = [
            (kind, name, table, _normalized(sql))
            for kind, name, table, sql in db.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
            )
        ]
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            cursor = db.execute(f'SELECT * FROM "{name}" ORDER BY rowid')
            columns = [d[0] for d in cursor.description]
            rows[name] = [
                tuple(
                    ("<time>" if TIMESTAMP.match(str(v)) else v) if c == "created_at" else v
                    for c, v in zip(columns, row, strict=True)
                )
                for row in cursor
            ]
        settings = {
            pragma: db.execute(f"PRAGMA {pragma}").fetchone()[0]
            for pragma in ("user_version", "application_id", "journal_mode", "auto_vacuum")
        }
    finally:
        db.close()
    return {"objects": objects, "rows": rows, "settings": settings}


def test_the_packaged_snapshot_is_what_the_migrations_build(tmp_path: Path) -> None:
    fresh = snapshot_statements(migrated_sqlite_snapshot(tmp_path / "diary.db"))
    packaged = snapshot_statements(PACKAGED.read_text(encoding="utf-8"))
    assert fresh is not None and packaged is not None
    assert [_normalized(s) for s in packaged] == [_normalized(s) for s in fresh], (
        f"{SCHEMA_FILE} is out of date with the migrations: run "
        "`.venv/bin/python scripts/sqlite_schema.py` and commit the file"
    )
    assert schema_snapshot() is not None  # at the head revision, so it is used


def test_a_new_diary_from_the_snapshot_equals_a_migrated_one(tmp_path: Path) -> None:
    with Diary.open(f"sqlite:///{tmp_path / 'new.db'}"):
        pass
    made = _contents(tmp_path / "new.db")
    assert made == _contents(migrate_sqlite_file(tmp_path / "migrated.db"))
    assert made["rows"]["people"] == [(1, None, None, "<time>", None)]


def test_a_new_diary_is_created_without_loading_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    probe = (
        "import sys\n"
        "from twitchwise.diary import Diary\n"
        f"with Diary.open({url!r}) as diary:\n"
        "    diary.add_twitch('left_thigh')\n"
        "print('alembic' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False", done.stderr
    with Diary.open(url) as diary:
        assert [t.site for t in diary.list_twitches()] == ["left_thigh"]


def test_a_snapshot_behind_the_migrations_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A migration added without regenerating the file: Alembic creates the diary instead."""
    schema_snapshot.cache_clear()
    monkeypatch.setattr(sqlite_module, "plain_head", lambda: "9999_not_yet_in_the_snapshot")
    try:
        assert schema_snapshot() is None
        db = sqlite3.connect(tmp_path / "empty.db")
        assert create_schema(db) is False
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
        db.close()
    finally:
        schema_snapshot.cache_clear()


def test_a_database_that_holds_anything_is_left_alone(tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "other.db")
    db.execute("CREATE TABLE notes (text TEXT)")
    assert create_schema(db) is False
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master")]
    assert names == ["notes"]
    db.close()


def test_two_programs_creating_one_new_diary_create_it_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'raced.db'}"
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def open_it() -> None:
        try:
            start.wait()
            with Diary.open(url) as diary:
                diary.add_twitch("left_calf")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (
        _contents(tmp_path / "raced.db")["objects"]
        == _contents(migrate_sqlite_file(tmp_path / "migrated.db"))["objects"]
    )
    with Diary.open(url) as diary:
        assert len(diary.list_twitches()) == 4


def test_opening_an_existing_diary_takes_no_write_lock(tmp_path: Path) -> None:
    """Only an empty file is worth a write transaction; a diary another program is writing to
    opens at once instead of waiting for that program's lock."""
    import time

    url = f"sqlite:///{tmp_path / 'busy.db'}"
    with Diary.open(url):
        pass
    writer = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with Diary.open(url) as diary:
            assert diary.list_twitches() == []
        assert time.monotonic() - started < 5  # the busy timeout is 30 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
