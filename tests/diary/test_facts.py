"""case_facts_from_diary: the case fields the diary can answer, each with its sentence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest

from twitchwise.diary import Diary, case_facts_from_diary
from twitchwise.engine import Case

TODAY = date(2026, 3, 28)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour)).astimezone()


def ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.fixture
def mem() -> Iterator[Diary]:
    with Diary.memory() as diary:
        yield diary


def test_empty_diary_knows_nothing(mem: Diary) -> None:
    facts = case_facts_from_diary(mem, TODAY)
    assert facts.known == {} and facts.facts == []


def test_duration_is_the_current_run(mem: Diary) -> None:
    for n in range(1, 18):  # yesterday back to 17 days ago
        mem.add_twitch("left_thigh", at(ago(n)))
    mem.add_twitch("left_thigh", at(ago(30)))  # an older episode, not part of the run
    facts = case_facts_from_diary(mem, TODAY)
    assert facts.known["duration_days"] == 17
    sentence = next(f.sentence for f in facts.facts if f.field == "duration_days")
    assert "each of the last 17 days" in sentence and "yesterday" in sentence


def test_one_forgotten_day_does_not_break_the_run_but_a_quiet_checkin_does(mem: Diary) -> None:
    for n in (0, 1, 3, 4, 6, 7):  # day 2 forgotten (untracked), day 5 checked in without twitches
        mem.add_twitch("left_thigh", at(ago(n)))
    mem.save_checkin(ago(5), sleep_hours=7)
    facts = case_facts_from_diary(mem, TODAY)
    assert facts.known["duration_days"] == 5
    assert any("4 of the last 5 days" in f.sentence for f in facts.facts)


def test_no_twitch_today_or_yesterday_means_duration_unknown(mem: Diary) -> None:
    mem.add_twitch("left_thigh", at(ago(2)))
    assert "duration_days" not in case_facts_from_diary(mem, TODAY).known


def test_sites_of_the_last_14_days_most_first(mem: Diary) -> None:
    mem.add_twitch("eyelid", at(ago(20)))  # too old
    mem.add_twitch("right_calf", at(ago(13)))
    mem.add_twitch("left_thigh", at(ago(1)), count=5)
    facts = case_facts_from_diary(mem, TODAY)
    assert facts.known["sites"] == ["left_thigh", "right_calf"]
    assert any("left thigh (5 twitches on 1 day)" in f.sentence for f in facts.facts)


def test_course_comes_from_the_tested_trend(mem: Diary) -> None:
    for n in range(27, -1, -1):
        day = ago(n)
        mem.save_checkin(day, sleep_hours=7)
        mem.add_twitch("left_thigh", at(day), count=1 + (27 - n) * 2)  # clearly rising
    facts = case_facts_from_diary(mem, TODAY)
    assert facts.known["course"] == "worsening"
    flat = Diary.memory()
    for n in range(27, -1, -1):
        flat.save_checkin(ago(n))
        flat.add_twitch("left_thigh", at(ago(n)), count=(4, 6, 5, 7, 3, 5, 6)[n % 7])
    assert case_facts_from_diary(flat, TODAY).known["course"] == "stable"


def test_too_few_days_leave_the_course_to_the_interview(mem: Diary) -> None:
    for n in range(3):
        mem.save_checkin(ago(n))
        mem.add_twitch("left_thigh", at(ago(n)), count=10 * (3 - n))
    assert "course" not in case_facts_from_diary(mem, TODAY).known


def test_symptoms_medications_and_factors(mem: Diary) -> None:
    mem.save_checkin(ago(20), symptoms=["weakness"], medications=["old pill"], sleep_hours=2)
    mem.save_checkin(ago(3), symptoms=["cramping"], medications=["Lasix 40 mg"], sleep_hours=5)
    mem.save_checkin(
        ago(1),
        sleep_hours=6,
        caffeine_mg=400,
        alcohol_drinks=2,
        exercise_minutes=60,
        stress_level=8,
    )
    mem.save_checkin(TODAY, hard_exercise=True, water_litres=1.0, medications=["lasix 40 mg"])
    known = case_facts_from_diary(mem, TODAY).known
    assert known["symptoms"] == ["cramping"]  # weakness was 20 days ago
    assert known["medications"] == ["lasix 40 mg"]
    factors = known["factors"]
    assert factors["sleep_hours"] == 5.5
    assert factors["caffeine_mg_per_day"] == 400
    assert factors["alcohol_drinks_per_week"] == 14
    assert factors["exercise_hours_per_week"] == 7
    assert factors["water_litres_per_day"] == 1.0 and factors["stress_level"] == 8
    assert factors["hard_exercise_last_48h"] is True


def test_known_builds_a_valid_case(mem: Diary) -> None:
    for n in range(20):
        mem.save_checkin(ago(n), sleep_hours=5, caffeine_mg=500, hard_exercise=False)
        mem.add_twitch("left_thigh", at(ago(n)), count=(4, 6, 5, 7, 3, 5, 6)[n % 7])
        mem.add_twitch("right_thigh", at(ago(n), 18))
    facts = case_facts_from_diary(mem, TODAY)
    case = Case.model_validate(facts.known)
    assert case.duration_days == 20 and set(case.sites) == {"left_thigh", "right_thigh"}
    assert case.factors.hard_exercise_last_48h is False
    assert {f.field for f in facts.facts} >= {
        "duration_days",
        "sites",
        "course",
        "factors.sleep_hours",
    }
