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
