"""A small diary that uses every table and the awkward values (offsets, commas, quotes, newlines,
formulas, empty fields), shared by the backup, FHIR and export tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from twitchwise.diary import DayValue, Diary

DAY = date(2026, 3, 2)
PLUS_ONE = timezone(timedelta(hours=1))


def fill(diary: Diary) -> None:
    """Put one of everything (and some of the edge cases) into `diary`."""
    diary.add_twitch(
        "left_calf", datetime(2026, 3, 2, 8, 15, tzinfo=PLUS_ONE), intensity=3, count=4
    )
    diary.add_twitch(
        "eyelid",
        datetime(2026, 3, 2, 21, 40, 5),
        duration_s=12.5,
        note='after coffee, "again"\nsecond line',
    )
    diary.add_twitch("right_thigh", datetime(2026, 3, 3, 7, 0, tzinfo=PLUS_ONE), note="=1+2")
    diary.save_checkin(
        DAY,
        sleep_hours=6.5,
        caffeine_mg=200,
        alcohol_drinks=1,
        water_litres=1.5,
        stress_level=4,
        exercise_minutes=30,
        hard_exercise=True,
        symptoms=["cramping"],
        medications=["salbutamol"],
        notes="long day, tired",
    )
    diary.save_checkin(DAY + timedelta(days=1), sleep_hours=8.25)
    diary.import_day_values(
        [
            DayValue(DAY, "sleep_hours", 6.1),
            DayValue(DAY, "steps", 10432),
            DayValue(DAY + timedelta(days=1), "sleep_hours", 7.9),
            DayValue(DAY + timedelta(days=2), "resting_heart_rate_bpm", 61),
        ],
        "apple-health",
    )
    diary.import_day_values([DayValue(DAY, "steps", 10001)], "other-app")
    diary.record_assessment(
        {"age": 34, "sites": ["left_calf"], "duration_weeks": 3},
        {"triage": "self_care", "summary": "Likely benign; keep a diary.", "n": [1, 2.5]},
        "cli",
    )
    diary.record_assessment({"age": 34}, {"triage": "doctor", "summary": "See a doctor."}, "web")
    first = diary.save_experiment({"factor": "caffeine", "seed": 1234, "days": 14})
    diary.end_experiment(first)
    diary.save_experiment({"factor": "sleep", "seed": 99, "days": 28})
