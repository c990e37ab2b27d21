"""`twitchwise log`'s quick path: one twitch into an existing SQLite diary with the standard
library's `sqlite3`, without loading SQLAlchemy or pydantic (together most of a `log`'s time).

It is a shortcut, never a second diary: it applies the same rules (`_rules.TWITCH_RULES`, which
`Diary.add_twitch` applies through pydantic), opens the file the way the engine does
(`_sqlite.connection_pragmas`), writes the row the ORM would write and, as `add_twitch` does,
takes a "no twitches today" mark off the day. Whenever it is not certain it can do exactly that,
it writes nothing and returns None, and the caller uses `Diary`: a PostgreSQL URL, an in-memory
or URI database, a file that does not exist yet or is not at the newest schema (it needs
creating or migrating), values that need converting, or any database error before the commit.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ._entries import LOCAL_PERSON, Twitch
from ._errors import DatabaseFailure, DiaryError, Problem
from ._rules import normalize_time, plain_twitch, twitch_columns, twitch_rules, utc_now
from ._sqlite import BUSY_TIMEOUT_S, connection_pragmas, plain_head

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


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///path`` URL that exists and is not empty, else None."""
    from twitchwise._datadir import db_url

    url = db_url(url)
    if not url.startswith(_PREFIX):
        return None
    name = url.removeprefix(_PREFIX)
    if not name or name == ":memory:" or name.startswith("file:") or "?" in name or "%" in name:
        return None
    path = Path(name).expanduser()
    try:
        return path if path.is_file() and path.stat().st_size > 0 else None
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
    row_id = _write(path, columns, person_id)
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


def _write(path: Path, columns: dict[str, Any], person_id: int) -> int | None:
    """Insert the row and unmark its day in one write transaction; None if anything before
    the commit fails (rolled back: nothing written)."""
    try:
        db = sqlite3.connect(f"file:{quote(str(path))}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return None
    try:
        db.isolation_level = None  # BEGIN is ours, as in the engine
        for pragma in connection_pragmas(memory=False):
            db.execute(pragma)
        if db.execute("SELECT version_num FROM alembic_version").fetchall() != [(plain_head(),)]:
            return None
        now = stamp(utc_now())
        db.execute("BEGIN IMMEDIATE")
        try:
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
        except sqlite3.Error:
            db.execute("ROLLBACK")
            return None
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:  # the write may or may not be stored: say so, never retry
            raise DatabaseFailure(
                f"the twitch may not have been saved ({exc})", retry=True
            ) from exc
        return cursor.lastrowid
    except sqlite3.Error:
        return None
    finally:
        db.close()
