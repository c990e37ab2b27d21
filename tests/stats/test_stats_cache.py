"""Insights are computed once per change of the diary, not on every request."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from twitchwise.diary import Diary
from twitchwise.stats import cached_insights, clear_insights_cache


def _fill(diary: Diary, days: int) -> None:
    start = date(2026, 1, 1)
    for i in range(days):
        day = start + timedelta(days=i)
        diary.save_checkin(day, caffeine_mg=100.0 * (i % 3), sleep_hours=7.0)
        diary.add_twitch(
            "left_thigh", datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
        )


def test_last_change_moves_with_every_kind_of_write() -> None:
    with Diary.memory() as diary:
        keys = [diary.last_change()]
        diary.save_checkin(date(2026, 1, 1), caffeine_mg=100.0)
        keys.append(diary.last_change())
        twitch = diary.add_twitch("left_thigh", datetime(2026, 1, 1, 9))
        keys.append(diary.last_change())
        diary.update_twitch(twitch.id, count=3)
        keys.append(diary.last_change())
        diary.delete_twitch(twitch.id)
        keys.append(diary.last_change())
        assert len(set(keys)) == len(keys)
        assert diary.last_change() == keys[-1]  # reading does not change it


def test_a_second_request_reuses_the_fit_and_a_write_refits() -> None:
    clear_insights_cache()
    calls: list[int] = []
    with Diary.memory() as diary:
        _fill(diary, 35)

        def frame() -> pd.DataFrame:
            calls.append(1)
            return diary.daily_frame()

        first = cached_insights((diary.url, diary.last_change()), frame)
        again = cached_insights((diary.url, diary.last_change()), frame)
        assert again is first and len(calls) == 1
        assert first.report.tracked_days == 35 and len(first.daily_twitches) == 35
        diary.save_checkin(date(2026, 3, 1), caffeine_mg=0.0)
        after = cached_insights((diary.url, diary.last_change()), frame)
        assert len(calls) == 2 and after.report.tracked_days == 36
