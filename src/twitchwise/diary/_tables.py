"""Whole tables of one person, row by row, for a backup and its restore.

The rows are read and written generically from the table definitions in `_models.py`, so a column
or table added by a later migration travels in a backup without any change here. The owner column
does not travel: a backup is one person's diary, and restores as the restoring person's.

Row ids (twitches, imported values, assessments, experiments) are shared by everyone in a
database, so a restore keeps a backup's ids only where nobody else holds them; otherwise the rows
get new ids, in the backup's order (nothing refers to these ids across tables).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import MetaData, Table, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ._entries import DAY_COLUMNS
from ._errors import DiaryError, Problem
from ._models import OWNED_TABLES, Base
from ._validate import check_checkin, check_day_value, check_twitch

MAX_PROBLEMS = 20
"""A restore that fails lists this many problems, not ten thousand."""


OWNER = "person_id"


def all_tables() -> list[Table]:
    """Every diary table a person owns, parents before children (the order to insert in)."""
    return [t for t in Base.metadata.sorted_tables if t.name in OWNED_TABLES]


@cache
def backup_tables() -> list[Table]:
    """The owned tables as a backup holds them: every column but the owner."""
    metadata = MetaData()
    return [
        Table(t.name, metadata, *(c._copy() for c in t.columns if c.name != OWNER))
        for t in all_tables()
    ]


def table_rows(session: Session, table: Table, person_id: int) -> list[dict[str, Any]]:
    """Every row of `table` that `person_id` owns as {column: Python value} (without the
    owner), in primary-key order."""
    table = Base.metadata.tables[table.name]  # the real table, also for a backup's view of it
    order = [c for c in table.primary_key.columns if c.name != OWNER] or list(table.columns)
    query = select(table).where(table.c[OWNER] == person_id).order_by(*order)
    return [
        {k: v for k, v in row.items() if k != OWNER} for row in session.execute(query).mappings()
    ]


def count_rows(session: Session, person_id: int) -> dict[str, int]:
    return {
        t.name: int(
            session.execute(
                select(func.count()).select_from(t).where(t.c[OWNER] == person_id)
            ).scalar_one()
        )
        for t in all_tables()
    }


def replace_all(
    session: Session, person_id: int, rows: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    """Delete every row `person_id` owns, then insert `rows` (by table name) as theirs, in
    `session`'s transaction: the caller's commit makes it whole, any error leaves the diary as
    it was."""
    tables = all_tables()
    unknown = sorted(set(rows) - {t.name for t in tables})
    if unknown:
        raise DiaryError("tables", f"unknown tables: {', '.join(unknown)}")
    for table in reversed(tables):
        session.execute(delete(table).where(table.c[OWNER] == person_id))
    for table in tables:
        batch = [{**r, OWNER: person_id} for r in rows.get(table.name, ())]
        if not batch:
            continue
        batch = _free_ids(session, table, batch)
        try:
            session.execute(insert(table), batch)
        except IntegrityError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DiaryError.from_problems(
                [Problem(table.name, f"the rows break a rule of the table: {reason}")]
            ) from None
    _advance_sequences(session, tables)


def _free_ids(session: Session, table: Table, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`batch` as it is when none of its ids is taken (by another person's row); otherwise
    without ids, sorted by them, so the database numbers the rows anew in the same order."""
    if "id" not in table.c or not any("id" in row for row in batch):
        return batch
    ids = [row["id"] for row in batch if isinstance(row.get("id"), int)]
    # The person's own rows are deleted by now: any row left in the ids' range is someone else's.
    in_range = table.c.id.between(min(ids), max(ids)) if ids else None
    taken = (
        in_range is not None
        and session.execute(select(func.count()).select_from(table).where(in_range)).scalar_one()
    )
    if not taken:
        return batch
    ordered = sorted(batch, key=lambda row: (row.get("id") is None, row.get("id") or 0))
    return [{k: v for k, v in row.items() if k != "id"} for row in ordered]


def _advance_sequences(session: Session, tables: Sequence[Table]) -> None:
    """PostgreSQL hands out ids from a sequence that inserted ids do not move: move it past them,
    so the next entry added after a restore does not collide with a restored one."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        for column in table.primary_key.columns:
            if not column.autoincrement or column.type.python_type is not int:
                continue
            session.execute(
                text(
                    # Never backwards: row-level security hides other people's larger ids
                    # from MAX, but the sequence has handed them out already.
                    "SELECT setval(pg_get_serial_sequence(:table, :column), GREATEST("
                    f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0), '
                    "COALESCE(pg_sequence_last_value("
                    "pg_get_serial_sequence(:table, :column)::regclass), 0)) + 1, false)"
                ),
                {"table": table.name, "column": column.name},
            )


def check_rows(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Hold restored rows to the rules entries are held to when typed (known sites and symptoms,
    ranges, metric names), so a restored diary is one this version can read; raises DiaryError
    naming the table, row and column. Tables without such rules pass as they are."""
    problems: list[Problem] = []
    for table, found in (
        ("twitches", _twitch_problems),
        ("checkins", _checkin_problems),
        ("day_values", _day_value_problems),
    ):
        for n, row in enumerate(rows.get(table, ()), start=1):
            problems.extend(Problem(p.field, p.message, table, n) for p in found(row))
            if len(problems) >= MAX_PROBLEMS:
                raise DiaryError.from_problems(problems[:MAX_PROBLEMS])
    if problems:
        raise DiaryError.from_problems(problems)


_TWITCH_FIELDS = ("site", "intensity", "count", "duration_s", "note")


def _twitch_problems(row: Mapping[str, Any]) -> list[Problem]:
    return check_twitch({k: row[k] for k in _TWITCH_FIELDS if k in row})[1]


def _checkin_problems(row: Mapping[str, Any]) -> list[Problem]:
    values = {k: row[k] for k in DAY_COLUMNS if k in row and row[k] is not None}
    return check_checkin(values)[1]


def _day_value_problems(row: Mapping[str, Any]) -> list[Problem]:
    if "metric" not in row or "value" not in row:
        return []
    reason = check_day_value(row["metric"], row["value"])
    return [Problem("value", reason)] if reason else []
