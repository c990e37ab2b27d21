"""Typed-in times and days, and caffeine from drinks."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

import twitchwise.diary as diary_pkg
from twitchwise.diary import DiaryError, drink_table, parse_day, parse_drinks, parse_when

PLUS_ONE = timezone(timedelta(hours=1))
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=PLUS_ONE)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("now", NOW),
        ("08:00", datetime(2026, 3, 2, 8, 0, tzinfo=PLUS_ONE)),
        ("today 08:00", datetime(2026, 3, 2, 8, 0, tzinfo=PLUS_ONE)),
        ("yesterday 21:30", datetime(2026, 3, 1, 21, 30, tzinfo=PLUS_ONE)),
        ("21.30 yesterday", datetime(2026, 3, 1, 21, 30, tzinfo=PLUS_ONE)),
        ("  Yesterday   21:30 ", datetime(2026, 3, 1, 21, 30, tzinfo=PLUS_ONE)),
        ("45 min ago", datetime(2026, 3, 2, 11, 15, tzinfo=PLUS_ONE)),
        ("2h ago", datetime(2026, 3, 2, 10, 0, tzinfo=PLUS_ONE)),
        ("2026-03-01T10:00", datetime(2026, 3, 1, 10, 0, tzinfo=PLUS_ONE)),
        (
            "2026-03-01T10:00+02:00",
            datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=2))),
        ),
    ],
)
def test_parse_when(text: str, expected: datetime) -> None:
    got = parse_when(text, NOW)
    assert got == expected and got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text", ["tomorrow", "21:30", "24:00", "yesterday 21:30 today", "2026-03-01", ""]
)
def test_parse_when_refuses(text: str) -> None:
    with pytest.raises(DiaryError) as err:
        parse_when(text, NOW)
    assert err.value.field == "at"


@given(st.integers(0, 23), st.integers(0, 59))
def test_yesterday_clock_keeps_the_wall_time(hour: int, minute: int) -> None:
    got = parse_when(f"yesterday {hour}:{minute:02d}", NOW)
    assert (got.date(), got.hour, got.minute) == (date(2026, 3, 1), hour, minute)


def test_parse_day() -> None:
    today = date(2026, 3, 2)
    assert parse_day("today", today) == today
    assert parse_day("Yesterday", today) == date(2026, 3, 1)
    assert parse_day("2026-02-28", today) == date(2026, 2, 28)
    with pytest.raises(DiaryError) as err:
        parse_day("last tuesday", today, field="checkin")
    assert err.value.field == "checkin"


def test_drinks_add_up_from_the_table() -> None:
    coffee, cola = drink_table().find("coffee"), drink_table().find("cola")
    assert coffee is not None and cola is not None
    total, items = parse_drinks("2 coffees, 1 cola")
    assert total == 2 * coffee.mg + cola.mg
    assert [i.quantity for i in items] == [2, 1]
    assert parse_drinks("an espresso and two cups of tea + 50 mg")[0] == 63 + 2 * 48 + 50
    assert parse_drinks("half a coffee")[0] == coffee.mg / 2


@pytest.mark.parametrize("text", ["", "3 mates", "200 coffees", "coffee, , wine"])
def test_unknown_or_absurd_drinks_name_the_field(text: str) -> None:
    with pytest.raises(DiaryError) as err:
        parse_drinks(text, field="caffeine_mg")
    assert err.value.field == "caffeine_mg"


def test_every_drink_is_sourced_with_its_serving() -> None:
    table = drink_table()
    sources = {s.id: s for s in table.sources}
    for drink in table.drinks:
        assert drink.source in sources and sources[drink.source].url.startswith("https://")
        assert drink.serving and drink.mg >= 0
    brewed = table.find("mug of coffee")
    assert brewed is not None and 90 <= brewed.mg <= 100  # case-format: a mug is about 95 mg


def test_public_names_are_exported() -> None:
    assert sorted(diary_pkg.__all__) == sorted(set(diary_pkg.__all__))
    for name in diary_pkg.__all__:
        assert getattr(diary_pkg, name) is not None
    for name in ("Diary", "DayValue", "case_facts_from_diary", "DiaryFacts", "DiaryError"):
        assert name in diary_pkg.__all__
