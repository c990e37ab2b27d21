"""The Garmin import on exports generated from the one real export's shape (GARMIN_NOTES)."""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.importers import detect_importer, get_importer, import_into
from twitchwise.importers.garmin import GarminError, read_export

WELLNESS = "DI_CONNECT/DI-Connect-Wellness"
FIRST = date(2025, 1, 3)


def _night(day: date, deep: int, light: int, rem: int | None, awake: int) -> dict[str, Any]:
    start = datetime.combine(day - timedelta(days=1), datetime.min.time()) + timedelta(hours=22)
    end = start + timedelta(seconds=deep + light + (rem or 0) + awake)
    entry: dict[str, Any] = {
        "retro": False,
        "sleepStartTimestampGMT": start.strftime("%Y-%m-%dT%H:%M:%S.0"),
        "sleepEndTimestampGMT": end.strftime("%Y-%m-%dT%H:%M:%S.0"),
        "calendarDate": day.isoformat(),
        "sleepWindowConfirmationType": "ENHANCED_CONFIRMED_FINAL",
        "deepSleepSeconds": deep,
        "lightSleepSeconds": light,
        "awakeSleepSeconds": awake,
        "unmeasurableSeconds": 0,
        "averageRespiration": 14.0,
        "awakeCount": 1,
        "sleepScores": {"overallScore": 80, "insight": "NONE"},
    }
    if rem is not None:
        entry["remSleepSeconds"] = rem
    return entry


@st.composite
def exports(draw: st.DrawFn) -> tuple[list[list[Any]], dict[date, float]]:
    truth: dict[date, float] = {}
    entries: list[Any] = [{"retro": False}]
    for n in draw(st.lists(st.integers(0, 60), unique=True, max_size=15)):
        day = FIRST + timedelta(days=n)
        deep, light, awake = (draw(st.integers(0, 9000)) for _ in range(3))
        rem = draw(st.one_of(st.none(), st.integers(0, 9000)))
        entries.append(_night(day, deep, light, rem, awake))
        if deep + light + (rem or 0):
            truth[day] = (deep + light + (rem or 0)) / 3600
        if draw(st.booleans()):
            nap = draw(st.integers(600, 3600))
            entries.append(
                {
                    "retro": False,
                    "napList": [
                        {
                            "napTimeSec": nap,
                            "napStartTimestampGMT": f"{day}T13:00:00.0",
                            "napEndTimestampGMT": f"{day}T14:00:00.0",
                            "calendarDate": day.isoformat(),
                        }
                    ],
                }
            )
            truth[day] = truth.get(day, 0.0) + nap / 3600
    cut = draw(st.integers(0, len(entries)))
    files = [entries[:cut], entries[cut:]]
    if cut < len(entries) and draw(st.booleans()):
        files[0].append(entries[cut])  # two files' date ranges overlap: the night once
    return files, truth


def _write(files: list[list[Any]], out: Path, as_zip: bool) -> Path:
    names = [
        f"{WELLNESS}/2025-01-03_2025-04-13_129_sleepData.json",
        f"{WELLNESS}/2025-04-13_2025-07-22_129_sleepData.json",
    ]
    extra = {"DI_CONNECT/DI-Connect-Aggregator/UDSFile_2025-01-03_2025-04-13.json": "[]"}
    contents = {n: json.dumps(f) for n, f in zip(names, files, strict=True)} | extra
    if as_zip:
        target = out / "8f3c-export.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
            for n, text in contents.items():
                zf.writestr(n, text)
        return target
    for n, text in contents.items():
        (out / "export" / n).parent.mkdir(parents=True, exist_ok=True)
        (out / "export" / n).write_text(text)
    return out / "export"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports(), st.booleans())
def test_generated_exports_give_their_truth(
    case: tuple[list[list[Any]], dict[date, float]], as_zip: bool
) -> None:
    files, truth = case
    with tempfile.TemporaryDirectory() as tmp:
        result = read_export(_write(files, Path(tmp), as_zip))
    got = {v.day: v.value for v in result.values if v.metric == "sleep_hours"}
    assert set(got) == set(truth)
    for day, hours in truth.items():
        assert got[day] == pytest.approx(hours, abs=1e-5)
    assert result.summary.ignored == {}
    assert any("UDSFile" in n for n in result.summary.notes)


def test_bad_entries_counted_damaged_or_unknown_files_refused(tmp_path: Path) -> None:
    from twitchwise.diary import Diary

    files = [
        [
            _night(FIRST, 3600, 14400, 5400, 600),
            {"calendarDate": "2025-01-04", "deepSleepSeconds": -5},
            {"calendarDate": "not a day", "lightSleepSeconds": 60},
        ],
        [],
    ]
    good = _write(files, tmp_path, True)
    result = read_export(good)
    assert [(v.day, v.value) for v in result.values] == [(FIRST, 6.5)]
    assert result.summary.ignored == {
        "sleep: deepSleepSeconds is not a number of seconds in a day": 1,
        "sleep: a value of the wrong kind": 1,
    }
    assert detect_importer(good) is get_importer("garmin")
    cut = tmp_path / "cut.zip"
    cut.write_bytes(good.read_bytes()[:-40])
    with pytest.raises(GarminError, match="damaged"):
        read_export(cut)
    other = tmp_path / "other"
    (other / WELLNESS).mkdir(parents=True)
    (other / WELLNESS / "x_sleepData.json").write_text('{"sleep": []}')
    with pytest.raises(GarminError, match="layout may have changed"):
        read_export(other)
    (tmp_path / "empty").mkdir()
    with pytest.raises(GarminError, match="not a Garmin export"):
        read_export(tmp_path / "empty")
    with Diary.memory() as diary:
        importer = get_importer("garmin")
        import_into(diary, importer, good)
        with pytest.raises(GarminError):
            import_into(diary, importer, cut)
        _, again = import_into(diary, importer, good)
        assert (again.added, again.updated, again.unchanged) == (0, 0, 1)


def test_a_member_claiming_to_be_huge_is_not_unpacked(tmp_path: Path) -> None:
    import twitchwise.importers._tree as tree

    good = _write([[_night(FIRST, 3600, 14400, 5400, 600)], []], tmp_path, True)
    tree.MAX_FILE, saved = 100, tree.MAX_FILE
    try:
        with pytest.raises(GarminError, match="more than any file of a real export"):
            read_export(good)
    finally:
        tree.MAX_FILE = saved
