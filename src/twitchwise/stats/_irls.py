"""A lean negative binomial fit for the many small models of the factor insights.

The same model as `fit_counts` (NB2 GLM with a given dispersion, log link; Newey-West HAC with
the n/(n-k) correction beside the model-based covariance), written directly in numpy: statsmodels'
per-fit overhead made a ten-year diary with imputations take several seconds. Checked against
statsmodels in tests/stats/test_stats_irls.py.
"""

from __future__ import annotations

import math

import numpy as np

from ._fit import MAX_ABS_LOG_RATIO, NOT_SETTLED, SPLIT, CountFit, FloatArray, newey_west_lags

MAX_ITERATIONS = 100
TOLERANCE = 1e-8


def nb_fit(y: FloatArray, x: FloatArray, alpha: float) -> CountFit:
    """IRLS for log E[y] = x @ beta with NB2 variance mu + alpha mu^2, then HAC errors."""
    n, k = x.shape
    nan_cov = np.full((k, k), np.nan)
    if n <= k or float(y.sum()) <= 0.0:
        return CountFit(np.full(k, np.nan), nan_cov, nan_cov, n, alpha, False, NOT_SETTLED)
    mu = y + float(y.mean()) / 2.0 + 0.1
    eta = np.log(mu)
    beta: FloatArray = np.zeros(k)
    deviance = math.inf
    converged = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(MAX_ITERATIONS):
            w = mu / (1.0 + alpha * mu)
            z = eta + (y - mu) / mu
            xw = x * w[:, None]
            try:
                beta = np.asarray(np.linalg.solve(xw.T @ x, xw.T @ z), dtype=np.float64)
            except np.linalg.LinAlgError:
                return CountFit(beta, nan_cov, nan_cov, n, alpha, False, NOT_SETTLED)
            eta = np.clip(x @ beta, -700.0, 700.0)
            mu = np.exp(eta)
            new = _deviance(y, mu, alpha)
            if not math.isfinite(new):
                break
            if abs(new - deviance) <= TOLERANCE * (abs(new) + 0.1):
                converged = True
                break
            deviance = new
    if not converged or not np.all(np.isfinite(beta)):
        return CountFit(beta, nan_cov, nan_cov, n, alpha, False, NOT_SETTLED)
    if np.any(np.abs(beta[1:]) > MAX_ABS_LOG_RATIO):
        return CountFit(beta, nan_cov, nan_cov, n, alpha, False, SPLIT)
    w = mu / (1.0 + alpha * mu)
    try:
        bread = np.asarray(np.linalg.inv(x.T @ (x * w[:, None])), dtype=np.float64)
    except np.linalg.LinAlgError:
        return CountFit(beta, nan_cov, nan_cov, n, alpha, False, NOT_SETTLED)
    scores = x * ((y - mu) / (1.0 + alpha * mu))[:, None]
    meat = scores.T @ scores
    lags = newey_west_lags(n)
    for lag in range(1, min(lags, n - 1) + 1):
        weight = 1.0 - lag / (lags + 1.0)
        s = scores[lag:].T @ scores[:-lag]
        meat += weight * (s + s.T)
    cov: FloatArray = bread @ meat @ bread * n / (n - k)
    ok = bool(np.all(np.isfinite(np.diag(cov))) and np.all(np.isfinite(np.diag(bread))))
    return CountFit(beta, cov, bread, n, alpha, ok, None if ok else NOT_SETTLED)


def _deviance(y: FloatArray, mu: FloatArray, alpha: float) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
        term -= (y + 1.0 / alpha) * np.log((1.0 + alpha * y) / (1.0 + alpha * mu))
    return float(2.0 * term.sum())
