"""The command line's quick path (stdlib sqlite3) stores what `Diary.add_twitch`, `save_checkin`
and `import_day_values` store, or nothing and hands over: same rows, same counts, same rules and
messages, same "no twitches" unmarking."""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine

from twitchwise.diary import DayValue, Diary, DiaryError
from twitchwise.diary import _quick as quick
from twitchwise.diary._store import migrate

PARIS = timezone(timedelta(hours=1))
NOW = datetime.now(PARIS).replace(microsecond=0) - timedelta(hours=2)


def fresh(tmp_path: Path, name: str) -> str:
    url = f"sqlite:///{tmp_path / name}"
    with Diary.open(url):
        pass
    return url


def rows(url: str, table: str, skip: tuple[str, ...]) -> list[dict[str, Any]]:
    """Every column of every row, with its SQLite storage type (text, integer, real, null)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        db.row_factory = sqlite3.Row
        found = [dict(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        kinds = (
            [
                dict(r)
                for r in db.execute(
                    "SELECT " + ", ".join(f"typeof({c})" for c in found[0]) + f" FROM {table}"
                )
            ]
            if found
            else []
        )
    return [
        {k: v for k, v in {**row, **kind}.items() if not any(s in k for s in skip)}
        for row, kind in zip(found, kinds, strict=True)
    ]


CASES: list[dict[str, Any]] = [
    {"site": "left_thigh", "time": NOW},
    {"site": "eyelid", "time": NOW, "intensity": 3, "count": 4, "duration_s": 2.5, "note": "x"},
    {"site": "right_calf", "time": NOW.replace(tzinfo=None), "duration_s": 7, "note": "   "},
    {"site": "left_calf", "time": NOW - timedelta(days=40), "note": "Fish &amp; chips — ☕"},
]


@pytest.mark.parametrize("case", CASES)
def test_the_quick_path_stores_the_row_the_diary_stores(
    tmp_path: Path, case: dict[str, Any]
) -> None:
    slow_url, quick_url = fresh(tmp_path, "slow.db"), fresh(tmp_path, "quick.db")
    fields = {k: v for k, v in case.items() if k not in ("site", "time")}
    with Diary.open(slow_url) as diary:
        slow = diary.add_twitch(case["site"], case["time"], **fields)
    fast = quick.add_twitch(quick_url, case["site"], case["time"], **fields)
    assert fast == slow
    assert rows(quick_url, "twitches", ("created_at",)) == rows(
        slow_url, "twitches", ("created_at",)
    )
    created = [r["created_at"] for r in rows(quick_url, "twitches", ())]
    with Diary.open(quick_url) as diary:  # read back through SQLAlchemy: the same Twitch
        assert diary.list_twitches() == [slow]
    assert abs(
        datetime.fromisoformat(created[0]) - datetime.now(UTC).replace(tzinfo=None)
    ) < timedelta(minutes=5)


def test_a_twitch_takes_the_no_twitches_mark_off_its_day_as_the_diary_does(tmp_path: Path) -> None:
    urls = fresh(tmp_path, "slow.db"), fresh(tmp_path, "quick.db")
    for url in urls:
        with Diary.open(url) as diary:
            diary.save_checkin(NOW.date(), no_twitches=True, sleep_hours=7)
            diary.save_checkin(NOW.date() - timedelta(days=1), no_twitches=True)
    with Diary.open(urls[0]) as diary:
        diary.add_twitch("eyelid", NOW)
    assert quick.add_twitch(urls[1], "eyelid", NOW) is not None
    skip = ("updated_at", "created_at")
    assert rows(urls[1], "checkins", skip) == rows(urls[0], "checkins", skip)
    with Diary.open(urls[1]) as diary:
        assert diary.get_checkin(NOW.date()).no_twitches is False
        assert diary.get_checkin(NOW.date() - timedelta(days=1)).no_twitches is True


BAD: list[dict[str, Any]] = [
    {"site": "elbow_of_doom"},
    {"intensity": 7},
    {"intensity": 0, "count": 0},
    {"count": 100_001},
    {"duration_s": -1.0},
    {"duration_s": 90_000},
    {"duration_s": math.nan},
    {"duration_s": math.inf},
    {"note": "a\x00b"},
    {"note": "n" * 5001},
    {"time": NOW + timedelta(days=3)},
    {"time": datetime(1899, 12, 31, tzinfo=PARIS), "intensity": 9},
]


@pytest.mark.parametrize("bad", BAD)
def test_the_same_rules_refuse_the_same_input_with_the_same_words(
    tmp_path: Path, bad: dict[str, Any]
) -> None:
    url = fresh(tmp_path, "diary.db")
    values: dict[str, Any] = {"site": "eyelid", "time": NOW, **bad}
    site, time = values.pop("site"), values.pop("time")
    with pytest.raises(DiaryError) as slow, Diary.open(url) as diary:
        diary.add_twitch(site, time, **values)
    with pytest.raises(DiaryError) as fast:
        quick.add_twitch(url, site, time, **values)
    assert fast.value.problems == slow.value.problems
    assert rows(url, "twitches", ()) == []


def test_it_writes_for_the_person_it_is_given(tmp_path: Path) -> None:
    url = fresh(tmp_path, "diary.db")
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        db.execute("INSERT INTO people (id, created_at) VALUES (2, '2026-01-01 00:00:00.000000')")
    twitch = quick.add_twitch(url, "eyelid", NOW, person_id=2)
    assert twitch is not None
    with Diary.open(url) as diary:
        assert diary.list_twitches() == []
        assert diary.for_person(2).list_twitches() == [twitch]


def test_it_hands_over_whenever_it_cannot_do_exactly_what_the_diary_does(tmp_path: Path) -> None:
    url = fresh(tmp_path, "diary.db")
    path = Path(url.removeprefix("sqlite:///"))
    hand_over = [
        ("postgresql://me@localhost/diary", {}),
        ("sqlite://", {}),
        ("sqlite:///:memory:", {}),
        (f"sqlite:///{tmp_path / 'no-such-folder' / 'diary.db'}", {}),
        (f"sqlite:///file:{path}?mode=ro", {}),
        ("sqlite:///~/diary.db", {}),
        (url, {"intensity": "3"}),  # needs converting: pydantic's job, on the diary's path
        (url, {"count": True}),
        (url, {"person_id": 99}),  # no such person: the foreign key refuses, nothing is written
    ]
    for where, extra in hand_over:
        assert quick.add_twitch(where, "eyelid", NOW, **extra) is None, where
    assert not (tmp_path / "no-such-folder").exists()
    assert rows(url, "twitches", ()) == []


@pytest.mark.parametrize("start", ["missing", "empty file"])
def test_a_new_diary_is_created_as_the_diary_creates_it(tmp_path: Path, start: str) -> None:
    """From the schema snapshot, owner-only, in the same transaction as the first entry."""
    path = tmp_path / "new.db"
    if start == "empty file":
        path.touch(mode=0o600)
    twitch = quick.add_twitch(f"sqlite:///{path}", "eyelid", NOW)
    assert twitch is not None
    assert path.stat().st_mode & 0o777 == 0o600
    with Diary.open(f"sqlite:///{path}") as diary:
        assert diary.list_twitches() == [twitch]
    made = tmp_path / "made.db"
    with Diary.open(f"sqlite:///{made}"):
        pass
    tables = "SELECT name, sql FROM sqlite_master ORDER BY rowid"
    with sqlite3.connect(path) as quick_db, sqlite3.connect(made) as diary_db:
        assert quick_db.execute(tables).fetchall() == diary_db.execute(tables).fetchall()


def test_a_diary_that_needs_migrating_is_left_to_the_diary(tmp_path: Path) -> None:
    url = fresh(tmp_path, "old.db")
    engine = create_engine(url)
    migrate(engine, "0002", downgrade=True)
    engine.dispose()
    assert quick.add_twitch(url, "eyelid", NOW) is None
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        assert db.execute("SELECT count(*) FROM twitches").fetchone() == (0,)
    with Diary.open(url) as diary:  # the ordinary path migrates it, then stores
        diary.add_twitch("eyelid", NOW)
    assert quick.add_twitch(url, "eyelid", NOW) is not None


def test_a_plain_file_path_is_a_sqlite_diary_too(tmp_path: Path) -> None:
    url = fresh(tmp_path, "diary.db")
    assert quick.add_twitch(str(tmp_path / "diary.db"), "eyelid", NOW) is not None
    assert len(rows(url, "twitches", ())) == 1
    assert quick.stamp(date(2026, 3, 2)) == "2026-03-02"


CHECKINS: list[dict[str, Any]] = [
    {"sleep_hours": 7, "hard_exercise": True, "symptoms": ("cramping", "cramping")},
    {"caffeine_mg": 120.5, "medications": (" magnésium ", "", "ibuprofen"), "notes": "  "},
    {"stress_level": 0, "water_litres": 1.5, "alcohol_drinks": 2, "exercise_minutes": 30},
    {"notes": "Fish &amp; chips — ☕", "hard_exercise": False, "symptoms": ()},
]


@pytest.mark.parametrize("values", CHECKINS)
@pytest.mark.parametrize("earlier", [None, {"drinks": {"coffee": 2}, "sleep_hours": 5}])
def test_a_check_in_is_stored_as_the_diary_stores_it(
    tmp_path: Path, values: dict[str, Any], earlier: dict[str, Any] | None
) -> None:
    urls = fresh(tmp_path, "slow.db"), fresh(tmp_path, "quick.db")
    day = NOW.date() - timedelta(days=1)
    if earlier is not None:  # change a check-in that is there already
        for url in urls:
            with Diary.open(url) as diary:
                diary.save_checkin(day, **earlier)
    with Diary.open(urls[0]) as diary:
        slow = diary.save_checkin(day, **values)
    fast = quick.save_checkin(urls[1], day, values)
    assert fast == slow
    assert rows(urls[1], "checkins", ("updated_at",)) == rows(urls[0], "checkins", ("updated_at",))
    with Diary.open(urls[1]) as diary:
        assert diary.get_checkin(day) == slow


BAD_CHECKINS: list[dict[str, Any]] = [
    {"sleep_hours": 25},
    {"stress_level": -1, "caffeine_mg": math.nan},
    {"water_litres": math.inf},
    {"symptoms": ("no_such_symptom",)},
    {"medications": ("a;b",)},
    {"medications": ("m" * 201,)},
    {"notes": "x\x00"},
    {"notes": "n" * 10_001},
]


@pytest.mark.parametrize("bad", BAD_CHECKINS)
def test_a_bad_check_in_gets_the_same_words(tmp_path: Path, bad: dict[str, Any]) -> None:
    url = fresh(tmp_path, "diary.db")
    with pytest.raises(DiaryError) as slow, Diary.open(url) as diary:
        diary.save_checkin(NOW.date(), **bad)
    with pytest.raises(DiaryError) as fast:
        quick.save_checkin(url, NOW.date(), bad)
    assert fast.value.problems == slow.value.problems
    for day in (date(1899, 1, 1), NOW.date() + timedelta(days=5)):
        with pytest.raises(DiaryError) as slow, Diary.open(url) as diary:
            diary.save_checkin(day, sleep_hours=7)
        with pytest.raises(DiaryError) as fast:
            quick.save_checkin(url, day, {"sleep_hours": 7})
        assert fast.value.problems == slow.value.problems
    assert rows(url, "checkins", ()) == []


def test_check_in_values_it_does_not_take_are_left_to_the_diary(tmp_path: Path) -> None:
    url = fresh(tmp_path, "diary.db")
    for values in (
        {},
        {"drinks": {"coffee": 1}},
        {"no_twitches": True},
        {"sleep_hours": "7"},
        {"hard_exercise": 1},
        {"symptoms": ["cramping"]},
        {"sleep_hours": 7, "unknown": 1},
    ):
        assert quick.save_checkin(url, NOW.date(), values) is None, values
    assert quick.save_checkin("postgresql://me@localhost/diary", NOW.date(), {"notes": "x"}) is None
    assert rows(url, "checkins", ()) == []


# -- an import's day values --------------------------------------------------------------------

FIRST = [
    DayValue(date(2026, 3, 1), "sleep_hours", 7.5),
    DayValue(date(2026, 3, 1), "steps", 8000),
    DayValue(date(2026, 3, 2), "steps", 9100.0),
    DayValue(date(2026, 3, 2), "steps", 9200.0),  # repeated: the last counts
    DayValue(date(2025, 12, 31), "caffeine_mg", 0),
]
AGAIN = [
    DayValue(date(2026, 3, 1), "sleep_hours", 7.5),  # unchanged
    DayValue(date(2026, 3, 2), "steps", 10_000.0),  # updated
    DayValue(date(2026, 3, 3), "steps", 500.0),  # added
]


def test_an_import_stores_the_rows_and_counts_the_diary_does(tmp_path: Path) -> None:
    slow_url, quick_url = fresh(tmp_path, "slow.db"), fresh(tmp_path, "quick.db")
    for values in (FIRST, AGAIN, AGAIN):
        with Diary.open(slow_url) as diary:
            slow = diary.import_day_values(values, source="apple-health")
        fast = quick.import_day_values(quick_url, values, "apple-health")
        assert fast == slow
    assert rows(quick_url, "day_values", ("imported_at",)) == rows(
        slow_url, "day_values", ("imported_at",)
    )
    with Diary.open(quick_url) as diary, Diary.open(slow_url) as other:  # read back: the same
        assert diary.list_day_values() == other.list_day_values()
    stamps = {r["imported_at"] for r in rows(quick_url, "day_values", ())}
    assert all(isinstance(s, str) and len(s) == len("2026-03-01 12:00:00.000000") for s in stamps)


def test_an_import_into_a_new_diary_creates_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    stats = quick.import_day_values(url, FIRST, "apple-health")
    assert stats is not None and stats.added == 4
    with Diary.open(url) as diary:
        assert len(diary.list_day_values(source="apple-health")) == 4


@pytest.mark.parametrize(
    ("values", "source"),
    [
        ([DayValue(date(2026, 3, 1), "Steps", 1.0)], "apple-health"),
        ([DayValue(date(2026, 3, 1), "steps", -1.0)], "apple-health"),
        ([DayValue(date(2026, 3, 1), "steps", math.nan)], "apple-health"),
        ([DayValue(date(1800, 3, 1), "steps", 1.0)], "apple-health"),
        ([DayValue(date(2026, 3, 1), "steps", 1.0)], " "),
        ([DayValue(date(2026, 3, 1), "steps", 1.0)], "x" * 65),
    ],
)
def test_an_import_refuses_what_the_diary_refuses_with_the_same_words(
    tmp_path: Path, values: list[DayValue], source: str
) -> None:
    url = fresh(tmp_path, "diary.db")
    with Diary.open(url) as diary, pytest.raises(DiaryError) as slow:
        diary.import_day_values(values, source=source)
    with pytest.raises(DiaryError) as fast:
        quick.import_day_values(url, values, source)
    assert fast.value.problems == slow.value.problems
    assert rows(url, "day_values", ()) == []


def test_an_import_hands_over_a_diary_that_needs_migrating(tmp_path: Path) -> None:
    url = fresh(tmp_path, "old.db")
    engine = create_engine(url)
    migrate(engine, "0002", downgrade=True)
    engine.dispose()
    assert quick.import_day_values(url, FIRST, "apple-health") is None
    assert quick.import_day_values("postgresql://me@localhost/diary", FIRST, "x") is None
    with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
        assert db.execute("SELECT count(*) FROM day_values").fetchone() == (0,)
