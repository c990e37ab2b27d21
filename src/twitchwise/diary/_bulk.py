"""Bulk writes for imports, inside the caller's transaction: idempotent, one statement per kind.

An import can bring tens of thousands of values. Each table gets one SELECT of what is stored,
one INSERT of what is new (executemany; imported day values use COPY on PostgreSQL for big
batches) and one UPDATE of what changed (executemany), never a statement per value.

Each function works on one person's rows (`person_id`): it reads only theirs and writes theirs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from ._convert import checkin_columns, twitch_columns, utc_now
from ._entries import DAY_COLUMNS, ImportStats
from ._models import CheckInRow, DayValueRow, TwitchRow
from ._rules import day_value_changes

_TWITCH_KEY = (
    "at_utc",
    "utc_offset_min",
    "explicit_offset",
    "site",
    "intensity",
    "count",
    "duration_s",
    "note",
)


def between(column: Any, start: date | None, end: date | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return conditions


def empty_checkin() -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(DAY_COLUMNS)
    empty["symptoms"], empty["medications"] = (), ()
    empty["drinks"], empty["no_twitches"] = (), False
    return empty


def import_twitches(
    session: Session, person_id: int, twitches: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Add the twitches not stored yet, counting copies: a twin row in the input adds a twin."""
    columns = [twitch_columns(dict(t)) for t in twitches]
    if not columns:
        return {"added": 0, "unchanged": 0}
    days = [c["local_day"] for c in columns]
    query = select(*(getattr(TwitchRow, k) for k in _TWITCH_KEY)).where(
        TwitchRow.person_id == person_id, *between(TwitchRow.local_day, min(days), max(days))
    )
    stored = Counter(tuple(row) for row in session.execute(query))
    now, new = utc_now(), []
    for column in columns:
        key = tuple(column[k] for k in _TWITCH_KEY)
        if stored[key] > 0:
            stored[key] -= 1
        else:
            new.append({**column, "person_id": person_id, "created_at": now})
    if new:
        session.execute(insert(TwitchRow), new)  # executemany (pipelined by psycopg 3)
    return {"added": len(new), "unchanged": len(columns) - len(new)}


def import_checkins(
    session: Session, person_id: int, checkins: Sequence[Mapping[str, Any]]
) -> dict[str, int]:
    """Each check-in replaces its day's; an identical one changes nothing."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    if not checkins:
        return counts
    days = [values["day"] for values in checkins]
    query = select(CheckInRow).where(
        CheckInRow.person_id == person_id, *between(CheckInRow.day, min(days), max(days))
    )
    existing = {row.day: row for row in session.scalars(query)}
    now, added, changed = utc_now(), [], []
    for values in checkins:
        new = checkin_columns({**empty_checkin(), **values})
        row = existing.get(new["day"])
        if row is None:
            added.append({**new, "person_id": person_id, "updated_at": now})
        elif any(getattr(row, k) != v for k, v in new.items()):
            changed.append({**new, "updated_at": now})
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if changed:
        # Core executemany keyed by the primary key, so the ORM's copies are not consulted;
        # expire them so a later read in this session sees the new values.
        table = cast(Table, CheckInRow.__table__)
        names = [k for k in changed[0] if k != "day"]
        statement = (
            update(table)
            .where(table.c.person_id == person_id, table.c.day == bindparam("b_day"))
            .values({k: bindparam(f"b_{k}") for k in names})
        )
        session.execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in changed])
        session.expire_all()
    if added:
        session.execute(insert(CheckInRow), added)
    counts["added"] = len(added)
    return counts


def store_day_values(
    session: Session, person_id: int, wanted: dict[tuple[date, str], float], source: str
) -> ImportStats:
    """Add or replace `source`'s values; counts what changed."""
    stats = ImportStats()
    if not wanted:
        return stats
    days = [day for day, _ in wanted]
    now = utc_now()
    table = cast(Table, DayValueRow.__table__)
    stored = {
        (day, metric): (row_id, value)
        for row_id, day, metric, value in session.execute(
            select(table.c.id, table.c.day, table.c.metric, table.c.value).where(
                table.c.person_id == person_id,
                table.c.source == source,
                *between(table.c.day, min(days), max(days)),
            )
        )
    }
    added, updated, stats.unchanged = day_value_changes(stored, wanted)
    changed = [{"b_id": row_id, "b_value": value} for row_id, value in updated]
    new = [(person_id, day, metric, source, value, now) for (day, metric), value in added]
    if changed:
        session.execute(
            update(table)
            .where(table.c.person_id == person_id, table.c.id == bindparam("b_id"))
            .values(value=bindparam("b_value"), imported_at=now),
            changed,
        )
    if new:
        insert_rows(session, table, DAY_VALUE_COLUMNS, new)
    stats.added, stats.updated = len(new), len(changed)
    return stats


DAY_VALUE_COLUMNS = ("person_id", "day", "metric", "source", "value", "imported_at")
COPY_FROM = 500
"""From this many rows on, PostgreSQL gets COPY instead of a multi-row INSERT."""


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert `rows` (values in `columns` order) in the session's transaction, in one go.

    PostgreSQL: COPY ... FROM STDIN through psycopg on the same connection (so it commits or
    rolls back with everything else). Otherwise one executemany INSERT.
    """
    if session.get_bind().dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        session.flush()
        raw: Any = session.connection().connection.driver_connection
        quoted = ", ".join(f'"{name}"' for name in columns)
        with (
            raw.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
