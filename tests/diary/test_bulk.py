"""Imports write in bulk: the number of SQL statements does not grow with the number of values."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event

from twitchwise.diary import DayValue, Diary
from twitchwise.diary._bulk import COPY_FROM, store_day_values
from twitchwise.diary._validate import check_checkin, check_twitch

START = date(2020, 1, 1)
FIRST = datetime(2024, 1, 1, 8)
METRICS = ("steps", "active_energy_kcal", "caffeine_mg", "sleep_hours")


@contextmanager
def counting(diary: Diary) -> Iterator[list[str]]:
    """The SQL statements the diary sends while the block runs (an executemany counts once)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.split(None, 1)[0].upper())

    event.listen(diary.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(diary.engine, "before_cursor_execute", note)


def values(days: int, bump: int = 0) -> list[DayValue]:
    return [
        DayValue(START + timedelta(days=d), m, float(d % 50 + i + (bump if d % 2 else 0)))
        for d in range(days)
        for i, m in enumerate(METRICS)
    ]


def test_day_values_take_a_fixed_number_of_statements(diary: Diary) -> None:
    many = values(COPY_FROM // 2)  # 2 x COPY_FROM values: COPY on PostgreSQL
    with counting(diary) as first:
        stats = diary.import_day_values(many, "bench")
    assert (stats.added, stats.updated, stats.unchanged) == (len(many), 0, 0)
    with counting(diary) as again:
        stats = diary.import_day_values(values(COPY_FROM // 2, bump=1), "bench")
    assert (stats.added, stats.updated, stats.unchanged) == (0, len(many) // 2, len(many) // 2)
    with counting(diary) as small:
        diary.import_day_values(values(3), "other")
    # One SELECT of what is stored, one INSERT (or COPY, which bypasses these events), one
    # UPDATE, plus the transaction's own statements: the same count for 12 values or 1000.
    assert len(first) <= len(small) <= 6, (first, small)
    copy = diary.engine.dialect.name == "postgresql"
    assert first.count("INSERT") == (0 if copy else 1), first
    assert again.count("UPDATE") == 1 and "INSERT" not in again, again
    stored = {(v.day, v.metric): v.value for _, v in diary.list_day_values(source="bench")}
    assert stored == {(v.day, v.metric): v.value for v in values(COPY_FROM // 2, bump=1)}


def test_csv_style_import_of_many_twitches_and_checkins(diary: Diary) -> None:
    twitches = [
        check_twitch({"site": "left_thigh", "time": FIRST + timedelta(hours=h)})[0]
        for h in range(COPY_FROM + 10)
    ]
    checkins = [
        {
            "day": date(2024, 1, 1) + timedelta(days=d),
            **check_checkin({"sleep_hours": 7.0, "symptoms": ("cramping",)})[0],
        }
        for d in range(20)
    ]
    first = diary.import_entries(twitches, checkins)
    assert first.by_kind["twitches"]["added"] == len(twitches)
    assert first.by_kind["days"]["added"] == 20
    changed = [{**c, "sleep_hours": 6.5} if i % 2 else c for i, c in enumerate(checkins)]
    again = diary.import_entries(twitches, changed)
    assert again.by_kind["twitches"] == {"added": 0, "unchanged": len(twitches)}
    assert again.by_kind["days"] == {"added": 0, "updated": 10, "unchanged": 10}
    stored = diary.list_checkins()
    assert [c.sleep_hours for c in stored[:4]] == [7.0, 6.5, 7.0, 6.5]
    assert stored[0].symptoms == ("cramping",)
    assert len(diary.list_twitches()) == len(twitches)


def test_a_failure_after_the_bulk_write_leaves_nothing_behind(diary: Diary) -> None:
    """COPY (PostgreSQL) and executemany (SQLite) run inside the import's one transaction."""
    wanted = {(v.day, v.metric): v.value for v in values(COPY_FROM)}
    with pytest.raises(RuntimeError), diary._write() as session:
        assert store_day_values(session, diary.person_id, wanted, "bench").added == len(wanted)
        raise RuntimeError("the import fails after writing")
    assert diary.list_day_values(source="bench") == []
