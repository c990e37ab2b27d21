"""Synthetic diaries with planted effects, to check that the statistics find what is there and
only that.

The generator mimics what real diaries look like: coffee in cups, sleep that varies night to
night, occasional drinks and hard sessions, stress that lingers, a day-to-day mood of the muscles
(an AR(1) latent rate, so counts are autocorrelated and overdispersed), untracked days and unknown
values. Its output has the exact shape of `Diary.daily_frame()`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ._factors import KNOWN_FACTORS


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    noise = rng.normal(0.0, sd * math.sqrt(1.0 - phi * phi), n)
    out = np.empty(n)
    prev = rng.normal(0.0, sd)
    for i in range(n):
        prev = phi * prev + noise[i]
        out[i] = prev
    return out


def simulate_factors(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    """Plausible daily values for the diary columns and steps (no missing values yet)."""
    cups = rng.poisson(1.8, n)
    caffeine = cups * rng.normal(95.0, 15.0, n).clip(40.0, 160.0)
    sleep = (7.0 + _ar1(rng, n, 0.3, 0.9)).clip(3.0, 11.0).round(1)
    alcohol = np.where(rng.random(n) < 0.25, rng.poisson(1.5, n) + 1, 0).astype(float)
    water = (1.8 + rng.normal(0.0, 0.5, n)).clip(0.3, 4.5).round(1)
    stress = (4.0 + _ar1(rng, n, 0.6, 2.0)).round().clip(0, 10)
    exercise = np.where(rng.random(n) < 0.5, rng.gamma(2.5, 18.0, n), 0.0).round()
    hard = ((exercise > 0) & (rng.random(n) < 0.3)).astype(float)
    steps = (7000.0 + 90.0 * exercise + rng.normal(0.0, 2500.0, n)).clip(300.0, None).round()
    return {
        "sleep_hours": sleep,
        "caffeine_mg": caffeine.round(),
        "alcohol_drinks": alcohol,
        "water_litres": water,
        "stress_level": stress,
        "exercise_minutes": exercise,
        "hard_exercise": hard,
        "steps": steps,
    }


def _log_effect(column: str, rate_ratio: float) -> float:
    scale = KNOWN_FACTORS[column].scale if column in KNOWN_FACTORS else 1.0
    return math.log(rate_ratio) / scale


def simulate_diary(
    days: int,
    seed: int,
    *,
    effects: Mapping[str, float] | None = None,
    lag1_effects: Mapping[str, float] | None = None,
    start: date = date(2025, 1, 1),
    base_rate: float = 6.0,
    dispersion: float = 0.25,
    latent_sd: float = 0.3,
    latent_phi: float = 0.5,
    trend_per_week: float = 1.0,
    untracked_share: float = 0.08,
    missing_share: float = 0.05,
    twitches_per_episode: float = 2.5,
) -> pd.DataFrame:
    """A synthetic `daily_frame()` over `days` calendar days.

    `effects` and `lag1_effects` plant rate ratios per the factor's reporting unit (so
    `{"caffeine_mg": 1.3}` means 30% more episodes per 100 mg that day; lag 1 means the day
    after). Episodes are negative binomial around the planted rate times an autocorrelated
    latent level; each episode holds one or more twitches. Untracked days are dropped and a
    share of values set unknown (NaN), like a real diary.
    """
    rng = np.random.default_rng(seed)
    factors = simulate_factors(rng, days)
    log_rate = np.full(days, math.log(base_rate))
    log_rate += _ar1(rng, days, latent_phi, latent_sd) - latent_sd**2 / 2
    log_rate += math.log(trend_per_week) * np.arange(days) / 7.0
    for column, rr in (effects or {}).items():
        x = factors[column]
        log_rate += _log_effect(column, rr) * (x - x.mean())
    for column, rr in (lag1_effects or {}).items():
        x = factors[column]
        prev = np.concatenate([[x.mean()], x[:-1]])
        log_rate += _log_effect(column, rr) * (prev - x.mean())
    mu = np.exp(log_rate)
    size = 1.0 / dispersion
    episodes = rng.negative_binomial(size, size / (size + mu)).astype(np.int64)
    extra = rng.poisson(max(twitches_per_episode - 1.0, 0.0) * episodes)
    twitches = episodes + extra
    frame = pd.DataFrame(
        {"twitches": twitches, "episodes": episodes}
        | {k: v.astype("float64") for k, v in factors.items()},
        index=pd.Index([start + timedelta(days=i) for i in range(days)], dtype=object),
    )
    frame.index.name = "date"
    for column in factors:
        unknown = rng.random(days) < missing_share
        frame.loc[unknown, column] = math.nan
    tracked = rng.random(days) >= untracked_share
    return frame.loc[tracked].copy()


SCENARIOS: dict[str, dict[str, object]] = {
    "null": {},
    "caffeine": {"effects": {"caffeine_mg": 1.3}},
    "hard_exercise_day_after": {"lag1_effects": {"hard_exercise": 2.0}},
    "sleep_confounds_caffeine": {"effects": {"sleep_hours": 0.8}, "sleep_missing": (0.15, 0.25)},
    "sparse": {"base_rate": 0.08},
    "outlier": {"outlier": 500},
}
"""The named conditions of the simulation study (arguments for `simulate_realistic_diary`)."""


def _drifting_habit(rng: np.random.Generator, n: int, mean: float, sd: float) -> np.ndarray:
    """A habit whose level wanders (persistence 0.97 a day): months of more coffee, then less."""
    return mean + _ar1(rng, n, 0.97, sd)


def realistic_factors(rng: np.random.Generator, n: int, start: date) -> dict[str, np.ndarray]:
    """Daily values with the structure real diaries have: a weekly rhythm (more sleep and less
    coffee at weekends), a caffeine habit that drifts over months, stress that persists for
    weeks, and caffeine that goes up after short nights (so sleep confounds caffeine)."""
    weekday = np.array([(start + timedelta(days=i)).weekday() for i in range(n)])
    weekend = (weekday >= 5).astype(float)
    sleep = (6.9 + 0.6 * weekend + _ar1(rng, n, 0.3, 0.9)).clip(3.0, 11.0).round(1)
    cups_mean = np.clip(
        _drifting_habit(rng, n, 1.8, 0.7) - 0.3 * (sleep - 7.0) - 0.5 * weekend, 0.05, None
    )
    caffeine = rng.poisson(cups_mean) * rng.normal(95.0, 15.0, n).clip(40.0, 160.0)
    alcohol = np.where(rng.random(n) < 0.15 + 0.25 * weekend, rng.poisson(1.5, n) + 1, 0)
    water = (1.8 + rng.normal(0.0, 0.5, n)).clip(0.3, 4.5).round(1)
    stress = (4.0 - 1.0 * weekend + _ar1(rng, n, 0.8, 2.0)).round().clip(0, 10)
    exercise = np.where(rng.random(n) < 0.45, rng.gamma(2.5, 18.0, n), 0.0).round()
    hard = ((exercise > 0) & (rng.random(n) < 0.2)).astype(float)
    steps = (6500.0 + 90.0 * exercise + rng.normal(0.0, 2500.0, n)).clip(300.0, None).round()
    return {
        "sleep_hours": sleep,
        "caffeine_mg": caffeine.round(),
        "alcohol_drinks": alcohol.astype(float),
        "water_litres": water,
        "stress_level": stress,
        "exercise_minutes": exercise,
        "hard_exercise": hard,
        "steps": steps,
    }


def simulate_realistic_diary(
    days: int,
    seed: int,
    *,
    effects: Mapping[str, float] | None = None,
    lag1_effects: Mapping[str, float] | None = None,
    start: date = date(2025, 1, 6),
    base_rate: float = 3.0,
    latent_phi: float = 0.7,
    latent_sd: float = 0.5,
    dispersion: float = 0.3,
    weekly_amplitude: float = 0.25,
    trend_total: float = 0.5,
    missing: tuple[float, float] = (0.15, 0.30),
    sleep_missing: tuple[float, float] | None = None,
    untracked_share: float = 0.1,
    outlier: int | None = None,
    twitches_per_episode: float = 2.5,
) -> pd.DataFrame:
    """A `daily_frame()` as noisy as real life, for checking the statistics' promises.

    On top of `simulate_diary`: the day-to-day level is AR(1) with persistence `latent_phi`
    (0.7: a bad day is usually followed by another), weekends differ (`weekly_amplitude` on the
    log scale), a slow smooth trend moves the level by up to `trend_total` (log scale) in a
    random direction and shape, habits drift or persist (see `realistic_factors`), each column
    misses a share of days drawn from `missing` (sleep from `sleep_missing` when given), and
    `outlier` puts one day of that many twitches in the middle third. Effects are planted per
    the factor's reporting unit, as in `simulate_diary`.
    """
    rng = np.random.default_rng(seed)
    factors = realistic_factors(rng, days, start)
    t = np.arange(days) / max(days - 1, 1)
    weekend = np.array([(start + timedelta(days=i)).weekday() >= 5 for i in range(days)])
    log_rate = np.full(days, math.log(base_rate))
    log_rate += _ar1(rng, days, latent_phi, latent_sd) - latent_sd**2 / 2
    log_rate += weekly_amplitude * np.where(weekend, -1.0, 0.4)
    bend = rng.uniform(-1.0, 1.0)
    log_rate += trend_total * rng.uniform(-1.0, 1.0) * (t + bend * t * (1.0 - t) * 2.0)
    for column, rr in (effects or {}).items():
        x = factors[column]
        log_rate += _log_effect(column, rr) * (x - x.mean())
    for column, rr in (lag1_effects or {}).items():
        x = factors[column]
        prev = np.concatenate([[x.mean()], x[:-1]])
        log_rate += _log_effect(column, rr) * (prev - x.mean())
    mu = np.exp(log_rate)
    size = 1.0 / dispersion
    episodes = rng.negative_binomial(size, size / (size + mu)).astype(np.int64)
    twitches = episodes + rng.poisson(max(twitches_per_episode - 1.0, 0.0) * episodes)
    if outlier is not None and days >= 3:
        day = int(rng.integers(days // 3, 2 * days // 3))
        twitches[day] = outlier
        episodes[day] = max(int(episodes[day]), outlier // 5)
    frame = pd.DataFrame(
        {"twitches": twitches, "episodes": episodes}
        | {k: v.astype("float64") for k, v in factors.items()},
        index=pd.Index([start + timedelta(days=i) for i in range(days)], dtype=object),
    )
    frame.index.name = "date"
    for column in factors:
        low, high = sleep_missing if column == "sleep_hours" and sleep_missing else missing
        unknown = rng.random(days) < rng.uniform(low, high)
        frame.loc[unknown, column] = math.nan
    tracked = rng.random(days) >= untracked_share
    if outlier is not None and days >= 3:
        tracked[days // 3 : 2 * days // 3] |= (
            frame["twitches"].to_numpy()[days // 3 : 2 * days // 3] == outlier
        )
    return frame.loc[tracked].copy()
