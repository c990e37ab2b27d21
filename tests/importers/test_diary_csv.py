"""The diary CSV: lossless round trip, every bad cell reported, nothing written on error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.diary import CheckIn, Diary, DiaryError, Twitch
from twitchwise.diary._validate import check_twitch
from twitchwise.engine._vocab import SITE_IDS, SYMPTOM_IDS
from twitchwise.importers.diary_csv import export_diary_csv, import_diary_csv

# Days apart, so that their order does not depend on the machine's time zone.
TWITCHES = """time,site,intensity,count,duration_s,note
2026-03-01T17:50,left_thigh,3,1,,"after the run, on the stairs"
2026-03-02T21:05+01:00,eyelid,,2,4.5,
2026-03-04T07:00:30,left_thigh,1,5,,
"""
DAYS_HEADER = (
    "date,sleep_hours,caffeine_mg,alcohol_drinks,water_litres,stress_level,exercise_minutes,"
    "hard_exercise,symptoms,medications,notes\n"
)
DAYS = (
    DAYS_HEADER
    + """2026-03-02,6.5,300,2,1.5,7,45,1,cramping,Lasix 40 mg;ibuprofen,"long day
at work"
2026-03-03,,,,,,,0,,,
"""
)


def write(folder: Path, twitches: str | None = TWITCHES, days: str | None = DAYS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if twitches is not None:
        (folder / "twitches.csv").write_text(twitches, encoding="utf-8")
    if days is not None:
        (folder / "days.csv").write_text(days, encoding="utf-8")
    return folder


def contents(diary: Diary) -> tuple[list[Twitch], list[CheckIn]]:
    """What the diary holds, ids aside (they are the database's, not the person's)."""
    return [replace(t, id=0) for t in diary.list_twitches()], diary.list_checkins()


def test_import_reads_every_column(tmp_path: Path) -> None:
    with Diary.memory() as diary:
        stats = import_diary_csv(diary, write(tmp_path / "in"))
        assert (stats.added, stats.updated) == (5, 0)
        first, second, third = diary.list_twitches()
        assert first.time.replace(tzinfo=None) == datetime(2026, 3, 1, 17, 50)
        assert not first.explicit_offset and first.note == "after the run, on the stairs"
        assert second.time.utcoffset() == timedelta(hours=1) and second.duration_s == 4.5
        assert (third.count, third.intensity, third.time.second) == (5, 1, 30)
        day = diary.get_checkin(date(2026, 3, 2))
        assert day is not None
        assert (day.sleep_hours, day.caffeine_mg, day.hard_exercise) == (6.5, 300, True)
        assert day.medications == ("Lasix 40 mg", "ibuprofen")
        assert day.notes == "long day\nat work"
        empty = diary.get_checkin(date(2026, 3, 3))
        assert empty == CheckIn(day=date(2026, 3, 3), hard_exercise=False)


def test_export_writes_what_was_imported(tmp_path: Path) -> None:
    with Diary.memory() as diary:
        import_diary_csv(diary, write(tmp_path / "in"))
        stats = export_diary_csv(diary, tmp_path / "out")
    assert (stats.twitches, stats.days) == (3, 2)
    assert (tmp_path / "out/twitches.csv").read_text().replace("\r\n", "\n") == TWITCHES
    exported_days = (tmp_path / "out/days.csv").read_text()
    assert exported_days.replace("\r\n", "\n") == DAYS


def test_reimport_changes_nothing(diary: Diary, tmp_path: Path) -> None:
    folder = write(tmp_path, TWITCHES + "2026-03-04T07:00:30,left_thigh,1,5,,\n")  # a twin row
    first = import_diary_csv(diary, folder)
    before = contents(diary)
    again = import_diary_csv(diary, folder)
    assert first.by_kind["twitches"]["added"] == 4
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    assert contents(diary) == before


def test_reimport_of_changed_day_updates_it(diary: Diary, tmp_path: Path) -> None:
    import_diary_csv(diary, write(tmp_path))
    stats = import_diary_csv(diary, write(tmp_path, None, "date,sleep_hours\n2026-03-03,8\n"))
    assert stats.updated == 1
    checkin = diary.get_checkin(date(2026, 3, 3))
    assert checkin is not None and checkin.sleep_hours == 8 and checkin.hard_exercise is None


def test_every_bad_row_reported_and_nothing_written(diary: Diary, tmp_path: Path) -> None:
    twitches = TWITCHES + "yesterday,left_thigh,3,1,,\n2026-03-04T08:00,knee,9,0,-2,\n,,,,,\n"
    days = DAYS + "2026-03-03,7,,,,,,,,,\n2026-13-01,25,,,,11,,yes,itchy,,\n"
    with pytest.raises(DiaryError) as err:
        import_diary_csv(diary, write(tmp_path, twitches, days))
    located = {(p.file, p.line, p.field) for p in err.value.problems}
    assert located == {
        ("twitches.csv", 5, "time"),
        ("twitches.csv", 6, "site"),
        ("twitches.csv", 6, "intensity"),
        ("twitches.csv", 6, "count"),
        ("twitches.csv", 6, "duration_s"),
        ("days.csv", 5, "date"),  # 2026-03-03 twice (the quoted note spans lines 2-3)
        ("days.csv", 6, "date"),
        ("days.csv", 6, "sleep_hours"),
        ("days.csv", 6, "stress_level"),
        ("days.csv", 6, "hard_exercise"),
        ("days.csv", 6, "symptoms"),
    }
    assert "twitches.csv line 6, column intensity:" in str(err.value)
    assert contents(diary) == ([], [])


def test_unknown_column_is_refused_by_name(diary: Diary, tmp_path: Path) -> None:
    folder = write(tmp_path, "time,site,mood\n2026-03-02T08:00,left_thigh,fine\n", None)
    with pytest.raises(DiaryError) as err:
        import_diary_csv(diary, folder)
    [problem] = err.value.problems
    assert (problem.file, problem.line, problem.field) == ("twitches.csv", 1, "mood")
    assert "unknown column" in problem.message
    assert diary.list_twitches() == []


@pytest.mark.parametrize(
    ("twitches", "field", "line"),
    [
        ("site,intensity\nleft_thigh,3\n", "time", 1),
        ("time,site,site\n2026-03-02T08:00,left_thigh,eyelid\n", "site", 1),
        ("time,site\n2026-03-02T08:00,left_thigh,extra\n", "row", 2),
        ("", "header", 1),
    ],
)
def test_malformed_files(
    diary: Diary, tmp_path: Path, twitches: str, field: str, line: int
) -> None:
    with pytest.raises(DiaryError) as err:
        import_diary_csv(diary, write(tmp_path, twitches, None))
    assert (err.value.problems[0].field, err.value.problems[0].line) == (field, line)


def test_not_utf8_and_missing_files(tmp_path: Path) -> None:
    folder = write(tmp_path / "latin", None, None)
    (folder / "days.csv").write_bytes("date,notes\n2026-03-02,caf\xe9\n".encode("latin-1"))
    with Diary.memory() as diary:
        with pytest.raises(DiaryError) as err:
            import_diary_csv(diary, folder)
        assert (err.value.field, err.value.problems[0].line) == ("encoding", 2)
        for empty in (write(tmp_path / "empty", None, None), tmp_path / "missing"):
            with pytest.raises(DiaryError) as err:
                import_diary_csv(diary, empty)
            assert err.value.field == "DIR"


def test_short_rows_mean_unknown_and_bom_is_fine(tmp_path: Path) -> None:
    folder = write(tmp_path, "\ufefftime,site,intensity,note\n2026-03-02T08:00,left_thigh\n", None)
    with Diary.memory() as diary:
        import_diary_csv(diary, folder)
        [twitch] = diary.list_twitches()
    assert twitch.intensity is None and twitch.count == 1


# -- the property: export, import into an empty diary, export again: nothing changes ---------

_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)
_offsets = st.none() | st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@st.composite
def _twitch(draw: st.DrawFn) -> dict[str, Any]:
    moment = draw(st.datetimes(datetime(1990, 1, 1), datetime(2026, 1, 1)))
    values = {
        "time": moment.replace(tzinfo=draw(_offsets)),
        "site": draw(st.sampled_from(SITE_IDS)),
        "intensity": draw(st.none() | st.integers(1, 5)),
        "count": draw(st.integers(1, 100_000)),
        "duration_s": draw(st.none() | st.floats(0, 86_400)),
        "note": draw(st.none() | _text.filter(bool)),
    }
    clean, problems = check_twitch(values)
    assert not problems
    return clean


def _number(high: float) -> st.SearchStrategy[float | None]:
    return st.none() | st.floats(0, high) | st.integers(0, int(high)).map(float)


_medication = _text.filter(lambda s: s and s == s.strip() and ";" not in s)


@st.composite
def _checkin(draw: st.DrawFn, day: date) -> dict[str, Any]:
    return {
        "day": day,
        "sleep_hours": draw(_number(24)),
        "caffeine_mg": draw(_number(5000)),
        "alcohol_drinks": draw(_number(100)),
        "water_litres": draw(_number(20)),
        "stress_level": draw(_number(10)),
        "exercise_minutes": draw(_number(1440)),
        "hard_exercise": draw(st.none() | st.booleans()),
        "symptoms": tuple(draw(st.lists(st.sampled_from(SYMPTOM_IDS), unique=True, max_size=4))),
        "medications": tuple(draw(st.lists(_medication, max_size=3))),
        "notes": draw(st.none() | _text.filter(bool)),
    }


_days = st.lists(st.dates(date(1990, 1, 1), date(2026, 1, 1)), unique=True, max_size=6)
_diaries = st.tuples(
    st.lists(_twitch(), max_size=8),
    _days.flatmap(lambda days: st.tuples(*(_checkin(d) for d in days))),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=_diaries)
def test_round_trip_is_lossless(
    diary: Diary, tmp_path_factory: pytest.TempPathFactory, entries: Any
) -> None:
    twitches, checkins = entries
    diary.erase()
    diary.import_entries(twitches, list(checkins))
    before = contents(diary)
    first, second = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    export_diary_csv(diary, first)
    diary.erase()
    stats = import_diary_csv(diary, first)
    assert stats.added == len(twitches) + len(checkins)
    assert contents(diary) == before
    export_diary_csv(diary, second)
    for name in ("twitches.csv", "days.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    assert import_diary_csv(diary, second).changed == 0
