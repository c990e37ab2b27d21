"""The command line's quick path: `twitchwise log`'s twitch, `checkin`'s day and an import's
day values into a SQLite diary with the standard library's `sqlite3`, without loading SQLAlchemy
(most of such a command's time) or the diary's pydantic models.

It is a shortcut, never a second diary: it applies the same rules (`_rules`: `TWITCH_RULES`,
`CHECKIN_RULES`, `checked_day_values` and `day_value_changes`, which `Diary` applies too), opens
the file the way the engine does (`_sqlite.connection_pragmas`), creates a new diary the way the
engine does (`_sqlite.create_schema`, from the snapshot of the migrations), writes the rows the
ORM would write and, as `add_twitch` does, takes a "no twitches today" mark off the twitch's day.
Whenever it is not certain it can do exactly that, it writes nothing and returns None, and the
caller uses `Diary`: a PostgreSQL URL, an in-memory or URI database, a file in a folder that does
not exist, a diary not at the newest schema (it needs migrating), values that need converting,
or any database error before the commit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from ._entries import LOCAL_PERSON, CheckIn, DayValueLike, ImportStats, Twitch
from ._errors import DatabaseFailure, DiaryError, Problem
from ._rules import (
    DayKey,
    check_day,
    checked_day_values,
    checkin_columns,
    checkin_from,
    checkin_rules,
    day_value_changes,
    normalize_time,
    plain_checkin,
    plain_twitch,
    twitch_columns,
    twitch_rules,
    utc_now,
)
from ._sqlite import BUSY_TIMEOUT_S, connection_pragmas, create_private, create_schema, plain_head

T = TypeVar("T")
_PREFIX = "sqlite:///"
_INSERT = (
    "INSERT INTO twitches (person_id, at_utc, utc_offset_min, explicit_offset, local_day, site, "
    "intensity, count, duration_s, note, created_at, client_id) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"
)
_UNMARK = (
    "UPDATE checkins SET no_twitches = 0, updated_at = ? "
    "WHERE person_id = ? AND day = ? AND no_twitches = 1"
)


def sqlite_path(url: str) -> Path | None:
    """The file a plain ``sqlite:///path`` URL names (it need not exist yet); None for any
    other URL (PostgreSQL, in-memory, URI or ``~`` names), which the quick path leaves to
    `Diary`."""
    from twitchwise._datadir import db_url

    url = db_url(url)
    if not url.startswith(_PREFIX):
        return None
    name = url.removeprefix(_PREFIX)
    odd = name.startswith(("file:", "~")) or any(c in name for c in "?%")
    return None if not name or name == ":memory:" or odd else Path(name)


def sqlite_file(url: str) -> Path | None:
    """`sqlite_path`'s file, created (owner-only, empty) when it does not exist yet and its
    folder does; None for any other URL, or when the file cannot be made."""
    path = sqlite_path(url)
    if path is None:
        return None
    try:
        if not path.exists() and path.parent.is_dir():
            create_private(path)
        return path if path.is_file() else None
    except OSError:
        return None


def stamp(value: datetime | date) -> str:
    """A time or day as SQLAlchemy's SQLite types store it (text, microseconds always)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def add_twitch(
    url: str,
    site: str,
    time: datetime,
    *,
    intensity: int | None = None,
    count: int = 1,
    duration_s: float | None = None,
    note: str | None = None,
    person_id: int = LOCAL_PERSON,
) -> Twitch | None:
    """`Diary.open(url, person_id).add_twitch(...)`, quickly, or None (nothing written) when
    the quick path does not apply. Raises `DiaryError` for input the diary refuses, exactly
    as `add_twitch` would."""
    fields: dict[str, Any] = {"site": site, "intensity": intensity, "count": count}
    fields |= {"duration_s": duration_s, "note": note}
    if not plain_twitch(fields) or not isinstance(time, datetime):
        return None
    path = sqlite_file(url)
    if path is None:
        return None
    problems: list[Problem] = []
    clean: dict[str, Any] = {}
    try:
        clean["time"], clean["explicit_offset"] = normalize_time(time)
    except ValueError as exc:
        problems.append(Problem("time", str(exc)))
    checked, found = twitch_rules(fields)
    if problems or found:
        raise DiaryError.from_problems([*problems, *found])
    columns = twitch_columns({**clean, **checked})
    row_id = _transaction(path, lambda db: _insert_twitch(db, columns, person_id))
    if row_id is None:
        return None
    offset = timedelta(minutes=columns["utc_offset_min"])
    return Twitch(
        id=row_id,
        time=(columns["at_utc"] + offset).replace(tzinfo=timezone(offset)),
        site=columns["site"],
        intensity=columns["intensity"],
        count=columns["count"],
        duration_s=columns["duration_s"],
        note=columns["note"],
        explicit_offset=columns["explicit_offset"],
    )


def _transaction(path: Path, work: Callable[[sqlite3.Connection], T]) -> T | None:
    """`work` in one write transaction on the diary file, if it is at the newest schema (an
    empty file is given it first, from the snapshot); None if anything before the commit fails
    (rolled back: nothing written)."""
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return None
    try:
        db.isolation_level = None  # BEGIN is ours, as in the engine
        for pragma in connection_pragmas(memory=False):
            db.execute(pragma)
        db.execute("BEGIN IMMEDIATE")
        try:
            create_schema(db)
            if db.execute("SELECT version_num FROM alembic_version").fetchall() != [
                (plain_head(),)
            ]:
                db.execute("ROLLBACK")
                return None
            result = work(db)
        except sqlite3.Error:
            db.execute("ROLLBACK")
            return None
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:  # the write may or may not be stored: say so, never retry
            why = f"the entry may not have been saved ({exc})"
            raise DatabaseFailure(why, retry=True) from exc
        return result
    except sqlite3.Error:
        return None
    finally:
        db.close()


def _insert_twitch(db: sqlite3.Connection, columns: dict[str, Any], person_id: int) -> int:
    """The twitch's row, and its day's "no twitches" mark taken off, as `add_twitch` does."""
    now = stamp(utc_now())
    cursor = db.execute(
        _INSERT,
        (
            person_id,
            stamp(columns["at_utc"]),
            columns["utc_offset_min"],
            int(columns["explicit_offset"]),
            stamp(columns["local_day"]),
            columns["site"],
            columns["intensity"],
            columns["count"],
            columns["duration_s"],
            columns["note"],
            now,
        ),
    )
    db.execute(_UNMARK, (now, person_id, stamp(columns["local_day"])))
    if cursor.lastrowid is None:
        raise sqlite3.DatabaseError("no row id")
    return cursor.lastrowid


_JSON_COLUMNS = ("symptoms", "medications", "drinks")


def save_checkin(
    url: str, day: date, values: dict[str, Any], *, person_id: int = LOCAL_PERSON
) -> CheckIn | None:
    """`Diary.open(url, person_id).save_checkin(day, **values)`, quickly, or None (nothing
    written) when the quick path does not apply: besides `add_twitch`'s cases, values it does
    not take (drinks as counted, "no twitches today", a full replacement) or none at all."""
    if not values or not plain_checkin(values):
        return None
    path = sqlite_file(url)
    if path is None:
        return None
    day = check_day(day)
    clean, problems = checkin_rules(values)
    if problems:
        raise DiaryError.from_problems(problems)
    if "caffeine_mg" in clean:
        clean["drinks"] = ()  # a new total no longer comes from the drinks counted
    columns = {
        name: json.dumps(value) if name in _JSON_COLUMNS else _plain(value)
        for name, value in checkin_columns(clean).items()
    }
    return _transaction(path, lambda db: _upsert_checkin(db, day, columns, person_id))


def _plain(value: Any) -> Any:
    return int(value) if isinstance(value, bool) else value


def _upsert_checkin(
    db: sqlite3.Connection, day: date, columns: dict[str, Any], person_id: int
) -> CheckIn:
    """Change the given columns of the day's check-in (a new one starts empty), as
    `save_checkin` does, and read it back."""
    key = (person_id, stamp(day))
    where = " WHERE person_id = ? AND day = ?"
    columns = {**columns, "updated_at": stamp(utc_now())}
    if db.execute("SELECT 1 FROM checkins" + where, key).fetchone() is None:
        new = {"person_id": person_id, "day": stamp(day), "symptoms": "[]", "medications": "[]"}
        new |= {"no_twitches": 0, **columns}
        names = ", ".join(new)
        marks = ", ".join("?" * len(new))
        db.execute(f"INSERT INTO checkins ({names}) VALUES ({marks})", tuple(new.values()))
    else:
        assignments = ", ".join(f"{name} = ?" for name in columns)
        db.execute(f"UPDATE checkins SET {assignments}" + where, (*columns.values(), *key))
    db.row_factory = sqlite3.Row
    row = dict(db.execute("SELECT * FROM checkins" + where, key).fetchone())
    for name in _JSON_COLUMNS:
        row[name] = json.loads(row[name]) if row[name] is not None else None
    return checkin_from(day, row)


def import_day_values(
    url: str, values: Iterable[DayValueLike], source: str, *, person_id: int = LOCAL_PERSON
) -> ImportStats | None:
    """`Diary.open(url, person_id).import_day_values(values, source)`, quickly, or None
    (nothing written) when the quick path does not apply. Raises `DiaryError` for values the
    diary refuses, exactly as `import_day_values` would."""
    if sqlite_path(url) is None:
        return None  # before checking the values: `Diary` checks them on its own path
    wanted = checked_day_values(values, source)
    path = sqlite_file(url)
    if path is None:
        return None
    return _transaction(path, lambda db: _store_day_values(db, wanted, source, person_id))


def _store_day_values(
    db: sqlite3.Connection, wanted: dict[DayKey, float], source: str, person_id: int
) -> ImportStats:
    """`_bulk.store_day_values` in plain SQL: one SELECT of the source's stored values in the
    import's days, one executemany UPDATE of the changed, one executemany INSERT of the new."""
    if not wanted:
        return ImportStats()
    days = [day for day, _ in wanted]
    stored = {
        (date.fromisoformat(day), metric): (row_id, value)
        for row_id, day, metric, value in db.execute(
            "SELECT id, day, metric, value FROM day_values "
            "WHERE person_id = ? AND source = ? AND day >= ? AND day <= ?",
            (person_id, source, stamp(min(days)), stamp(max(days))),
        )
    }
    added, changed, unchanged = day_value_changes(stored, wanted)
    now = stamp(utc_now())
    db.executemany(
        "UPDATE day_values SET value = ?, imported_at = ? WHERE person_id = ? AND id = ?",
        [(value, now, person_id, row_id) for row_id, value in changed],
    )
    db.executemany(
        "INSERT INTO day_values (person_id, day, metric, source, value, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(person_id, stamp(day), metric, source, value, now) for (day, metric), value in added],
    )
    return ImportStats(added=len(added), updated=len(changed), unchanged=unchanged)
