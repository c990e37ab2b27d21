"""count_trend: direction only when the test says so, honest about too little data."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twitchwise.stats import MIN_TREND_DAYS, count_trend

START = date(2026, 1, 5)


def _series(values: list[float] | np.ndarray, step: int = 1) -> pd.Series:
    return pd.Series(
        list(values), index=[START + timedelta(days=i * step) for i in range(len(values))]
    )


def _nb(rng: np.random.Generator, mu: np.ndarray, size: float = 5.0) -> np.ndarray:
    return rng.negative_binomial(size, size / (size + mu))


def test_clear_rise_is_worsening() -> None:
    rng = np.random.default_rng(3)
    mu = 4.0 * np.exp(0.2 * np.arange(56) / 7)
    res = count_trend(_series(_nb(rng, mu)))
    assert res.direction == "worsening"
    assert res.rate_ratio_per_week is not None and res.ci_low is not None
    assert res.ci_low > 1.0
    assert 0.1 < math.log(res.rate_ratio_per_week) < 0.3
    assert res.p_value is not None and res.p_value < 0.05
    assert "rose" in res.sentence and "causes" not in res.sentence


def test_clear_fall_is_improving() -> None:
    rng = np.random.default_rng(4)
    mu = 12.0 * np.exp(-0.15 * np.arange(70) / 7)
    res = count_trend(_series(_nb(rng, mu)))
    assert res.direction == "improving"
    assert res.ci_high is not None and res.ci_high < 1.0
    assert "fell" in res.sentence


def test_flat_counts_are_stable_not_worsening() -> None:
    rng = np.random.default_rng(5)
    hits = 0
    for _ in range(40):
        res = count_trend(_series(_nb(rng, np.full(40, 6.0))))
        hits += res.direction == "worsening"
    assert hits <= 4  # about 2.5% expected


def test_too_few_days_is_insufficient_and_says_how_many_more() -> None:
    res = count_trend(_series([3, 4, 2, 5]))
    assert res.direction == "insufficient_data"
    assert res.rate_ratio_per_week is None
    assert f"about {MIN_TREND_DAYS - 4} more tracked days" in res.sentence


def test_days_spanning_under_two_weeks_are_insufficient() -> None:
    res = count_trend(_series(list(range(1, 12))))
    assert res.n_days == 11
    assert res.direction == "insufficient_data"


def test_untracked_gaps_and_nans_are_left_out() -> None:
    s = _series([5.0, math.nan, 6.0, 4.0] * 6, step=2)
    res = count_trend(s)
    assert res.n_days == 18
    assert res.first_day == START


def test_all_zero_is_stable_with_no_ratio() -> None:
    res = count_trend(_series([0] * 20))
    assert res.direction == "stable"
    assert res.rate_ratio_per_week is None
    assert "No twitches" in res.sentence


def test_perfectly_constant_counts_are_stable() -> None:
    res = count_trend(_series([3] * 20))
    assert res.direction == "stable"
    assert res.rate_ratio_per_week == 1.0
    assert "same 3 twitches a day" in res.sentence


def test_accepts_timestamp_index() -> None:
    rng = np.random.default_rng(8)
    s = _series(_nb(rng, np.full(30, 3.0)))
    s.index = pd.to_datetime(pd.Index(s.index))
    assert count_trend(s).n_days == 30


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.integers(0, 500)),
        min_size=0,
        max_size=60,
    )
)
def test_never_crashes_and_interval_contains_estimate(values: list[int | None]) -> None:
    s = _series([math.nan if v is None else v for v in values])
    res = count_trend(s)
    assert res.n_days == sum(v is not None for v in values)
    if res.rate_ratio_per_week is not None:
        assert res.ci_low is not None and res.ci_high is not None
        assert res.ci_low <= res.rate_ratio_per_week <= res.ci_high
        assert 0.0 <= (res.p_value or 0.0) <= 1.0
    if res.direction == "worsening":
        assert res.ci_low is not None and res.ci_low > 1.0


@pytest.mark.parametrize("scale", [1, 10])
def test_scaling_counts_keeps_the_direction(scale: int) -> None:
    rng = np.random.default_rng(11)
    mu = 4.0 * np.exp(0.25 * np.arange(42) / 7)
    y = _nb(rng, mu)
    res = count_trend(_series(y * scale))
    assert res.direction == "worsening"


def test_runaway_and_rank_deficient_fits_are_flagged_not_trusted() -> None:
    from twitchwise.stats._fit import fit_counts

    x = np.column_stack([np.ones(40), np.r_[np.zeros(20), np.ones(20)]])
    separated = fit_counts(np.r_[np.zeros(39), 1e6], x)
    assert not separated.converged and separated.problem
    split = fit_counts(np.r_[np.zeros(20), np.full(20, 50.0)], x)
    assert not split.converged and split.problem
    singular = fit_counts(np.arange(40.0), np.column_stack([np.ones(40), np.ones(40)]))
    assert not singular.converged and singular.problem
    for fit in (separated, split, singular):
        assert "Warning" not in (fit.problem or "") and "statsmodels" not in (fit.problem or "")
    fine = fit_counts(np.r_[np.full(20, 3.0), np.full(20, 6.0)] + np.arange(40) % 3, x)
    assert fine.converged and fine.problem is None
    rr, lo, hi, _ = fine.estimate(1)
    assert lo < rr < hi and 1.5 < rr < 2.5


def test_one_huge_episode_does_not_make_a_trend_and_is_named() -> None:
    from twitchwise.stats._simulate import simulate_realistic_diary

    frame = simulate_realistic_diary(90, 3, trend_total=0.0)
    counts = frame["twitches"].copy()
    assert count_trend(counts).direction == "stable"
    day = counts.index[-5]
    counts.iloc[-5] = 5000
    result = count_trend(counts)
    assert result.direction == "stable"
    assert f"One day, {day.isoformat()} with 5000 twitches, was counted as" in result.sentence
    assert "about 68" not in result.sentence  # the typical day is not inflated by the outlier


def test_spells_of_bad_days_rarely_look_like_a_trend() -> None:
    from twitchwise.stats._simulate import simulate_realistic_diary

    flagged = sum(
        count_trend(simulate_realistic_diary(120, seed, trend_total=0.0)["twitches"]).direction
        != "stable"
        for seed in range(40)
    )
    assert flagged <= 5  # about 5% expected at the 5% level
