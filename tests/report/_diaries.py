"""Synthetic diaries for the report tests and the benchmark: seeded, so every run is the same."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from twitchwise.diary import DayValue, Diary
from twitchwise.engine import Case, assess
from twitchwise.stats import ExperimentPlan, plan_experiment

SITES = ("left_calf", "left_calf", "right_calf", "left_thigh", "eyelid")


def fill(diary: Diary, end: date, days: int, *, seed: int = 12, extras: bool = True) -> None:
    """`days` days up to `end`: check-ins on most days, twitches that rise with caffeine, Apple
    Health sleep and steps on every day, cramps on a few days and a salbutamol inhaler.

    With `extras`, also an assessment (recorded now) and a caffeine ABAB experiment over the last
    four weeks, which the check-ins follow.
    """
    rng = random.Random(seed)
    start = end - timedelta(days=days - 1)
    plan: ExperimentPlan | None = None
    if extras:
        plan = plan_experiment("caffeine", design="ABAB", phase_days=7,
                               start=end - timedelta(days=27), seed=3)  # fmt: skip
        diary.save_experiment(plan.model_dump(mode="json"))
    b_days = set()
    if plan is not None:
        for phase in plan.phases:
            if phase.condition == "B":
                b_days |= {
                    phase.start + timedelta(days=i)
                    for i in range((phase.end - phase.start).days + 1)
                }
    imported = []
    twitches, checkins = [], []
    for i in range(days):
        day = start + timedelta(days=i)
        imported.append(DayValue(day, "sleep_hours", round(rng.uniform(5.5, 8.5), 1)))
        imported.append(DayValue(day, "steps", float(rng.randrange(3000, 12000))))
        if rng.random() < 0.12:
            continue  # a forgotten day
        caffeine = 40.0 if day in b_days else float(rng.choice((100, 200, 300, 400, 500)))
        stress = float(rng.randrange(1, 8))
        symptoms = ["cramping"] if rng.random() < 0.05 else []
        meds = ["salbutamol inhaler"] if i % 10 == 0 else []
        drinks = float(rng.randrange(0, 3))
        checkins.append(
            {"day": day, "caffeine_mg": caffeine, "stress_level": stress, "alcohol_drinks": drinks,
             "symptoms": symptoms, "medications": meds}
        )  # fmt: skip
        expected = 1.0 + caffeine / 100.0
        for _ in range(_poisson(rng, expected)):
            at = datetime.combine(day, time(rng.randrange(7, 22), rng.randrange(60)))
            twitches.append((rng.choice(SITES), at.astimezone(), rng.randrange(1, 6)))
    for c in checkins:
        day = c.pop("day")
        diary.save_checkin(day, **c)
    for site, at, intensity in twitches:
        diary.add_twitch(site, at, intensity=intensity, count=1)
    diary.import_day_values(imported, source="apple-health")
    if extras:
        case = Case(
            sites=("left_calf", "eyelid"),
            duration_days=float(days),
            symptoms=frozenset({"cramping"}),
        )
        diary.record_assessment(
            case.model_dump(mode="json"), assess(case).model_dump(mode="json"), "web"
        )


def _poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only, which is all a diary needs."""
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
