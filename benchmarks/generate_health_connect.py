"""Write realistic Health Connect exports, with the values the diary should get from them.

Every export starts as a copy of a real Health Connect database (``healthconnect_staged.db``,
schema version 9, written by Android's own tests; see tests/data/health-connect/SOURCES.md) and
can be upgraded first: version 10 and 12 with AOSP's own upgrade statements
(``derived_v10_v12_upgrade_statements.sql``), 11, 14, 15, 16 and 17 by creating the tables those
versions added as HEALTH_CONNECT_SCHEMA.md describes them (their columns as far as it lists
them), and "23" by adding what people saw in their 2026 exports (a ``device_data_provider_id``
column on every record table, an unknown table). 13 and 18 changed no tables the import reads
(18 adds backup bookkeeping), so only their ``user_version`` is set.
Rows are written as Health Connect stores them: epoch milliseconds in UTC, zone offsets in
seconds, caffeine and minerals in grams, water in litres, energy in small calories, sleep stages
in ``sleep_stages_table``.

`truth` computes the expected diary values from the written records with plain Python
(``datetime`` with the record's offset for the local day, interval unions by hand): a second,
independent reading of the same rules the importer runs in SQL.

Usage: ``python benchmarks/generate_health_connect.py OUT.db --days 365``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "health-connect"
BASE_DB = DATA / "healthconnect_staged.db"
UPGRADE_SQL = DATA / "derived_v10_v12_upgrade_statements.sql"
INTERVAL_COLS = (
    "row_id INTEGER PRIMARY KEY AUTOINCREMENT, uuid BLOB NOT NULL UNIQUE, last_modified_time "
    "INTEGER, client_record_id TEXT, client_record_version TEXT, device_info_id INTEGER, "
    "app_info_id INTEGER, recording_method INTEGER, dedupe_hash BLOB UNIQUE, start_time INTEGER, "
    "start_zone_offset INTEGER, end_time INTEGER, end_zone_offset INTEGER, local_date INTEGER, "
    "local_date_time_start_time INTEGER AS (start_time + 1000 * start_zone_offset), "
    "local_date_time_end_time INTEGER AS (end_time + 1000 * end_zone_offset)"
)
VERSIONS = (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 23)
ASLEEP = {2, 4, 5, 6}
APPS = [
    ("com.sec.android.app.shealth", "Samsung Health"),
    ("com.fitbit.FitbitMobile", "Fitbit"),
    ("com.google.android.apps.fitness", "Fit"),
    ("com.myfitnesspal.android", "MyFitnessPal"),
]
DEVICES = [("samsung", "SM-R960", 1), ("Google", "Pixel 8", 2), ("Fitbit", "Charge 6", 6)]


def upgrade(db: Path, version: int) -> None:
    """Bring a copy of the v9 database to `version` (see the module docstring for how)."""
    con = _fast(sqlite3.connect(db))
    chunks = UPGRADE_SQL.read_text().split(";")
    statements = [
        "\n".join(ln for ln in c.splitlines() if not ln.startswith("--")).strip() for c in chunks
    ]
    statements = [s for s in statements if s.startswith("ALTER TABLE")]
    planned = [s for s in statements if "planned_exercise_session_id" in s]
    with con:
        if version >= 10:
            for s in statements:
                if s not in planned:
                    con.execute(s)
        if version >= 11:
            con.execute(
                f"CREATE TABLE skin_temperature_record_table ({INTERVAL_COLS}, "
                "measurement_location INTEGER NOT NULL, baseline REAL)"
            )
        if version >= 12:
            con.execute(
                f"CREATE TABLE planned_exercise_session_record_table ({INTERVAL_COLS}, "
                "notes TEXT, exercise_type INTEGER, title TEXT, has_explicit_time INTEGER, "
                "completed_session_id BLOB)"
            )
            con.execute(planned[0])
        if version >= 14:
            con.execute(
                f"CREATE TABLE mindfulness_session_record_table ({INTERVAL_COLS}, "
                "type INTEGER, title TEXT, notes TEXT)"
            )
        if version >= 15:  # personal health records: the export empties these tables
            con.execute(
                "CREATE TABLE medical_data_source_table (row_id INTEGER PRIMARY KEY, "
                "display_name TEXT, fhir_base_uri TEXT, app_info_id INTEGER)"
            )
            con.execute(
                "CREATE TABLE medical_resource_table (row_id INTEGER PRIMARY KEY, "
                "fhir_resource_type INTEGER, fhir_resource_id TEXT, fhir_data TEXT, "
                "data_source_id INTEGER)"
            )
        if version >= 16:
            con.execute(
                f"CREATE TABLE activity_intensity_record_table ({INTERVAL_COLS}, type INTEGER)"
            )
        if version >= 17:
            con.execute(
                "CREATE TABLE read_access_logs_table (row_id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "reader_app_id INTEGER, writer_app_id INTEGER, record_type TEXT, "
                "read_time INTEGER, was_read_record_written_in_past_30_days INTEGER)"
            )
        if version >= 19:
            tables = [
                r[0]
                for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                if r[0].endswith("_record_table") or r[0].endswith("RecordTable")
            ]
            for t in tables:
                con.execute(f"ALTER TABLE {t} ADD COLUMN device_data_provider_id INTEGER")
            con.execute(f"CREATE TABLE future_reading_record_table ({INTERVAL_COLS}, x REAL)")
        con.execute(f"PRAGMA user_version = {version}")
    con.close()


def _fast(con: sqlite3.Connection) -> sqlite3.Connection:
    """No fsync while writing a throw-away test file."""
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA journal_mode = MEMORY")
    return con


@dataclass
class Rec:
    """One interval (or, with end == start, instant) record as the model knows it."""

    table: str
    app: int
    device: int
    start: int
    end: int
    off: int
    end_off: int
    values: dict[str, float | int | None] = field(default_factory=dict)
    stages: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class Export:
    records: list[Rec] = field(default_factory=list)
    bad: Counter[str] = field(default_factory=Counter)
    """Rows written with an impossible time, offset or value, by table."""


def local_day(ms: int, off: int) -> date:
    return datetime.fromtimestamp(ms / 1000, timezone(timedelta(seconds=off))).date()


def write(export: Export, out: Path, version: int = 9, seed: int = 0) -> None:
    """Copy the real v9 database to `out`, upgrade it, and insert the records."""
    shutil.copyfile(BASE_DB, out)
    out.chmod(0o644)
    if version != 9:
        upgrade(out, version)
    rnd = random.Random(seed)
    con = _fast(sqlite3.connect(out))
    with con:
        con.execute("DELETE FROM application_info_table")
        con.execute("DELETE FROM device_info_table")
        con.executemany(
            "INSERT INTO application_info_table (row_id, package_name, app_name) VALUES (?,?,?)",
            [(i + 1, p, n) for i, (p, n) in enumerate(APPS)],
        )
        con.executemany(
            "INSERT INTO device_info_table (row_id, manufacturer, model, device_type)"
            " VALUES (?,?,?,?)",
            [(i + 1, *d) for i, d in enumerate(DEVICES)],
        )
        for rec in export.records:
            _insert(con, rec, rnd)
    con.close()


def _insert(con: sqlite3.Connection, rec: Rec, rnd: random.Random) -> None:
    instant = rec.table == "resting_heart_rate_record_table"
    common = {
        "uuid": rnd.randbytes(16),
        "last_modified_time": rec.end,
        "client_record_id": None,
        "client_record_version": "0",
        "device_info_id": rec.device,
        "app_info_id": rec.app,
        "recording_method": 2,
        "dedupe_hash": None,
    }
    if rec.table not in ("nutrition_record_table", "hydration_record_table"):
        common["client_record_id"] = f"{rec.table[:4]}-{rnd.getrandbits(48):x}"
    if instant:
        common.update(time=rec.start, zone_offset=rec.off)
        local = rec.start + 1000 * rec.off
    else:
        common.update(
            start_time=rec.start,
            start_zone_offset=rec.off,
            end_time=rec.end,
            end_zone_offset=rec.end_off,
        )
        local = rec.start + 1000 * rec.off
    common["local_date"] = local // 86_400_000 if isinstance(local, int) else None
    row = {**common, **rec.values}
    cols = ", ".join(row)
    cur = con.execute(
        f"INSERT INTO {rec.table} ({cols}) VALUES ({', '.join('?' * len(row))})",
        list(row.values()),
    )
    if rec.stages:
        con.executemany(
            "INSERT INTO sleep_stages_table VALUES (?,?,?,?)",
            [(cur.lastrowid, s, e, t) for s, e, t in rec.stages],
        )
    if rec.table == "heart_rate_record_table":
        con.executemany(
            "INSERT INTO heart_rate_record_series_table VALUES (?,?,?)",
            [(cur.lastrowid, 55 + (i * 7) % 60, rec.start + i * 60_000) for i in range(60)],
        )


# -- truth ------------------------------------------------------------------------------------


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def truth(export: Export) -> dict[tuple[date, str], float]:
    """The diary values `export` should give, computed without SQL."""
    out: dict[tuple[date, str], float] = {}
    per_source: dict[tuple[str, date, int, int], float] = defaultdict(float)
    intake: dict[tuple[str, date, int, int, float], Counter[int]] = defaultdict(Counter)
    means: dict[tuple[str, date], list[float]] = defaultdict(list)
    sleep: list[tuple[int, int, int]] = []
    sessions: list[tuple[int, int, date]] = []
    source_metrics = {
        "steps_record_table": ("steps", "count", 1.0),
        "active_calories_burned_record_table": ("active_energy_kcal", "energy", 1e-3),
    }
    intake_metrics = {
        ("nutrition_record_table", "caffeine"): "caffeine_mg",
        ("nutrition_record_table", "magnesium"): "magnesium_mg",
        ("nutrition_record_table", "potassium"): "potassium_mg",
        ("nutrition_record_table", "calcium"): "calcium_mg",
        ("hydration_record_table", "volume"): "water_litres",
    }
    for r in export.records:
        day = local_day(r.start, r.off)
        if r.table in source_metrics:
            metric, col, factor = source_metrics[r.table]
            per_source[metric, day, r.app, r.device] += float(r.values[col] or 0) * factor
        elif r.table == "mindfulness_session_record_table":
            per_source["mindful_minutes", day, r.app, r.device] += (r.end - r.start) / 60_000
        elif r.table == "resting_heart_rate_record_table":
            means["resting_heart_rate_bpm", day].append(float(r.values["beats_per_minute"] or 0))
        elif r.table == "exercise_session_record_table":
            sessions.append((r.start, r.end, day))
        elif r.table == "sleep_session_record_table":
            if r.stages:
                sleep += [(s, e, r.end_off) for s, e, t in r.stages if t in ASLEEP]
            elif not any(
                o.stages and o.start < r.end and o.end > r.start
                for o in export.records
                if o.table == r.table
            ):
                sleep.append((r.start, r.end, r.end_off))
        for (table, col), metric in intake_metrics.items():
            if r.table == table and r.values.get(col) is not None:
                value = float(r.values[col] or 0)
                intake[metric, day, r.start, r.end, value][r.app] += 1
    for (metric, day, _a, _d), total in per_source.items():
        out[day, metric] = max(out.get((day, metric), 0.0), total)
    factors = {"water_litres": 1.0}
    for (metric, day, _s, _e, value), apps in intake.items():
        add = value * max(apps.values()) * factors.get(metric, 1000.0)
        out[day, metric] = out.get((day, metric), 0.0) + add
    for (metric, day), readings in means.items():
        out[day, metric] = sum(readings) / len(readings)
    _truth_sleep(sleep, out)
    _truth_exercise(sessions, out)
    return out


def _truth_sleep(sleep: list[tuple[int, int, int]], out: dict[tuple[date, str], float]) -> None:
    """Union of asleep intervals; nights split at gaps of 3 h; each night to its wake day."""
    offsets = {(s, e): off for s, e, off in sleep}
    merged = _union([(s, e) for s, e, _ in sleep])
    night: list[tuple[int, int]] = []
    nights: list[list[tuple[int, int]]] = []
    for s, e in merged:
        if night and s - night[-1][1] >= 3 * 3600_000:
            nights.append(night)
            night = []
        night.append((s, e))
    if night:
        nights.append(night)
    for n in nights:
        end = n[-1][1]
        off = max((o for (s, e), o in offsets.items() if e == end), default=0)
        day = local_day(end, off)
        asleep = sum(e - s for s, e in n) / 3600_000
        if asleep > 0:
            out[day, "sleep_hours"] = out.get((day, "sleep_hours"), 0.0) + asleep


def _truth_exercise(
    sessions: list[tuple[int, int, date]], out: dict[tuple[date, str], float]
) -> None:
    """Overlapping sessions count once, as the span of the group, on its first start's day."""
    groups: list[list[tuple[int, int, date]]] = []
    for s in sorted(sessions):
        if groups and s[0] < max(x[1] for x in groups[-1]):
            groups[-1].append(s)
        else:
            groups.append([s])
    for g in groups:
        minutes = (max(x[1] for x in g) - g[0][0]) / 60_000
        out[g[0][2], "exercise_minutes"] = out.get((g[0][2], "exercise_minutes"), 0.0) + minutes


# -- a year of a watch-wearer -----------------------------------------------------------------


def year(days: int = 365, seed: int = 1, first: date = date(2025, 1, 1)) -> Export:
    """A watch (Samsung Health) and a phone (Fit) both counting steps, minute heart rate, nightly
    staged sleep, daily workouts, coffee and water logged in two apps, some of it copied."""
    rnd = random.Random(seed)
    ex = Export()
    for n in range(days):
        day = first + timedelta(days=n)
        off = 3600 if not (90 <= n < 300) else 7200
        midnight = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
        midnight -= off * 1000
        for app, dev in ((1, 1), (3, 2)):
            t = midnight + 7 * 3600_000
            for _ in range(rnd.randint(250, 350)):
                length = rnd.choice((60_000, 120_000, 300_000))
                ex.records.append(
                    Rec(
                        "steps_record_table",
                        app,
                        dev,
                        t,
                        t + length,
                        off,
                        off,
                        {"count": rnd.randint(0, 120)},
                    )
                )
                t += length + rnd.randint(0, 60_000)
        for h in range(24):
            t = midnight + h * 3600_000
            ex.records.append(Rec("heart_rate_record_table", 1, 1, t, t + 3600_000, off, off))
            ex.records.append(
                Rec(
                    "active_calories_burned_record_table",
                    1,
                    1,
                    t,
                    t + 3600_000,
                    off,
                    off,
                    {"energy": rnd.uniform(5_000, 60_000)},
                )
            )
        bed = midnight - rnd.randint(60, 150) * 60_000
        stages, t = [], bed
        while t < bed + rnd.randint(6, 8) * 3600_000:
            length = rnd.randint(5, 40) * 60_000
            stages.append((t, t + length, rnd.choice((1, 4, 4, 5, 6))))
            t += length
        ex.records.append(
            Rec("sleep_session_record_table", 1, 1, bed, t, off, off, {"title": None}, stages)
        )
        gym = midnight + rnd.randint(17, 19) * 3600_000
        ex.records.append(
            Rec(
                "exercise_session_record_table",
                1,
                1,
                gym,
                gym + rnd.randint(20, 70) * 60_000,
                off,
                off,
                {"exercise_type": rnd.choice((33, 53, 45)), "has_route": 0},
            )
        )
        for _ in range(3):
            t = midnight + rnd.randint(7, 16) * 3600_000
            rec = Rec(
                "nutrition_record_table",
                4,
                2,
                t,
                t + 60_000,
                off,
                off,
                {"caffeine": rnd.choice((0.063, 0.095, 0.04)), "meal_type": 4},
            )
            ex.records.append(rec)
            if rnd.random() < 0.3:
                ex.records.append(Rec(rec.table, 1, 2, t, t + 60_000, off, off, rec.values))
        for _ in range(6):
            t = midnight + rnd.randint(7, 22) * 3600_000
            ex.records.append(
                Rec(
                    "hydration_record_table",
                    1,
                    2,
                    t,
                    t + 1,
                    off,
                    off,
                    {"volume": rnd.choice((0.25, 0.33, 0.5))},
                )
            )
        ex.records.append(
            Rec(
                "resting_heart_rate_record_table",
                1,
                1,
                midnight + 8 * 3600_000,
                midnight + 8 * 3600_000,
                off,
                off,
                {"beats_per_minute": rnd.randint(52, 68)},
            )
        )
    return ex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--version", type=int, default=18, choices=VERSIONS)
    args = parser.parse_args()
    args.out.unlink(missing_ok=True)
    write(year(args.days), args.out, args.version)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
