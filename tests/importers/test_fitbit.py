"""The Fitbit import on exports generated from the shapes of real ones (FORMAT_NOTES), in both
layouts (Google Takeout and the older MyFitbitData), zipped and unzipped, with known truth."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.importers import ImporterError, detect_importer, get_importer, import_into
from twitchwise.importers.fitbit import FitbitError, read_export

FIRST = date(2024, 1, 1)
PROFILE_HEADER = "id,full_name,timezone,locale\n"
"""The columns of Profile.csv that matter (the real file has more, and personal ones)."""
TAKEOUT = "Takeout/Fitbit/Global Export Data"
OLD = {"sleep": "MyFitbitData/Sam/Sleep", "other": "MyFitbitData/Sam/Physical Activity"}


def _sleep_log(
    log_id: int, wake: date, start: datetime, minutes_in_bed: int, asleep: int, stages: bool
) -> dict[str, Any]:
    end = start + timedelta(minutes=minutes_in_bed)
    iso = "%Y-%m-%dT%H:%M:%S.000"
    levels: dict[str, Any] = (
        {
            "summary": {
                "deep": {"count": 3, "minutes": asleep // 4, "thirtyDayAvgMinutes": 70},
                "wake": {
                    "count": 20,
                    "minutes": minutes_in_bed - asleep,
                    "thirtyDayAvgMinutes": 50,
                },
            },
            "data": [{"dateTime": start.strftime(iso), "level": "light", "seconds": 1800}],
            "shortData": [{"dateTime": start.strftime(iso), "level": "wake", "seconds": 30}],
        }
        if stages
        else {
            "summary": {"asleep": {"count": 1, "minutes": asleep}},
            "data": [{"dateTime": start.strftime(iso), "level": "asleep", "seconds": 600}],
        }
    )
    return {
        "logId": log_id,
        "dateOfSleep": wake.isoformat(),
        "startTime": start.strftime(iso),
        "endTime": end.strftime(iso),
        "duration": minutes_in_bed * 60_000,
        "minutesToFallAsleep": 0,
        "minutesAsleep": asleep,
        "minutesAwake": minutes_in_bed - asleep,
        "minutesAfterWakeup": 0,
        "timeInBed": minutes_in_bed,
        "efficiency": 93,
        "type": "stages" if stages else "classic",
        "infoCode": 0,
        "logType": "auto_detected",
        "levels": levels,
        "mainSleep": True,
    }


def _exercise_log(log_id: int, start: datetime, active_ms: int, pause_ms: int) -> dict[str, Any]:
    return {
        "logId": log_id,
        "activityName": "Walk",
        "activityTypeId": 90013,
        "activityLevel": [{"minutes": 10, "name": "lightly"}],
        "averageHeartRate": 101,
        "calories": 150,
        "duration": active_ms + pause_ms,
        "activeDuration": active_ms,
        "steps": 2000,
        "logType": "auto_detected",
        "manualValuesSpecified": {"calories": False, "distance": False, "steps": False},
        "lastModified": start.strftime("%m/%d/%y %H:%M:%S"),
        "startTime": start.strftime("%m/%d/%y %H:%M:%S"),
        "originalStartTime": start.strftime("%m/%d/%y %H:%M:%S"),
        "originalDuration": active_ms + pause_ms,
        "elevationGain": 0.0,
        "hasGps": False,
        "shouldFetchDetails": False,
        "hasActiveZoneMinutes": False,
    }


@st.composite
def exports(draw: st.DrawFn) -> tuple[dict[str, Any], dict[tuple[date, str], float]]:
    """The files of an export (name -> JSON) and the values the diary should get."""
    truth: dict[tuple[date, str], float] = {}
    sleep, exercise, water = [], [], []
    log_id = 1000
    for n in draw(st.lists(st.integers(1, 40), unique=True, max_size=12)):
        wake = FIRST + timedelta(days=n)
        start = datetime.combine(wake - timedelta(days=1), datetime.min.time()) + timedelta(
            hours=22, minutes=draw(st.integers(0, 120))
        )
        in_bed = draw(st.integers(300, 600))
        asleep = draw(st.integers(0, in_bed))
        log_id += 1
        sleep.append(_sleep_log(log_id, wake, start, in_bed, asleep, draw(st.booleans())))
        if asleep:
            truth[wake, "sleep_hours"] = asleep / 60
        if draw(st.booleans()):  # the same night logged again by hand, shorter
            log_id += 1
            sleep.append(
                _sleep_log(
                    log_id,
                    wake,
                    start + timedelta(minutes=30),
                    in_bed - 60,
                    draw(st.integers(0, asleep)),
                    False,
                )
            )
    for n in draw(st.lists(st.integers(0, 40 * 4), unique=True, max_size=10)):
        start = datetime.combine(FIRST, datetime.min.time()) + timedelta(hours=6 * n + 1)
        active = draw(st.integers(1, 200)) * 60_000
        log_id += 1
        exercise.append(_exercise_log(log_id, start, active, draw(st.sampled_from([0, 60_000]))))
        if draw(st.booleans()):  # a copy of the same log (tracker and manual)
            log_id += 1
            exercise.append(_exercise_log(log_id, start, active, 0))
        key = (start.date(), "exercise_minutes")
        truth[key] = truth.get(key, 0.0) + active / 60_000
    for n in draw(st.lists(st.integers(0, 40), max_size=15)):
        day = FIRST + timedelta(days=n)
        ml = draw(st.sampled_from([250.0, 330.0, 500.0]))
        log_id += 1
        water.append(
            {
                "id": log_id,
                "date": day.strftime("%m/%d/%y"),
                "waterAmount": ml,
                "measurementUnit": "MILLILITER",
            }
        )
        truth[day, "water_litres"] = truth.get((day, "water_litres"), 0.0) + ml / 1000
    steps = []
    zone = draw(st.sampled_from([None, "Europe/Paris", "America/Los_Angeles", "Asia/Kolkata"]))
    for minute in draw(st.lists(st.integers(0, 40 * 1440), unique=True, max_size=30)):
        utc = datetime(2024, 3, 1, tzinfo=UTC) + timedelta(minutes=minute)  # spans DST changes
        count = draw(st.integers(0, 150))
        steps.append({"dateTime": utc.strftime("%m/%d/%y %H:%M:%S"), "value": str(count)})
        if zone is not None:
            day = utc.astimezone(ZoneInfo(zone)).date()
            truth[day, "steps"] = truth.get((day, "steps"), 0.0) + count
    files = {
        "Profile.csv": None if zone is None else PROFILE_HEADER + f"C698DD,Sam,{zone},en_US\n",
        "steps-2024-03-01.json": steps,
        "sleep-2024-01-01.json": sleep[: len(sleep) // 2],
        "sleep-2024-01-31.json": sleep[len(sleep) // 2 :],
        "exercise-0.json": exercise,
        "water_logs-0.json": water,
        "heart_rate-2024-01-01.json": [
            {"dateTime": "01/01/24 00:00:05", "value": {"bpm": 60, "confidence": 2}}
        ],
    }
    return files, truth


def _write(files: dict[str, Any], out: Path, takeout: bool, as_zip: bool) -> Path:
    files = {k: v for k, v in files.items() if v is not None}

    def where(name: str) -> str:
        if name == "Profile.csv":
            folder = (
                "Takeout/Fitbit/Your Profile" if takeout else "MyFitbitData/Sam/Personal & Account"
            )
            return f"{folder}/{name}"
        if takeout:
            return f"{TAKEOUT}/{name}"
        folder = OLD["sleep"] if name.startswith("sleep") else OLD["other"]
        return f"{folder}/{name}"

    if as_zip:
        target = out / ("takeout-20250101T000000Z-001.zip" if takeout else "MyFitbitData.zip")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in files.items():
                zf.writestr(where(name), data if isinstance(data, str) else json.dumps(data))
        return target
    for name, data in files.items():
        p = out / "export" / where(name)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(data if isinstance(data, str) else json.dumps(data))
    return out / "export"


def _values(path: Path) -> dict[tuple[date, str], float]:
    return {(v.day, v.metric): v.value for v in read_export(path).values}


def _close(got: dict[tuple[date, str], float], want: dict[tuple[date, str], float]) -> None:
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-5), key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), st.booleans(), st.booleans())
def test_generated_exports_give_their_truth(
    case: tuple[dict[str, Any], dict[tuple[date, str], float]], takeout: bool, as_zip: bool
) -> None:
    import tempfile

    files, truth = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(files, Path(tmp), takeout, as_zip)
        result = read_export(path)
        assert get_importer("fitbit").detect(path) == bool(files)
    _close({(v.day, v.metric): v.value for v in result.values}, truth)
    assert result.summary.ignored == {}
    assert "heart_rate" in result.summary.skipped_types
    zoned = "Profile.csv" in files and files["Profile.csv"] is not None
    note = "Steps were put on days" if zoned else "Steps were not imported"
    assert any(note in n for n in result.summary.notes)


def test_units_and_days(tmp_path: Path) -> None:
    night = _sleep_log(1, date(2024, 3, 2), datetime(2024, 3, 1, 23, 0), 480, 450, True)
    files = {
        "sleep-2024-03-01.json": [night],
        "water_logs-0.json": [
            {"id": 1, "date": "03/01/24", "waterAmount": 750.0, "measurementUnit": "MILLILITER"}
        ],
        "exercise-0.json": [_exercise_log(2, datetime(2024, 3, 1, 18, 0), 1_800_000, 300_000)],
    }
    got = _values(_write(files, tmp_path, True, True))
    assert got == {
        (date(2024, 3, 1), "water_litres"): 0.75,
        (date(2024, 3, 1), "exercise_minutes"): 30.0,
        (date(2024, 3, 2), "sleep_hours"): 7.5,
    }


def test_unreadable_logs_are_counted_not_fatal(tmp_path: Path) -> None:
    files = {
        "water_logs-0.json": [
            {"id": 1, "date": "03/01/24", "waterAmount": 500.0, "measurementUnit": "MILLILITER"},
            {"id": 2, "date": "03/01/24", "waterAmount": 8.0, "measurementUnit": "FL_OZ"},
            {"id": 3, "date": "13/45/24", "waterAmount": 5.0},
            {"id": 4, "date": "03/01/24", "waterAmount": -5.0},
            "nonsense",
        ],
        "sleep-2024-03-01.json": [{"logId": 9, "dateOfSleep": "2024-03-02"}],
    }
    result = read_export(_write(files, tmp_path, False, False))
    assert [(v.metric, v.value) for v in result.values] == [("water_litres", 0.5)]
    assert result.summary.ignored == {
        "water: unknown unit 'FL_OZ'": 1,
        "water: a value of the wrong kind": 1,
        "water: waterAmount is not a number ≥ 0": 1,
        "water: not a JSON object": 1,
        "sleep: no startTime": 1,
    }


def test_damaged_or_foreign_exports_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    from twitchwise.diary import Diary

    night = _sleep_log(1, date(2024, 1, 2), datetime(2024, 1, 1, 23, 0), 480, 400, True)
    files = {"sleep-2024-01-01.json": [night]}
    good = _write(files, tmp_path, True, True)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[:-30])
    with pytest.raises(FitbitError, match="damaged"):
        read_export(cut)
    broken = tmp_path / "broken"
    (broken / TAKEOUT).mkdir(parents=True)
    (broken / TAKEOUT / "sleep-2024-01-01.json").write_text('[{"logId": 1, "dateOf')
    with pytest.raises(FitbitError, match="not valid JSON"):
        read_export(broken)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("hi")
    with pytest.raises(FitbitError, match="not a Fitbit export"):
        read_export(tmp_path / "notes")
    with pytest.raises(ImporterError, match="no such file"):
        read_export(tmp_path / "missing.zip")
    assert detect_importer(good) is get_importer("fitbit")
    assert not get_importer("fitbit").detect(tmp_path / "notes")
    importer = get_importer("fitbit")
    with Diary.memory() as diary:
        _, stats = import_into(diary, importer, good)
        assert stats.added == 1
        with pytest.raises(FitbitError):
            import_into(diary, importer, broken)
        _, again = import_into(diary, importer, good)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 1)


def test_steps_in_the_profile_zone_and_bad_rows_counted(tmp_path: Path) -> None:
    steps = [
        {"dateTime": "03/30/24 22:30:00", "value": "100"},  # 23:30 in Paris, 30 March
        {"dateTime": "03/30/24 23:30:00", "value": "40"},  # 00:30 in Paris, 31 March
        {"dateTime": "03/31/24 22:30:00", "value": "7"},  # 00:30 on 1 April (summer time)
        {"dateTime": "03/31/24 22:30:00", "value": "7"},  # the same minute in a second file
        {"dateTime": "13/45/24 10:00:00", "value": "5"},
        {"dateTime": "03/30/24 25:00:00", "value": "5"},
        {"dateTime": "03/30/24 10:00:00", "value": "many"},
        {"value": "5"},
    ]
    files = {
        "Profile.csv": PROFILE_HEADER + "X,Sam,Europe/Paris,fr_FR\n",
        "steps-2024-03-30.json": steps,
    }
    result = read_export(_write(files, tmp_path, True, True))
    assert [(v.day, v.value) for v in result.values] == [
        (date(2024, 3, 30), 100.0),
        (date(2024, 3, 31), 40.0),
        (date(2024, 4, 1), 7.0),
    ]
    assert result.summary.ignored == {
        "steps: a value of the wrong kind": 2,
        "steps: unreadable dateTime '03/30/24 25:00:00'": 1,
        "steps: no dateTime": 1,
    }
    assert "Europe/Paris" in result.summary.notes[0]
