"""One distributed-lag model per factor: the factor on the same day and the day before together.

Fitting both lags in one model means "the day after" is always net of the same day (and vice
versa), so a same-day link is never reported as a next-day one. The other factors are allowed
for with their unknown values multiply imputed (chained linear regressions with a parameter draw,
pooled by Rubin's rules) instead of dropping the confounder or the days. Each step is a function
of its own so it can be tested alone.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ._fit import FloatArray
from ._irls import nb_fit
from ._robust import Pooled, ar_variance_inflation, lag1_autocorrelation, rubin_combine

if TYPE_CHECKING:
    from ._insights import _Column, _Prepared

IMPUTATIONS = 5
"""Imputed data sets when an allowed-for factor has unknown values (Rubin: 3-10 suffice)."""
DAYS_PER_PARAMETER = 6
"""Allow for another factor only while there are this many days per model parameter."""
MIN_ADJUSTER_SHARE = 0.5
"""Allow for a factor only if it was recorded on at least this share of the model's days."""
KNOT_DAYS = 60
"""The trend may bend every this many days (a slow drift is not a factor's effect)."""
MAX_KNOTS = 10
MIN_WEEKEND_DAYS = 42


@dataclass(frozen=True)
class LagEstimate:
    """A pooled log rate ratio per reporting unit, its variance and degrees of freedom."""

    lag: int
    pooled: Pooled


@dataclass
class FactorFit:
    """What one factor's model gave: estimates per lag, the days used, what it allowed for."""

    n: int
    estimates: dict[int, LagEstimate] = field(default_factory=dict)
    allowed_for: tuple[str, ...] = ()
    not_allowed_for: tuple[str, ...] = ()
    problem: str | None = None
    separation: int | None = None
    """The lag at which the factor splits the days perfectly, if it does."""
    outcome_total: float = 0.0
    known: dict[int, int] = field(default_factory=dict)
    """Per lag, the model's days with that lag actually recorded (the rest were imputed)."""


def time_basis(weeks: FloatArray) -> list[FloatArray]:
    """A linear trend plus a hinge every KNOT_DAYS (fewer over long spans): a smooth drift."""
    if weeks.size == 0 or weeks.max() - weeks.min() < 2.0:
        return []
    cols = [weeks - weeks.mean()]
    span_days = float(weeks.max() - weeks.min()) * 7.0
    knots = min(int(span_days // KNOT_DAYS) - 1, MAX_KNOTS)
    if knots >= 1:
        for k in range(1, knots + 1):
            knot = float(weeks.min()) + span_days / 7.0 * k / (knots + 1)
            hinge = np.maximum(weeks - knot, 0.0)
            cols.append(hinge - hinge.mean())
    return cols


def base_columns(prepared: _Prepared, rows: np.ndarray) -> list[FloatArray]:
    """Intercept, the smooth trend and a weekend term: what every factor model holds."""
    cols = [np.ones(int(rows.sum()))]
    cols += time_basis(prepared.weeks[rows])
    weekend = prepared.weekend[rows]
    if weekend.size >= MIN_WEEKEND_DAYS and 0.0 < weekend.mean() < 1.0:
        cols.append(weekend - weekend.mean())
    return cols


def model_rows(prepared: _Prepared, col: _Column, lags: Sequence[int]) -> np.ndarray:
    """Days where every lag of the factor in the model is known."""
    rows = np.ones(prepared.y.size, dtype=bool)
    for lag in lags:
        rows &= np.isfinite(col.values if lag == 0 else prepared.lag1[col.spec.column])
    return rows


def separation(y: FloatArray, x: FloatArray, binary: bool) -> bool:
    """True when the factor splits days with and without twitching perfectly (or one group of a
    yes/no factor has none at all): then no finite rate ratio fits, whatever the model."""
    some = y > 0
    if some.all() or not some.any():
        return False
    if binary:
        return bool(y[x == 1.0].sum() == 0.0 or y[x == 0.0].sum() == 0.0)
    return bool(x[some].max() < x[~some].min() or x[some].min() > x[~some].max())


def choose_adjusters(
    pool: Sequence[_Column], rows: np.ndarray, n_params: int
) -> tuple[list[_Column], list[str]]:
    """Best-recorded factors first while the days allow; the rest named as not allowed for."""
    n = int(rows.sum())
    budget = max(n // DAYS_PER_PARAMETER - n_params, 0)
    chosen: list[_Column] = []
    left_out: list[str] = []
    for cand in sorted(pool, key=lambda c: (-int(c.known[rows].sum()), c.spec.column)):
        known = cand.known[rows]
        varies = known.sum() > 1 and float(np.ptp(cand.values[rows][known])) > 0.0
        if len(chosen) < budget and known.mean() >= MIN_ADJUSTER_SHARE and varies:
            chosen.append(cand)
        else:
            left_out.append(cand.spec.label)
    return chosen, left_out


def impute(
    columns: list[FloatArray],
    predictors: FloatArray,
    binary: Sequence[bool],
    rng: np.random.Generator,
) -> list[FloatArray]:
    """One chained pass: each column with unknowns is drawn from a linear regression on the
    predictors (outcome, factor, trend) and the other columns as filled so far, with its
    coefficients drawn from their sampling distribution (a 'proper' imputation)."""
    filled = [
        np.where(np.isfinite(c), c, np.nanmean(c) if np.isfinite(c).any() else 0.0) for c in columns
    ]
    for j, col in enumerate(columns):
        unknown = ~np.isfinite(col)
        if not unknown.any():
            continue
        others = [f for i, f in enumerate(filled) if i != j]
        x = np.column_stack([predictors, *others]) if others else predictors
        xk, yk = x[~unknown], col[~unknown]
        if yk.size <= x.shape[1] + 2:
            continue
        solve = _normal_solver(xk)
        if solve is None:
            continue
        coef = solve(yk)
        resid = yk - xk @ coef
        dof = yk.size - x.shape[1]
        sigma = math.sqrt(float(resid @ resid) / dof * dof / rng.chisquare(dof))
        # Coefficients drawn as a refit on noise: the same as drawing from N(coef, s2 (X'X)^-1),
        # but it does not depend on how the predictors are coded (flipping a yes/no factor or
        # shifting a value gives the same imputations).
        draw = coef + solve(rng.normal(0.0, sigma, yk.size))
        mean = x[unknown] @ draw
        if binary[j]:
            values = (rng.random(mean.size) < np.clip(mean, 0.0, 1.0)).astype(float)
        else:
            values = mean + rng.normal(0.0, sigma, mean.size)
            known = yk
            values = np.clip(values, known.min(), known.max())
        filled[j] = col.copy()
        filled[j][unknown] = values
    return filled


def _normal_solver(x: FloatArray) -> Callable[[FloatArray], FloatArray] | None:
    """Least squares through the Cholesky factor of X'X: many times faster than an SVD for
    these tall, thin, well-conditioned designs (columns are centred); None if X is singular."""
    from scipy.linalg import LinAlgError, cho_factor, cho_solve

    try:
        factor = cho_factor(x.T @ x)
    except LinAlgError:
        return None

    def solve(target: FloatArray) -> FloatArray:
        out: FloatArray = cho_solve(factor, x.T @ target)
        return out

    return solve


def fit_factor(
    prepared: _Prepared,
    y_all: FloatArray,
    col: _Column,
    lags: Sequence[int],
    pool: Sequence[_Column],
    alpha: float | None,
) -> FactorFit:
    """The factor's lags together, unknown values imputed, pooled by Rubin's rules.

    The days are those with the first lag (normally the same day) known; the other lag, when
    unknown (a missing value, or the day before untracked), is imputed like the other factors
    allowed for, with the outcome among the predictors, so it costs no days.
    """
    rows = model_rows(prepared, col, lags[:1])
    y = y_all[rows]
    n = int(rows.sum())
    fit = FactorFit(n=n, outcome_total=float(y.sum()))
    if n == 0 or fit.outcome_total == 0.0:
        fit.problem = "no twitches"
        return fit
    own = [(col.values if lag == 0 else prepared.lag1[col.spec.column])[rows] for lag in lags]
    for lag, raw_x in zip(lags, own, strict=True):
        known = np.isfinite(raw_x)
        fit.known[lag] = int(known.sum())
        if separation(y[known], raw_x[known], col.spec.binary and _is_01(raw_x[known])):
            fit.separation = lag
            return fit
    base = base_columns(prepared, rows)
    n_params = len(base) + len(lags)
    adjusters, left_out = choose_adjusters([c for c in pool if c is not col], rows, n_params)
    fit.allowed_for = tuple(a.spec.label for a in adjusters)
    fit.not_allowed_for = tuple(left_out)
    raw = own[1:] + [a.values[rows] for a in adjusters]
    scales = [col.spec.scale] * (len(lags) - 1) + [a.spec.scale for a in adjusters]
    binary = [col.spec.binary] * (len(lags) - 1) + [a.spec.binary for a in adjusters]
    needs_imputation = any(not np.isfinite(r).all() for r in raw)
    m = IMPUTATIONS if needs_imputation else 1
    rng = np.random.default_rng(zlib.crc32(col.spec.column.encode()))
    first = (own[0] - own[0].mean()) / col.spec.scale
    predictors = np.column_stack([*base, np.log1p(y), first])
    betas = np.empty((m, len(lags)))
    variances = np.empty((m, len(lags)))
    consecutive = prepared.consecutive[rows] & _consecutive_kept(rows)
    for i in range(m):
        filled = impute(raw, predictors, binary, rng) if raw else []
        cols = [(f - f.mean()) / sc for f, sc in zip(filled, scales, strict=True)]
        targets = [first, *cols[: len(lags) - 1]]
        x = np.column_stack([*base[:1], *targets, *base[1:], *cols[len(lags) - 1 :]])
        res = nb_fit(y, x, alpha if alpha is not None else 1.0)
        if not res.converged:
            fit.problem = res.problem
            return fit
        mu = np.exp(x @ res.params)
        pearson = (y - mu) / np.sqrt(mu + res.alpha * mu * mu)
        r_e = lag1_autocorrelation(pearson, consecutive)
        for j in range(len(lags)):
            r_x = lag1_autocorrelation(targets[j], consecutive)
            model_var = float(res.cov_model[1 + j, 1 + j]) * ar_variance_inflation(r_e, r_x)
            betas[i, j] = float(res.params[1 + j])
            variances[i, j] = max(float(res.cov[1 + j, 1 + j]), model_var)
    df = float(n - (n_params + len(adjusters)))
    if df < 1:
        fit.problem = "too few days for the model"
        return fit
    for j, lag in enumerate(lags):
        fit.estimates[lag] = LagEstimate(lag, rubin_combine(betas[:, j], variances[:, j], df))
    return fit


def _is_01(values: FloatArray) -> bool:
    return bool(np.all((values == 0.0) | (values == 1.0)))


def _consecutive_kept(rows: np.ndarray) -> np.ndarray:
    """Row i of the kept rows directly follows kept row i-1 in the prepared days."""
    idx = np.flatnonzero(rows)
    return np.concatenate([[False], np.diff(idx) == 1])
