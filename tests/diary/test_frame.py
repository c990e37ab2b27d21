"""daily_frame: the stable shape statistics rely on."""

from __future__ import annotations

import math
from datetime import date

from twitchwise.diary import EXTRA_METRICS, NUMERIC_DAY_COLUMNS, DayValue, Diary

D1, D2 = date(2026, 3, 1), date(2026, 3, 2)


def test_empty_frame_has_every_column() -> None:
    with Diary.memory() as diary:
        frame = diary.daily_frame()
    assert frame.empty
    expected = ["twitches", "episodes", *NUMERIC_DAY_COLUMNS, "hard_exercise", *EXTRA_METRICS]
    assert list(frame.columns) == expected


def test_latest_import_wins_and_new_metrics_get_columns() -> None:
    with Diary.memory() as diary:
        diary.save_checkin(D1)
        diary.save_checkin(D2, sleep_hours=None)
        diary.import_day_values([DayValue(D1, "sleep_hours", 6.0)], "fitbit")
        diary.import_day_values([DayValue(D1, "sleep_hours", 7.0)], "apple-health")
        diary.import_day_values([DayValue(D2, "body_temperature_c", 36.6)], "apple-health")
        frame = diary.daily_frame()
        assert frame.loc[D1, "sleep_hours"] == 7.0
        assert (
            frame.columns[-1] == "body_temperature_c"
            and frame.loc[D2, "body_temperature_c"] == 36.6
        )
        assert math.isnan(frame.loc[D2, "sleep_hours"])
        assert diary.delete_day_values("apple-health") == 2
        assert diary.daily_frame().loc[D1, "sleep_hours"] == 6.0
