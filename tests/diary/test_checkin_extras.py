"""Check-ins keep the drinks as counted, and "no twitches today" makes a tracked zero."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from twitchwise.diary import Diary, DiaryError
from twitchwise.stats import factor_insights

DAY = date(2026, 3, 2)
AT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))


def test_drinks_come_back_as_counted_and_replace_clears_them() -> None:
    with Diary.memory() as diary:
        saved = diary.save_checkin(DAY, caffeine_mg=480, drinks={"coffee": 5})
        assert saved.drinks == (("coffee", 5.0),)
        assert diary.get_checkin(DAY) == saved
        assert diary.save_checkin(DAY, replace=True, caffeine_mg=40).drinks == ()


@pytest.mark.parametrize("drinks", [{"tea_of_mars": 1}, {"coffee": -1}, {"coffee": float("nan")}])
def test_bad_drinks_name_the_field(drinks: dict[str, float]) -> None:
    with Diary.memory() as diary, pytest.raises(DiaryError) as caught:
        diary.save_checkin(DAY, drinks=drinks)
    assert caught.value.problems[0].field == "drinks"


def test_no_twitches_is_a_tracked_zero_until_a_twitch_is_logged() -> None:
    with Diary.memory() as diary:
        assert diary.mark_no_twitches(DAY).no_twitches
        frame = diary.daily_frame()
        assert list(frame.index) == [DAY] and frame.loc[DAY, "twitches"] == 0
        diary.add_twitch("left_thigh", AT)
        assert diary.get_checkin(DAY).no_twitches is False  # type: ignore[union-attr]
        with pytest.raises(DiaryError) as caught:
            diary.mark_no_twitches(DAY)
        assert caught.value.problems[0].field == "no_twitches"


def test_no_twitch_days_count_in_insights() -> None:
    with Diary.memory() as diary:
        for n in range(10):
            day = DAY + timedelta(days=n)
            if n % 2:
                diary.mark_no_twitches(day)
            else:
                diary.add_twitch("left_thigh", datetime.combine(day, AT.timetz()))
                diary.save_checkin(day, sleep_hours=7)
        result = factor_insights(diary.daily_frame())
    assert result.tracked_days == 10


def test_a_plain_path_opens_a_sqlite_diary(tmp_path: Path) -> None:
    with Diary.open(str(tmp_path / "plain.db")) as diary:
        diary.add_twitch("left_thigh", AT)
    with Diary.open(f"sqlite:///{tmp_path / 'plain.db'}") as diary:
        assert len(diary.list_twitches()) == 1


def test_a_new_caffeine_total_without_drinks_forgets_the_old_drinks() -> None:
    """The CLI's --caffeine-mg changes the total: the drinks counted earlier no longer add up."""
    with Diary.memory() as diary:
        diary.save_checkin(DAY, caffeine_mg=384, drinks={"coffee": 4})
        assert diary.save_checkin(DAY, sleep_hours=7).drinks == (("coffee", 4.0),)
        assert diary.save_checkin(DAY, caffeine_mg=50).drinks == ()
