"""The Health Connect import, on copies of a real Health Connect database (schema v9) and on
copies upgraded to later versions, filled with generated records whose diary values are known."""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from benchmark_scripts import benchmark_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.importers import ImporterError, detect_importer, get_importer, import_into
from twitchwise.importers.health_connect import HealthConnectError, read_export

ROOT = Path(__file__).resolve().parents[2]
REAL_DB = ROOT / "tests" / "data" / "health-connect" / "healthconnect_staged.db"


gen = benchmark_script("generate_health_connect")
Rec = gen.Rec
T0 = int(datetime(2024, 3, 1, tzinfo=UTC).timestamp() * 1000)
HOUR = 3600_000


def _as_dict(values: list[object]) -> dict[tuple[date, str], float]:
    return {(v.day, v.metric): v.value for v in values}  # type: ignore[attr-defined]


def _close(got: dict[tuple[date, str], float], want: dict[tuple[date, str], float]) -> None:
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-5), key


def _zip(db: Path, out: Path, name: str = "health_connect_export.db") -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db, name)
    return out


# -- generated exports compared with their truth ----------------------------------------------

offsets = st.sampled_from([0, 3600, -18000, 19800, 32400, -36000])
apps = st.integers(1, 4)
devices = st.integers(1, 3)


@st.composite
def records(draw: st.DrawFn) -> object:
    kind = draw(
        st.sampled_from(
            [
                "steps",
                "active",
                "caffeine",
                "water",
                "exercise",
                "sleep",
                "resting",
                "mindful",
                "heart",
                "copy",
            ]
        )
    )
    start = T0 + draw(st.integers(0, 4 * 24 * 60)) * 60_000
    length = draw(st.integers(0, 10 * 60)) * 60_000
    off, app, dev = draw(offsets), draw(apps), draw(devices)
    end_off = draw(st.one_of(st.just(off), offsets))
    end = start + length
    if kind == "steps":
        return Rec(
            "steps_record_table",
            app,
            dev,
            start,
            end,
            off,
            end_off,
            {"count": draw(st.integers(0, 5000))},
        )
    if kind == "active":
        return Rec(
            "active_calories_burned_record_table",
            app,
            dev,
            start,
            end,
            off,
            end_off,
            {"energy": draw(st.floats(0, 500_000, allow_nan=False))},
        )
    if kind in ("caffeine", "copy"):
        values = {
            "caffeine": draw(st.sampled_from([0.095, 0.063, 0.0, None])),
            "magnesium": draw(st.sampled_from([None, 0.12])),
            "energy": 2000.0,
        }
        return Rec("nutrition_record_table", app, dev, start, end, off, end_off, values)
    if kind == "water":
        return Rec(
            "hydration_record_table",
            app,
            dev,
            start,
            end,
            off,
            end_off,
            {"volume": draw(st.sampled_from([0.25, 0.5, 0.33]))},
        )
    if kind == "exercise":
        return Rec(
            "exercise_session_record_table",
            app,
            dev,
            start,
            end,
            off,
            end_off,
            {"exercise_type": 33, "has_route": 0},
        )
    if kind == "resting":
        return Rec(
            "resting_heart_rate_record_table",
            app,
            dev,
            start,
            start,
            off,
            off,
            {"beats_per_minute": draw(st.integers(40, 90))},
        )
    if kind == "mindful":
        return Rec(
            "mindfulness_session_record_table", app, dev, start, end, off, end_off, {"type": 1}
        )
    if kind == "heart":
        return Rec("heart_rate_record_table", app, dev, start, end, off, end_off)
    stages = []
    t = start
    for _ in range(draw(st.integers(0, 6))):
        step = draw(st.integers(1, 90)) * 60_000
        stages.append((t, t + step, draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7]))))
        t += step + draw(st.sampled_from([0, 0, 60_000]))
    end = max(end, t)
    return Rec("sleep_session_record_table", app, dev, start, end, off, end_off, {}, stages)


@st.composite
def exports(draw: st.DrawFn) -> tuple[object, int]:
    version = draw(st.sampled_from([9, 10, 12, 14, 18, 23]))
    recs = draw(st.lists(records(), max_size=25))
    if version < 14:
        recs = [r for r in recs if r.table != "mindfulness_session_record_table"]
    # A second app copying a drink: same start, end and amount.
    for r in list(recs):
        if r.table == "nutrition_record_table" and draw(st.booleans()):
            recs.append(
                Rec(
                    r.table,
                    r.app % 4 + 1,
                    r.device,
                    r.start,
                    r.end,
                    r.off,
                    r.end_off,
                    dict(r.values),
                )
            )
    return gen.Export(records=recs), version


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports())
def test_generated_exports_give_their_truth(case: tuple[object, int]) -> None:
    export, version = case
    with _tmpdir() as tmp:
        db = tmp / "export.db"
        gen.write(export, db, version)
        result = read_export(_zip(db, tmp / "Health Connect.zip"))
    _close(_as_dict(result.values), gen.truth(export))
    assert result.summary.ignored == {}
    assert result.summary.values == len(result.values)


class _tmpdir:
    def __enter__(self) -> Path:
        import tempfile

        self._t = tempfile.TemporaryDirectory()
        return Path(self._t.name)

    def __exit__(self, *exc: object) -> None:
        self._t.cleanup()


def test_a_week_of_a_watch_wearer_on_every_known_version(tmp_path: Path) -> None:
    export = gen.year(7)
    want = gen.truth(export)
    assert {m for _, m in want} >= {
        "steps",
        "sleep_hours",
        "caffeine_mg",
        "water_litres",
        "exercise_minutes",
        "resting_heart_rate_bpm",
    }
    for version in gen.VERSIONS:
        db = tmp_path / f"v{version}.db"
        gen.write(export, db, version)
        result = read_export(db)
        _close(_as_dict(result.values), want)
        assert "heart_rate_record_table" in result.summary.skipped_types
        assert bool(result.summary.notes) == (version > 18), version


# -- the rules, one by one ---------------------------------------------------------------------


def _read(tmp_path: Path, recs: list[object], version: int = 18) -> dict[tuple[date, str], float]:
    db = tmp_path / "one.db"
    gen.write(gen.Export(records=recs), db, version)
    return _as_dict(read_export(db).values)


def test_units_caffeine_grams_energy_small_calories_water_litres(tmp_path: Path) -> None:
    got = _read(
        tmp_path,
        [
            Rec("nutrition_record_table", 4, 2, T0, T0 + 60_000, 0, 0, {"caffeine": 0.095}),
            Rec(
                "active_calories_burned_record_table",
                1,
                1,
                T0,
                T0 + HOUR,
                0,
                0,
                {"energy": 250_000.0},
            ),
            Rec("hydration_record_table", 1, 2, T0, T0 + 1, 0, 0, {"volume": 0.5}),
        ],
    )
    day = date(2024, 3, 1)
    assert got == {
        (day, "caffeine_mg"): 95.0,
        (day, "active_energy_kcal"): 250.0,
        (day, "water_litres"): 0.5,
    }


def test_local_day_uses_the_stored_offset(tmp_path: Path) -> None:
    # 23:30 UTC on 1 March is 08:30 on 2 March in Tokyo (+32400 s).
    late = T0 + 23 * HOUR + 30 * 60_000
    got = _read(
        tmp_path,
        [Rec("steps_record_table", 1, 1, late, late + 60_000, 32400, 32400, {"count": 100})],
    )
    assert got == {(date(2024, 3, 2), "steps"): 100.0}


def test_two_apps_counting_the_same_steps_are_not_added(tmp_path: Path) -> None:
    got = _read(
        tmp_path,
        [
            Rec("steps_record_table", 1, 1, T0, T0 + HOUR, 0, 0, {"count": 4000}),
            Rec("steps_record_table", 2, 3, T0, T0 + HOUR, 0, 0, {"count": 3900}),
            Rec("steps_record_table", 1, 1, T0 + HOUR, T0 + 2 * HOUR, 0, 0, {"count": 500}),
        ],
    )
    assert got == {(date(2024, 3, 1), "steps"): 4500.0}


def test_a_drink_copied_by_a_second_app_counts_once_two_real_drinks_twice(
    tmp_path: Path,
) -> None:
    coffee = {"caffeine": 0.1}
    got = _read(
        tmp_path,
        [
            Rec("nutrition_record_table", 4, 2, T0, T0 + 60_000, 0, 0, coffee),
            Rec("nutrition_record_table", 1, 2, T0, T0 + 60_000, 0, 0, coffee),
            Rec("nutrition_record_table", 4, 2, T0 + HOUR, T0 + HOUR + 60_000, 0, 0, coffee),
            Rec("nutrition_record_table", 4, 2, T0 + HOUR, T0 + HOUR + 60_000, 0, 0, coffee),
        ],
    )
    assert got == {(date(2024, 3, 1), "caffeine_mg"): pytest.approx(300.0)}


def test_sleep_counts_asleep_stages_on_the_wake_day_and_merges_apps(tmp_path: Path) -> None:
    bed = T0 + 22 * HOUR  # 22:00 on 1 March, UTC
    stages = [
        (bed, bed + HOUR, 1),  # awake
        (bed + HOUR, bed + 3 * HOUR, 4),  # light
        (bed + 3 * HOUR, bed + 5 * HOUR, 5),  # deep
        (bed + 5 * HOUR, bed + 6 * HOUR, 7),  # awake in bed
        (bed + 6 * HOUR, bed + 8 * HOUR, 6),  # REM
    ]
    got = _read(
        tmp_path,
        [
            Rec("sleep_session_record_table", 1, 1, bed, bed + 8 * HOUR, 0, 0, {}, stages),
            # A second app's session without stages over the same night: the staged one wins.
            Rec("sleep_session_record_table", 2, 3, bed + HOUR, bed + 7 * HOUR, 0, 0),
            # A third app's staged session overlapping the first: asleep parts merged.
            Rec(
                "sleep_session_record_table",
                3,
                3,
                bed,
                bed + 8 * HOUR,
                0,
                0,
                {},
                [(bed + 4 * HOUR, bed + 5 * HOUR + 30 * 60_000, 5)],
            ),
            # A nap written without stages, later that day: counted whole.
            Rec("sleep_session_record_table", 2, 3, bed + 16 * HOUR, bed + 17 * HOUR, 0, 0),
        ],
    )
    assert got == {(date(2024, 3, 2), "sleep_hours"): 6.5 + 1.0}


def test_overlapping_exercise_sessions_count_once(tmp_path: Path) -> None:
    run = T0 + 17 * HOUR
    got = _read(
        tmp_path,
        [
            Rec(
                "exercise_session_record_table", 1, 1, run, run + HOUR, 0, 0, {"exercise_type": 33}
            ),
            Rec(
                "exercise_session_record_table",
                2,
                3,
                run + 10 * 60_000,
                run + HOUR,
                0,
                0,
                {"exercise_type": 33},
            ),
        ],
    )
    assert got == {(date(2024, 3, 1), "exercise_minutes"): 60.0}


def test_impossible_rows_are_counted_and_skipped(tmp_path: Path) -> None:
    db = tmp_path / "bad.db"
    gen.write(
        gen.Export(
            records=[
                Rec("steps_record_table", 1, 1, T0, T0 + HOUR, 0, 0, {"count": 10}),
                Rec("steps_record_table", 1, 1, T0 + HOUR, T0, 0, 0, {"count": 10}),
                Rec("steps_record_table", 1, 1, T0, T0 + 2, 99_999, 0, {"count": 10}),
                Rec("steps_record_table", 1, 1, T0, T0 + 3, 0, 0, {"count": -5}),
                Rec("hydration_record_table", 1, 1, T0, T0 + 3, 0, 0, {"volume": "lots"}),
            ]
        ),
        db,
    )
    result = read_export(db)
    assert _as_dict(result.values) == {(date(2024, 3, 1), "steps"): 10.0}
    assert result.summary.ignored == {
        "steps_record_table: impossible time, zone offset or value": 3,
        "hydration_record_table: impossible time, zone offset or value": 1,
    }


def test_days_after_tomorrow_are_refused(tmp_path: Path) -> None:
    future = int((datetime.now(UTC) + timedelta(days=5)).timestamp() * 1000)
    db = tmp_path / "future.db"
    gen.write(
        gen.Export(
            records=[Rec("steps_record_table", 1, 1, future, future + 1, 0, 0, {"count": 10})]
        ),
        db,
    )
    result = read_export(db)
    assert result.values == []
    assert sum(result.summary.ignored.values()) == 1


# -- files and schemas -------------------------------------------------------------------------


def test_the_real_database_itself_reads_with_nothing_to_import(tmp_path: Path) -> None:
    before = hashlib.sha256(REAL_DB.read_bytes()).hexdigest()
    result = read_export(REAL_DB)
    assert result.values == []
    assert result.summary.skipped_types == ["body_fat_record_table", "height_record_table"]
    assert result.summary.notes == []
    assert hashlib.sha256(REAL_DB.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in REAL_DB.parent.glob("healthconnect_staged*")) == [
        "healthconnect_staged.db"
    ]


def test_detected_by_content_whatever_the_name(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    gen.write(gen.year(2), db, 14)
    renamed = _zip(db, tmp_path / "Pixel 8 Health Connect (3).zip", "something.bin")
    importer = get_importer("health-connect")
    assert importer.detect(renamed) and importer.detect(db)
    assert detect_importer(renamed) is importer
    assert not get_importer("apple-health").detect(renamed)
    assert read_export(renamed).values == read_export(db).values


def test_newer_schema_missing_column_is_skipped_and_said(tmp_path: Path) -> None:
    db = tmp_path / "v30.db"
    gen.write(gen.year(3), db, 23)
    con = sqlite3.connect(db)
    with con:
        con.execute("ALTER TABLE hydration_record_table DROP COLUMN volume")
        con.execute("DROP TABLE exercise_session_record_table")
        con.execute("INSERT INTO future_reading_record_table (uuid, x) VALUES (x'01', 1.5)")
        con.execute("PRAGMA user_version = 30")
    con.close()
    result = read_export(db)
    metrics = {m for _, m in _as_dict(result.values)}
    assert "water_litres" not in metrics and "exercise_minutes" not in metrics
    assert {"steps", "sleep_hours", "caffeine_mg"} <= metrics
    notes = " ".join(result.summary.notes)
    assert "database version 30" in notes
    assert "hydration_record_table has no volume column" in notes
    assert "no exercise_session_record_table" in notes
    assert "future_reading_record_table" in result.summary.skipped_types


def _refused(path: Path, *words: str) -> None:
    with pytest.raises(HealthConnectError) as info:
        read_export(path)
    assert isinstance(info.value, ImporterError)
    for word in words:
        assert word in str(info.value)


def test_damaged_and_foreign_files_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    gen.write(gen.year(5), db)
    data = db.read_bytes()
    (tmp_path / "cut.db").write_bytes(data[: len(data) // 2])
    _refused(tmp_path / "cut.db", "damaged")
    corrupt = bytearray(data)
    corrupt[len(data) // 2 : len(data) // 2 + 8192] = b"\xff" * 8192
    (tmp_path / "corrupt.db").write_bytes(bytes(corrupt))
    _refused(tmp_path / "corrupt.db", "damaged")
    zipped = _zip(db, tmp_path / "Health Connect.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(zipped[: len(zipped) // 2])
    _refused(tmp_path / "cut.zip", "damaged")
    (tmp_path / "random.bin").write_bytes(b"\x00\x01not a database" * 100)
    _refused(tmp_path / "random.bin", "not a Health Connect export")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    _refused(other, "not a Health Connect export")
    assert not get_importer("health-connect").detect(other)
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as zf:
        zf.writestr("a.txt", "hello" * 100)
    _refused(tmp_path / "photos.zip", "holds no Health Connect database")
    _refused(tmp_path / "missing.zip", "no such file")
    _refused(tmp_path, "is a folder")


def test_import_is_all_or_nothing_and_re_import_changes_nothing(tmp_path: Path) -> None:
    from twitchwise.diary import Diary

    db = tmp_path / "x.db"
    gen.write(gen.year(10), db)
    good = _zip(db, tmp_path / "Health Connect.zip")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(good.read_bytes()[:-5000])
    importer = get_importer("health-connect")
    with Diary.memory() as diary:
        result, stats = import_into(diary, importer, good)
        assert stats.added == len(result.values) > 0
        stored = diary.list_day_values(source="health-connect")
        with pytest.raises(HealthConnectError):
            import_into(diary, importer, broken)
        assert diary.list_day_values(source="health-connect") == stored
        _, again = import_into(diary, importer, good)
        assert (again.added, again.updated) == (0, 0)


def test_progress_reaches_the_database_size(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    gen.write(gen.year(3), db)
    seen: list[tuple[int, int | None]] = []
    read_export(_zip(db, tmp_path / "h.zip"), lambda d, t: seen.append((d, t)))
    assert seen[-1] == (db.stat().st_size, db.stat().st_size)


def test_an_export_in_wal_mode_reads_the_same(tmp_path: Path) -> None:
    """Android may leave the database in write-ahead-log mode; the copy is read all the same."""
    db = tmp_path / "wal.db"
    gen.write(gen.year(3), db)
    before = read_export(db).values
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    con.close()
    assert read_export(_zip(db, tmp_path / "Health Connect.zip")).values == before


def test_a_database_too_big_for_the_temporary_folder_is_refused_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil
    from collections import namedtuple

    db = tmp_path / "x.db"
    gen.write(gen.year(1), db)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(1 << 30, 1 << 30, 10 << 20))
    _refused(_zip(db, tmp_path / "h.zip"), "only 10 MB free")
