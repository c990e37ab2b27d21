"""The named steps of the insights and experiment report, each on its own."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from twitchwise.stats import plan_experiment, simulate_diary
from twitchwise.stats._experiment_report import collect_phases, exact_test
from twitchwise.stats._factor_model import impute, separation, time_basis
from twitchwise.stats._robust import (
    ar_variance_inflation,
    cap_outliers,
    lag1_autocorrelation,
    rubin_combine,
)


def test_cap_outliers_caps_one_huge_day_and_leaves_ordinary_days() -> None:
    rng = np.random.default_rng(0)
    y = rng.poisson(5.0, 120).astype(float)
    same, none = cap_outliers(y)
    assert none == [] and same is y
    y[40] = 500.0
    capped, found = cap_outliers(y)
    assert [o.position for o in found] == [40] and found[0].value == 500.0
    assert capped[40] == found[0].counted_as < 500.0 and capped[41] == y[41]


def test_lag1_autocorrelation_sees_spells_and_only_consecutive_days() -> None:
    rng = np.random.default_rng(4)
    e = rng.normal(size=400)
    ar = np.empty(400)
    ar[0] = e[0]
    for i in range(1, 400):
        ar[i] = 0.7 * ar[i - 1] + e[i]
    every = np.r_[False, np.ones(399, dtype=bool)]
    assert lag1_autocorrelation(ar, every) == pytest.approx(0.7, abs=0.1)
    assert abs(lag1_autocorrelation(e, every)) < 0.15
    assert lag1_autocorrelation(ar, np.zeros(400, dtype=bool)) == 0.0


def test_variance_inflation_is_bartletts_and_bounded() -> None:
    assert ar_variance_inflation(0.5, 0.5) == pytest.approx(1.25 / 0.75)
    assert ar_variance_inflation(0.7, -0.5) == 1.0
    assert ar_variance_inflation(0.99, 0.99) == 10.0


def test_rubin_adds_the_between_imputation_variance() -> None:
    pooled = rubin_combine(np.array([0.1, 0.2, 0.3]), np.array([0.01, 0.01, 0.01]), 100.0)
    assert pooled.beta == pytest.approx(0.2)
    assert pooled.var == pytest.approx(0.01 + (1 + 1 / 3) * 0.01)
    assert 1.0 <= pooled.df < 100.0
    single = rubin_combine(np.array([0.2]), np.array([0.01]), 50.0)
    assert (single.var, single.df) == (0.01, 50.0)


def test_separation_for_yes_no_and_numeric_factors() -> None:
    y = np.array([0, 0, 0, 3, 4, 5], dtype=float)
    assert separation(y, np.array([1, 1, 1, 0, 0, 0], dtype=float), binary=True)
    assert not separation(y, np.array([1, 0, 1, 0, 1, 0], dtype=float), binary=True)
    assert separation(y, np.array([1, 2, 3, 4, 5, 6], dtype=float), binary=False)
    assert not separation(y, np.array([1, 5, 3, 4, 2, 6], dtype=float), binary=False)


def test_time_basis_bends_only_over_long_spans() -> None:
    assert len(time_basis(np.arange(50) / 7.0)) == 1
    assert len(time_basis(np.arange(365) / 7.0)) == 6
    assert len(time_basis(np.arange(3650) / 7.0)) == 11
    assert time_basis(np.arange(5) / 7.0) == []


def test_impute_fills_only_unknowns_within_the_known_range() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(7.0, 1.0, 200)
    col = x.copy()
    col[::5] = math.nan
    predictors = np.column_stack([np.ones(200), x + rng.normal(0, 0.3, 200)])
    (filled,) = impute([col], predictors, [False], np.random.default_rng(3))
    known = np.isfinite(col)
    assert np.array_equal(filled[known], col[known]) and np.isfinite(filled).all()
    assert filled[~known].min() >= col[known].min() and filled[~known].max() <= col[known].max()
    assert np.corrcoef(filled[~known], x[~known])[0, 1] > 0.8  # it used the predictor


def test_collect_phases_and_exact_test_over_the_designs_pairs() -> None:
    start = date(2026, 3, 2)
    plan = plan_experiment("caffeine", design="AB" * 3, phase_days=5, start=start, seed=4)
    frame = simulate_diary(30, 1, start=start, untracked_share=0.0)
    frame = frame.drop(index=[start + timedelta(days=1)])
    data = collect_phases(plan, frame, plan.end)
    assert len(data.rows) == 29 and sum(p.analysed_days for p in data.summaries) == 29
    test = exact_test(plan, data)
    assert test.pairs == 3 and test.allocations == 8 and test.p_value >= 0.25
