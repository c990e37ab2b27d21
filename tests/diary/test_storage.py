"""The Diary API on SQLite and PostgreSQL: what goes in comes out, bad input names the field."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twitchwise.diary import DayValue, Diary, DiaryError, NotFoundError
from twitchwise.engine._vocab import SITE_IDS, SYMPTOM_IDS

PLUS_ONE = timezone(timedelta(hours=1))
D1, D2, D3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)


def test_twitch_keeps_offset_and_local_day(diary: Diary) -> None:
    late = datetime(2026, 3, 2, 0, 30, tzinfo=PLUS_ONE)  # 23:30 UTC on 1 March
    tw = diary.add_twitch("left_thigh", late, intensity=3, count=4, duration_s=12.5, note="stairs")
    got = diary.get_twitch(tw.id)
    assert got.time == late and got.time.utcoffset() == timedelta(hours=1)
    assert got.day == D2
    assert (got.intensity, got.count, got.duration_s, got.note) == (3, 4, 12.5, "stairs")
    assert [t.id for t in diary.list_twitches(D2, D2)] == [tw.id]
    assert diary.list_twitches(D1, D1) == []


def test_naive_time_is_local_and_marked(diary: Diary) -> None:
    tw = diary.add_twitch("right_calf", datetime(2026, 3, 2, 17, 50))
    assert not tw.explicit_offset
    assert tw.time.replace(tzinfo=None) == datetime(2026, 3, 2, 17, 50)


def test_update_and_delete_twitch(diary: Diary) -> None:
    tw = diary.add_twitch("left_thigh", datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    changed = diary.update_twitch(tw.id, site="eyelid", count=3)
    assert (changed.site, changed.count, changed.time) == ("eyelid", 3, tw.time)
    with pytest.raises(DiaryError) as err:
        diary.update_twitch(tw.id, intensity=9)
    assert err.value.field == "intensity"
    assert diary.get_twitch(tw.id).intensity is None
    diary.delete_twitch(tw.id)
    with pytest.raises(NotFoundError):
        diary.get_twitch(tw.id)
    with pytest.raises(NotFoundError):
        diary.delete_twitch(tw.id)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"site": "knee"}, "site"),
        ({"site": "left_thigh", "intensity": 0}, "intensity"),
        ({"site": "left_thigh", "intensity": 6}, "intensity"),
        ({"site": "left_thigh", "count": 0}, "count"),
        ({"site": "left_thigh", "duration_s": -1}, "duration_s"),
        ({"site": "left_thigh", "duration_s": float("nan")}, "duration_s"),
        ({"site": "left_thigh", "note": "a\x00b"}, "note"),
        ({"site": "left_thigh", "time": datetime(2999, 1, 1)}, "time"),
        ({"site": "left_thigh", "time": datetime(1800, 1, 1)}, "time"),
    ],
)
def test_bad_twitch_names_field_and_writes_nothing(diary: Diary, kwargs: dict, field: str) -> None:
    with pytest.raises(DiaryError) as err:
        diary.add_twitch(**kwargs)
    assert err.value.field == field
    assert field in str(err.value)
    assert diary.list_twitches() == []


def test_checkin_merges_unless_replaced(diary: Diary) -> None:
    diary.save_checkin(D1, sleep_hours=6.5, symptoms=["cramping"], medications=["Lasix 40 mg"])
    merged = diary.save_checkin(D1, caffeine_mg=300, hard_exercise=True)
    assert (merged.sleep_hours, merged.caffeine_mg, merged.hard_exercise) == (6.5, 300, True)
    assert merged.symptoms == ("cramping",) and merged.medications == ("Lasix 40 mg",)
    replaced = diary.save_checkin(D1, replace=True, stress_level=4)
    assert replaced.sleep_hours is None and replaced.symptoms == () and replaced.stress_level == 4
    assert diary.get_checkin(D1) == replaced
    assert diary.get_checkin(D2) is None
    diary.delete_checkin(D1)
    assert diary.list_checkins() == []
    with pytest.raises(NotFoundError):
        diary.delete_checkin(D1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sleep_hours": 30}, "sleep_hours"),
        ({"caffeine_mg": -5}, "caffeine_mg"),
        ({"stress_level": 11}, "stress_level"),
        ({"water_litres": "lots"}, "water_litres"),
        ({"hard_exercise": "yes"}, "hard_exercise"),
        ({"symptoms": ["itchy"]}, "symptoms"),
        ({"medications": ["a;b"]}, "medications"),
        ({"mood": 3}, "mood"),
    ],
)
def test_bad_checkin_names_field(diary: Diary, kwargs: dict, field: str) -> None:
    with pytest.raises(DiaryError) as err:
        diary.save_checkin(D1, **kwargs)
    assert err.value.field == field
    assert diary.list_checkins() == []


def test_bad_checkin_day(diary: Diary) -> None:
    with pytest.raises(DiaryError) as err:
        diary.save_checkin(date.today() + timedelta(days=5), sleep_hours=7)
    assert err.value.field == "date"


def test_import_day_values_is_idempotent_and_checkin_wins(diary: Diary) -> None:
    diary.save_checkin(D1, sleep_hours=6.0)
    diary.save_checkin(D2)
    values = [
        DayValue(D1, "sleep_hours", 8.0),
        DayValue(D1, "steps", 9000),
        DayValue(D2, "sleep_hours", 7.5),
    ]
    first = diary.import_day_values(values, "apple_health")
    again = diary.import_day_values(values, "apple_health")
    assert (first.added, again.added, again.updated, again.unchanged) == (3, 0, 0, 3)
    changed = diary.import_day_values([DayValue(D2, "sleep_hours", 5.0)], "apple_health")
    assert changed.updated == 1
    assert len(diary.list_day_values()) == 3
    frame = diary.daily_frame()
    assert frame.loc[D1, "sleep_hours"] == 6.0  # typed in the check-in: wins
    assert frame.loc[D2, "sleep_hours"] == 5.0
    assert frame.loc[D1, "steps"] == 9000


def test_import_day_values_all_or_nothing(diary: Diary) -> None:
    values = [DayValue(D1, "steps", 100), DayValue(D2, "steps", float("inf"))]
    with pytest.raises(DiaryError) as err:
        diary.import_day_values(values, "apple_health")
    assert "values[2]" in str(err.value)
    with pytest.raises(DiaryError) as err:
        diary.import_day_values([DayValue(D1, "Bad Name", 1)], "x")
    assert diary.list_day_values() == []
    with pytest.raises(DiaryError) as err:
        diary.import_day_values([], "")
    assert err.value.field == "source"


def test_daily_frame_rows_are_tracked_days(diary: Diary) -> None:
    diary.save_checkin(D1, hard_exercise=True, caffeine_mg=200)
    diary.save_checkin(D3, hard_exercise=False)
    for t in (datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 3, 1, 20, tzinfo=UTC)):
        diary.add_twitch("left_thigh", t, count=3)
    diary.add_twitch("left_thigh", datetime(2026, 3, 2, 9, tzinfo=UTC))  # untracked day
    frame = diary.daily_frame()
    assert list(frame.index) == [D1, D3]
    assert frame["twitches"].tolist() == [6, 0] and frame["episodes"].tolist() == [2, 0]
    assert str(frame["twitches"].dtype) == "int64"
    assert frame["hard_exercise"].tolist() == [1.0, 0.0]
    assert (
        frame.loc[D1, "caffeine_mg"] == 200
        and frame.loc[D3, "caffeine_mg"] != frame.loc[D3, "caffeine_mg"]
    )
    assert list(diary.daily_frame(D2, D3).index) == [D3]
    counts = diary.twitch_counts_by_day()
    assert counts.to_dict() == {D1: 6, D2: 1}


def test_experiments(diary: Diary) -> None:
    assert diary.active_experiment() is None
    exp_id = diary.save_experiment({"factor": "caffeine_mg", "days": 14})
    assert diary.active_experiment() == (exp_id, {"factor": "caffeine_mg", "days": 14})
    with pytest.raises(DiaryError):
        diary.save_experiment({"factor": "sleep_hours"})
    diary.end_experiment(exp_id)
    assert diary.active_experiment() is None
    [exp] = diary.list_experiments()
    assert exp.status == "ended" and exp.ended_at is not None
    with pytest.raises(NotFoundError):
        diary.end_experiment(999)


def test_assessments_history(diary: Diary) -> None:
    first = diary.record_assessment({"sites": ["left_thigh"]}, {"triage": "self_care"}, "cli")
    second = diary.record_assessment({"sites": ["eyelid"]}, {"triage": "doctor"}, "web")
    records = diary.list_assessments()
    assert [r.id for r in records] == [second, first]
    assert records[0].triage == "doctor" and records[1].case == {"sites": ["left_thigh"]}
    assert len(diary.list_assessments(limit=1)) == 1
    with pytest.raises(DiaryError) as err:
        diary.record_assessment({}, {}, "")
    assert err.value.field == "origin"


def test_erase_deletes_everything(diary: Diary) -> None:
    diary.add_twitch("left_thigh")
    diary.save_checkin(D1, sleep_hours=7)
    diary.import_day_values([DayValue(D1, "steps", 1)], "apple_health")
    diary.record_assessment({}, {"triage": "self_care"}, "cli")
    diary.save_experiment({})
    diary.erase()
    assert diary.list_twitches() == [] and diary.list_checkins() == []
    assert diary.list_day_values() == [] and diary.list_assessments() == []
    assert diary.list_experiments() == []


def test_memory_diary_is_private() -> None:
    with Diary.memory() as one, Diary.memory() as two:
        one.add_twitch("left_thigh")
        assert two.list_twitches() == []


def test_bad_urls_name_db() -> None:
    for url in ("nonsense", "mysql://x/y", "sqlite:////no/such/folder/diary.db"):
        with pytest.raises(DiaryError) as err:
            Diary.open(url)
        assert err.value.field == "db"


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100)
    with pytest.raises(DiaryError) as err:
        Diary.open(f"sqlite:///{path}")
    assert err.value.field == "db" and "not a database" in str(err.value)


# -- property: whatever valid entry goes in comes back unchanged, on both databases ----------

_text = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=30)
_offsets = st.none() | st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_numbers = st.none() | st.floats(0, 10, allow_nan=False)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    moment=st.datetimes(datetime(1950, 1, 1), datetime(2026, 1, 1)),
    offset=_offsets,
    site=st.sampled_from(SITE_IDS),
    intensity=st.none() | st.integers(1, 5),
    count=st.integers(1, 100_000),
    duration=st.none() | st.floats(0, 86_400),
    note=st.none() | _text.filter(bool),
)
def test_twitch_round_trip(
    diary: Diary,
    moment: datetime,
    offset: timezone | None,
    site: str,
    intensity: int | None,
    count: int,
    duration: float | None,
    note: str | None,
) -> None:
    given_time = moment.replace(tzinfo=offset)
    stored = diary.add_twitch(
        site, given_time, intensity=intensity, count=count, duration_s=duration, note=note
    )
    got = diary.get_twitch(stored.id)
    assert got == stored
    assert got.time.replace(tzinfo=None) == moment  # the wall time as given, to the microsecond
    assert got.explicit_offset == (offset is not None)
    if offset is not None:
        assert got.time.utcoffset() == offset.utcoffset(None)
    assert (got.site, got.intensity, got.count, got.duration_s, got.note) == (
        site,
        intensity,
        count,
        duration,
        note,
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(date(1950, 1, 1), date(2026, 1, 1)),
    sleep=_numbers,
    stress=_numbers,
    hard=st.none() | st.booleans(),
    symptoms=st.lists(st.sampled_from(SYMPTOM_IDS), unique=True, max_size=3),
    medications=st.lists(_text.filter(lambda s: s and s == s.strip() and ";" not in s), max_size=3),
    notes=st.none() | _text.filter(bool),
)
def test_checkin_round_trip(
    diary: Diary,
    day: date,
    sleep: float | None,
    stress: float | None,
    hard: bool | None,
    symptoms: list[str],
    medications: list[str],
    notes: str | None,
) -> None:
    saved = diary.save_checkin(
        day,
        replace=True,
        sleep_hours=sleep,
        stress_level=stress,
        hard_exercise=hard,
        symptoms=symptoms,
        medications=medications,
        notes=notes,
    )
    got = diary.get_checkin(day)
    assert got == saved
    assert got is not None
    assert (got.sleep_hours, got.stress_level, got.hard_exercise, got.notes) == (
        sleep,
        stress,
        hard,
        notes,
    )
    assert got.symptoms == tuple(symptoms) and got.medications == tuple(medications)


def test_more_bad_input_is_named(diary: Diary) -> None:
    tw = diary.add_twitch("left_thigh")
    with pytest.raises(DiaryError) as err:
        diary.update_twitch(tw.id, mood="fine")
    assert err.value.field == "mood"
    with pytest.raises(DiaryError) as err:
        diary.save_experiment(["not", "a", "dict"])  # type: ignore[arg-type]
    assert err.value.field == "plan"
    with pytest.raises(DiaryError) as err:
        diary.record_assessment("case", {}, "cli")  # type: ignore[arg-type]
    assert err.value.field == "case"
    with pytest.raises(DiaryError) as err:
        diary.import_day_values([DayValue(date(2999, 1, 1), "steps", 1)], "apple-health")
    assert err.value.field == "values[1].day"
    assert diary.list_day_values() == [] and diary.list_experiments() == []
