"""Turn a Health Connect database into one value per local day and metric.

Each metric is one SQL query over the read-only copy: SQLite groups the rows by local day, so a
year of minute-level steps never becomes Python objects. The rules match the Apple Health import
(see `..apple_health._days`), with Health Connect's storage (HEALTH_CONNECT_SCHEMA.md):

- Times are epoch milliseconds in UTC with the zone offset in seconds beside them; a record's
  local day is ``(time + 1000 * offset)`` in days. Interval records count on the local day they
  start, sleep on the local day it ends (the wake day).
- Device measures (steps, active energy, mindful minutes) are summed per app and device, and the
  day takes the largest: a phone and a watch, or Samsung Health and Fitbit, that both record the
  same walk would otherwise double it.
- Logged intake (caffeine, water, minerals) is summed over every app, but a drink copied by a
  second app (same start, end and amount) counts once. Health Connect does not de-duplicate these
  itself: nutrition and hydration are exempt from its ``dedupe_hash``.
- Sleep counts asleep stages only (sleeping, light, deep, REM); a session an app wrote without
  stages counts whole, unless a session with stages overlaps it (that one knows the awake
  parts). Overlapping sessions from several apps are merged, never added.
- Exercise minutes come from exercise sessions; overlapping sessions count as their union.
- A day with no record of a kind gets no value: unknown, never zero.
- Rows with an impossible time, zone offset or value are counted by reason and skipped.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from .._base import DayValue, ImportResult, ImportSummary, Progress, register
from ..apple_health._days import METRICS, _nights, _workout_minutes
from ._source import Database, HealthConnectError, _quote, damaged, open_export, sniff

KNOWN_VERSIONS = range(9, 19)
"""Schema versions whose tables this reader was written against (AOSP DatabaseVersions 9-18)."""
EPOCH = date(1970, 1, 1)
DAY_MS = 86_400_000
MAX_OFFSET_S = 18 * 3600
"""java.time.ZoneOffset allows -18:00 to +18:00."""
ASLEEP_STAGES = (2, 4, 5, 6)
"""SLEEPING, SLEEPING_LIGHT, SLEEPING_DEEP, SLEEPING_REM (platform SleepSessionRecord)."""

SLEEP = "sleep_session_record_table"
STAGES = "sleep_stages_table"
EXERCISE = "exercise_session_record_table"
INTERVAL = ("start_time", "start_zone_offset", "end_time", "end_zone_offset")
INSTANT = ("time", "zone_offset")


@dataclass(frozen=True)
class Measure:
    """A value column of a record table and how it becomes a diary metric."""

    metric: str
    table: str
    column: str
    factor: float
    combine: str
    """``max_source``: summed per app and device, largest source; ``intake``: summed over apps,
    copies counted once; ``mean``: mean of all readings."""
    since: int = 9
    """The schema version that introduced the table (a missing table before it is expected)."""


MEASURES = (
    Measure("steps", "steps_record_table", "count", 1.0, "max_source"),
    Measure(
        "active_energy_kcal", "active_calories_burned_record_table", "energy", 1e-3, "max_source"
    ),
    Measure("caffeine_mg", "nutrition_record_table", "caffeine", 1000.0, "intake"),
    Measure("water_litres", "hydration_record_table", "volume", 1.0, "intake"),
    Measure("potassium_mg", "nutrition_record_table", "potassium", 1000.0, "intake"),
    Measure("magnesium_mg", "nutrition_record_table", "magnesium", 1000.0, "intake"),
    Measure("calcium_mg", "nutrition_record_table", "calcium", 1000.0, "intake"),
    Measure(
        "resting_heart_rate_bpm", "resting_heart_rate_record_table", "beats_per_minute", 1.0, "mean"
    ),
)
MINDFULNESS = "mindfulness_session_record_table"
USED_TABLES = frozenset({m.table for m in MEASURES} | {SLEEP, EXERCISE, MINDFULNESS})


def _valid(prefix: str, instant: bool, max_day: int) -> str:
    """SQL that is 1 for a row whose times and zone offsets are possible, 0 or NULL if not."""
    p = prefix
    if instant:
        return (
            f"(typeof({p}time) = 'integer' AND typeof({p}zone_offset) = 'integer'"
            f" AND abs({p}zone_offset) <= {MAX_OFFSET_S}"
            f" AND {p}time + 1000 * {p}zone_offset BETWEEN 0 AND {(max_day + 1) * DAY_MS - 1})"
        )
    return (
        f"(typeof({p}start_time) = 'integer' AND typeof({p}end_time) = 'integer'"
        f" AND typeof({p}start_zone_offset) = 'integer' AND typeof({p}end_zone_offset) = 'integer'"
        f" AND abs({p}start_zone_offset) <= {MAX_OFFSET_S}"
        f" AND abs({p}end_zone_offset) <= {MAX_OFFSET_S}"
        f" AND {p}end_time >= {p}start_time"
        f" AND {p}start_time + 1000 * {p}start_zone_offset >= 0"
        f" AND {p}end_time + 1000 * {p}end_zone_offset <= {(max_day + 1) * DAY_MS - 1})"
    )


def _day(prefix: str, instant: bool, at: str = "start") -> str:
    """SQL for a row's local day as days since 1970-01-01 (rows are valid, so never negative)."""
    if instant:
        return f"(({prefix}time + 1000 * {prefix}zone_offset) / {DAY_MS})"
    return f"(({prefix}{at}_time + 1000 * {prefix}{at}_zone_offset) / {DAY_MS})"


def _number(column: str) -> str:
    return f"(typeof({column}) IN ('integer', 'real') AND {column} >= 0 AND {column} < 1e12)"


class Reader:
    """Runs the per-metric queries on one open export and collects values and notes."""

    def __init__(self, db: Database, today: date | None = None) -> None:
        self.db = db
        self.max_day = ((today or date.today()) + timedelta(days=1) - EPOCH).days
        self.values: dict[tuple[str, date], float] = {}
        self.used = 0
        self.ignored: Counter[str] = Counter()
        self.notes: list[str] = []
        self._noted: set[str] = set()

    # -- helpers -------------------------------------------------------------------------------

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            return self.db.conn.execute(sql).fetchall()
        except sqlite3.DatabaseError as exc:
            raise damaged(self.db.name, str(exc)) from exc

    def _readable(self, what: str, table: str, columns: Iterable[str], since: int = 9) -> bool:
        """Whether `table` has `columns`; notes what could not be read when it does not."""
        found = self.db.columns.get(table)
        if found is None:
            if self.db.user_version >= since and table not in self._noted:
                self._noted.add(table)
                self.notes.append(f"{what} not read: the export has no {table}.")
            return False
        missing = [c for c in columns if c not in found]
        if missing:
            self.notes.append(
                f"{what} not read: {table} has no {', '.join(missing)} column "
                "(a Health Connect version twitchwise does not know)."
            )
            return False
        return True

    def _count_bad(self, table: str, valid: str, scope: str = "1") -> None:
        (bad,) = self._rows(
            f"SELECT COUNT(*) FROM {_quote(table)} WHERE ({scope}) AND ({valid}) IS NOT 1"
        )[0]
        if bad:
            self.ignored[f"{table}: impossible time, zone offset or value"] += int(bad)

    def _put(self, metric: str, table: str, rows: Iterable[tuple[Any, ...]], factor: float) -> None:
        for day, value, count in rows:
            if day == -1:
                self.ignored[f"{table}: impossible time, zone offset or value"] += int(count)
                continue
            self.values[metric, EPOCH + timedelta(days=int(day))] = float(value) * factor
            self.used += int(count)

    # -- metrics -------------------------------------------------------------------------------

    def measure(self, m: Measure) -> None:
        instant = m.combine == "mean"
        base = ("app_info_id", "device_info_id", *(INSTANT if instant else INTERVAL))
        if not self._readable(m.metric, m.table, (*base, m.column), m.since):
            return
        t, v = _quote(m.table), m.column
        # One pass per metric: rows that cannot be right fall on day -1 and are counted there.
        day = f"CASE WHEN {_valid('', instant, self.max_day)} AND {_number(v)}"
        day += f" THEN {_day('', instant)} ELSE -1 END"
        if m.combine == "max_source":
            sql = (
                f"SELECT d, MAX(total), SUM(n) FROM (SELECT {day} AS d, SUM({v}) AS total,"
                f" COUNT(*) AS n FROM {t} GROUP BY app_info_id, device_info_id, d) GROUP BY d"
            )
        elif m.combine == "intake":
            # The same drink written by several apps counts once: per (day, start, end, amount),
            # take the largest number of copies any one app wrote.
            sql = (
                "SELECT d, SUM(v * most), SUM(n) FROM"
                " (SELECT d, v, MAX(k) AS most, SUM(k) AS n FROM"
                f" (SELECT {day} AS d, start_time, end_time, {v} AS v, COUNT(*) AS k FROM {t}"
                f" WHERE {v} IS NOT NULL GROUP BY d, start_time, end_time, v, app_info_id)"
                " GROUP BY d, start_time, end_time, v) GROUP BY d"
            )
        else:
            sql = f"SELECT {day} AS d, AVG({v}), COUNT(*) FROM {t} GROUP BY d"
        self._put(m.metric, m.table, self._rows(sql), m.factor)

    def mindfulness(self) -> None:
        cols = ("app_info_id", "device_info_id", *INTERVAL)
        if not self._readable("mindful_minutes", MINDFULNESS, cols, since=14):
            return
        day = f"CASE WHEN {_valid('', False, self.max_day)} THEN {_day('', False)} ELSE -1 END"
        sql = (
            f"SELECT d, MAX(total), SUM(n) FROM (SELECT {day} AS d,"
            " SUM(end_time - start_time) AS total, COUNT(*) AS n"
            f" FROM {MINDFULNESS} GROUP BY app_info_id, device_info_id, d) GROUP BY d"
        )
        self._put("mindful_minutes", MINDFULNESS, self._rows(sql), 1 / 60_000)

    def exercise(self) -> None:
        if not self._readable("exercise_minutes", EXERCISE, INTERVAL):
            return
        valid = _valid("", False, self.max_day)
        self._count_bad(EXERCISE, valid)
        rows = self._rows(
            f"SELECT start_time, end_time, {_day('', False)} FROM {EXERCISE} WHERE {valid}"
        )
        sessions = [
            (
                int(s) / 1000,
                int(e) / 1000,
                (int(e) - int(s)) / 60_000,
                EPOCH + timedelta(days=int(d)),
            )
            for s, e, d in rows
        ]
        self.used += len(sessions)
        for day, minutes in _workout_minutes(sessions).items():
            self.values["exercise_minutes", day] = minutes

    def sleep(self) -> None:
        if not self._readable("sleep_hours", SLEEP, ("row_id", *INTERVAL)):
            return
        valid = _valid("s.", False, self.max_day)
        self._count_bad(SLEEP, _valid("", False, self.max_day))
        wake_day = _day("s.", False, "end")
        whole = f"SELECT s.start_time, s.end_time, {wake_day} FROM {SLEEP} s WHERE {valid}"
        stages = self._readable(
            "sleep stages",
            STAGES,
            ("parent_key", "stage_start_time", "stage_end_time", "stage_type"),
        )
        if stages:
            staged = (
                "SELECT st.stage_start_time, st.stage_end_time,"
                " (st.stage_end_time + 1000 * s.end_zone_offset) / 86400000"
                f" FROM {STAGES} st JOIN {SLEEP} s ON st.parent_key = s.row_id WHERE {valid}"
                f" AND st.stage_type IN {ASLEEP_STAGES}"
                " AND typeof(st.stage_start_time) = 'integer'"
                " AND typeof(st.stage_end_time) = 'integer'"
                " AND st.stage_end_time >= st.stage_start_time"
                " AND st.stage_start_time + 1000 * s.start_zone_offset >= 0"
                f" AND st.stage_end_time + 1000 * s.end_zone_offset < {(self.max_day + 1) * DAY_MS}"
            )
            # A session without stages counts only where no session with stages overlaps it:
            # the staged one knows when you were awake, the plain one would count that as sleep.
            staged_ids = f"SELECT parent_key FROM {STAGES} WHERE parent_key IS NOT NULL"
            whole += (
                f" AND s.row_id NOT IN ({staged_ids}) AND NOT EXISTS (SELECT 1 FROM {SLEEP} s2"
                f" WHERE s2.row_id IN ({staged_ids})"
                " AND s2.start_time < s.end_time AND s2.end_time > s.start_time)"
            )
            sql = f"{staged} UNION ALL {whole}"
        else:
            sql = whole
        intervals = [
            (int(s) / 1000, int(e) / 1000, EPOCH + timedelta(days=int(d)))
            for s, e, d in self._rows(sql)
        ]
        self.used += len(intervals)
        for day, seconds in _nights(intervals).items():
            if seconds > 0:
                self.values["sleep_hours", day] = seconds / 3600

    def skipped_tables(self) -> list[str]:
        """Record tables with rows that the diary does not use (heart rate, weight, ...)."""
        out = []
        for table in sorted(self.db.columns):
            if table in USED_TABLES or not _is_record_table(table):
                continue
            if self._rows(f"SELECT EXISTS (SELECT 1 FROM {_quote(table)})")[0][0]:
                out.append(table)
        return out


def _is_record_table(name: str) -> bool:
    return name.endswith("_record_table") or name.endswith("RecordTable")


def read_export(
    path: str | Path, progress: Progress | None = None, *, today: date | None = None
) -> ImportResult:
    """Read a Health Connect export (zip or .db) into per-day values, writing nothing.

    The database is copied out, checked (SQLite's ``quick_check``) and read completely before
    anything is returned; a damaged or non-Health-Connect file raises `HealthConnectError`.
    Tables and columns this version does not know are skipped and named in the summary's notes.
    `progress` gets (bytes copied, database size) and a final call when reading is done.
    """
    with open_export(Path(path), progress) as db:
        reader = Reader(db, today)
        steps: list[Callable[[], None]] = [
            *(partial(reader.measure, m) for m in MEASURES),
            reader.mindfulness,
            reader.exercise,
            reader.sleep,
        ]
        for step in steps:
            step()
        skipped = reader.skipped_tables()
        if db.user_version not in KNOWN_VERSIONS:
            reader.notes.insert(0, _version_note(db.user_version))
        size = db.size
    if progress is not None:
        progress(size, size)
    values = sorted(
        (DayValue(d, metric, round(v, 6)) for (metric, d), v in reader.values.items()),
        key=lambda dv: (dv.day, METRICS.index(dv.metric)),
    )
    return ImportResult(values, _summary(values, reader, skipped, size))


def _version_note(version: int) -> str:
    if version > KNOWN_VERSIONS[-1]:
        return (
            f"This export comes from a newer Health Connect (database version {version}; "
            f"twitchwise knows versions {KNOWN_VERSIONS[0]} to {KNOWN_VERSIONS[-1]}). "
            "Everything it knows was read; anything else is listed as skipped."
        )
    return (
        f"This export has database version {version}, older than any twitchwise knows "
        f"({KNOWN_VERSIONS[0]} to {KNOWN_VERSIONS[-1]}); the tables it recognised were read."
    )


def _summary(
    values: list[DayValue], reader: Reader, skipped: list[str], size: int
) -> ImportSummary:
    return ImportSummary.of(
        values,
        order=METRICS,
        bytes_read=size,
        records_used=reader.used,
        ignored=reader.ignored,
        skipped_types=skipped,
        notes=reader.notes,
    )


class HealthConnectImporter:
    """The Health Connect importer, registered as ``health-connect``."""

    name = "health-connect"
    label = "Health Connect"

    def detect(self, path: Path) -> bool:
        return sniff(Path(path)) is not None

    def read(self, path: Path, progress: Progress | None = None) -> ImportResult:
        return read_export(path, progress)


register(HealthConnectImporter())

__all__ = ["HealthConnectError", "HealthConnectImporter", "read_export"]
