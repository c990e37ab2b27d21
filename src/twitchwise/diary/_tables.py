"""Whole tables, row by row, for a backup and its restore.

The rows are read and written generically from the table definitions in `_models.py`, so a column
or table added by a later migration travels in a backup without any change here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ._entries import DAY_COLUMNS
from ._errors import DiaryError, Problem
from ._models import Base
from ._validate import check_checkin, check_day_value, check_twitch

MAX_PROBLEMS = 20
"""A restore that fails lists this many problems, not ten thousand."""


def all_tables() -> list[Table]:
    """Every diary table, parents before children (the order to insert in)."""
    return list(Base.metadata.sorted_tables)


def table_rows(session: Session, table: Table) -> list[dict[str, Any]]:
    """Every row of `table` as {column: Python value}, in primary-key order."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = session.execute(select(table).order_by(*order))
    return [dict(row) for row in result.mappings()]


def count_rows(session: Session) -> dict[str, int]:
    return {
        t.name: int(session.execute(select(func.count()).select_from(t)).scalar_one())
        for t in all_tables()
    }


def replace_all(session: Session, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Delete every row of every table, then insert `rows` (by table name), in `session`'s
    transaction: the caller's commit makes it whole, any error leaves the diary as it was."""
    tables = all_tables()
    unknown = sorted(set(rows) - {t.name for t in tables})
    if unknown:
        raise DiaryError("tables", f"unknown tables: {', '.join(unknown)}")
    for table in reversed(tables):
        session.execute(delete(table))
    for table in tables:
        batch = [dict(r) for r in rows.get(table.name, ())]
        if not batch:
            continue
        try:
            session.execute(insert(table), batch)
        except IntegrityError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DiaryError.from_problems(
                [Problem(table.name, f"the rows break a rule of the table: {reason}")]
            ) from None
    _advance_sequences(session, tables)


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
                    "SELECT setval(pg_get_serial_sequence(:table, :column), "
                    f'COALESCE((SELECT MAX("{column.name}") FROM "{table.name}"), 0) + 1, false)'
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
