"""The one count model every statistic here rests on.

Twitch counts are overdispersed (some days are far worse than others) and days are not independent
(a bad spell lasts), so the model is a negative binomial GLM whose dispersion comes from a quick
moment estimate, with Newey-West (HAC) standard errors so that neither a wrong dispersion nor
day-to-day autocorrelation makes an interval look tighter than it is.

Sandwich (HAC) errors are known to be too small in diaries of a few months (the simulation study
found about 2.5% of null p-values under 0.01). So each standard error is the larger of the
small-sample-corrected HAC error and the model-based one, and p-values and intervals use a t
distribution with n - k degrees of freedom; that brings the false-positive rate back to nominal.
"""

from __future__ import annotations

import math
import warnings
from contextlib import AbstractContextManager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class CountFit:
    """Coefficients (log rate ratios), their HAC covariance, and whether the fit can be trusted."""

    params: FloatArray
    cov: FloatArray
    cov_model: FloatArray
    n: int
    alpha: float
    converged: bool
    problem: str | None = None

    def estimate(
        self, column: int, scale: float = 1.0, inflation: float = 1.0
    ) -> tuple[float, float, float, float]:
        """Rate ratio per `scale` units of `column`, its 95% interval and two-sided p-value.

        `inflation` multiplies the model-based variance (see `_robust.ar_variance_inflation`)."""
        beta = float(self.params[column]) * scale
        model_var = float(self.cov_model[column, column]) * inflation
        var = max(float(self.cov[column, column]), model_var, 0.0)
        se = math.sqrt(var) * abs(scale)
        df = self.n - self.params.size
        if not math.isfinite(beta) or not math.isfinite(se) or se == 0.0 or df < 1:
            return math.nan, math.nan, math.nan, math.nan
        from scipy.stats import t as student_t

        crit = float(student_t.ppf(0.975, df))
        p = float(2.0 * student_t.sf(abs(beta / se), df))
        return (
            _safe_exp(beta),
            _safe_exp(beta - crit * se),
            _safe_exp(beta + crit * se),
            p,
        )


NOT_SETTLED = "the model did not settle on an answer"
SPLIT = "the factor almost perfectly splits the days with and without twitching"
MODEL_FAILED = "the numbers could not be fitted"
"""Plain reasons a fit is not trusted: library warning text never reaches a sentence."""

MAX_ABS_LOG_RATIO = 15.0
"""A log rate ratio beyond this (a factor of over three million) means the fit ran away."""


def one_blas_thread() -> AbstractContextManager[object]:
    """Many small fits: multithreaded BLAS only adds contention (10x slower on a busy 2-core
    machine), so the public functions run their fits with one BLAS thread."""
    limits: AbstractContextManager[object] = threadpool_limits(limits=1, user_api="blas")
    return limits


def _safe_exp(x: float) -> float:
    return math.exp(min(x, 700.0))


def newey_west_lags(n: int) -> int:
    """The usual Newey-West bandwidth, floor(4 (n/100)^(2/9)), at least one day."""
    bandwidth: float = 4.0 * (n / 100.0) ** (2.0 / 9.0)
    return max(1, math.floor(bandwidth))


def moment_alpha(y: FloatArray, mu: FloatArray) -> float:
    """NB2 dispersion from the Cameron-Trivedi auxiliary regression, kept in a sane range."""
    mu = np.maximum(mu, 1e-8)
    z = ((y - mu) ** 2 - y) / mu
    alpha = float(np.dot(mu, z) / np.dot(mu, mu))
    if not math.isfinite(alpha):
        return 1.0
    return min(max(alpha, 1e-4), 20.0)


def fit_counts(
    y: FloatArray,
    x: FloatArray,
    *,
    alpha: float | None = None,
    maxlags: int | None = None,
) -> CountFit:
    """Fit log E[y] = x @ beta as a negative binomial GLM with HAC covariance.

    `x` must already hold the intercept. Rows are assumed in time order (HAC needs it). When
    `alpha` is None it is estimated from a Poisson pilot fit; pass one in to reuse it across many
    fits on the same days. Warnings from statsmodels are caught and turned into a plain `problem`
    (never the library's text), so a fit that did not converge is reported as such instead of
    crashing or being trusted.
    """
    import statsmodels.api as sm  # imported here: it takes seconds, and most commands never fit
    from statsmodels.stats.sandwich_covariance import cov_hac

    n, k = x.shape
    nan_params = np.full(k, np.nan)
    nan_cov = np.full((k, k), np.nan)
    if n <= k or float(y.sum()) <= 0.0:
        return CountFit(
            nan_params, nan_cov, nan_cov, n, math.nan, False, "no twitches or too few days"
        )
    lags = newey_west_lags(n) if maxlags is None else maxlags
    problem: str | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if alpha is None:
                pilot = sm.GLM(y, x, family=sm.families.Poisson()).fit(maxiter=100)
                alpha = moment_alpha(y, np.asarray(pilot.fittedvalues, dtype=np.float64))
            family = sm.families.NegativeBinomial(alpha=alpha)
            res = sm.GLM(y, x, family=family).fit(maxiter=100)
            params = np.asarray(res.params, dtype=np.float64)
            cov_model = np.asarray(res.cov_params(), dtype=np.float64)
            cov = np.asarray(cov_hac(res, nlags=lags, use_correction=True), dtype=np.float64)
            converged = bool(res.converged)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, ZeroDivisionError) as exc:
            del exc  # its text is a library's, not words for a person
            return CountFit(nan_params, nan_cov, nan_cov, n, math.nan, False, MODEL_FAILED)
    for w in caught:
        name = type(w.message).__name__ if isinstance(w.message, Warning) else "Warning"
        if "PerfectSeparation" in name:
            converged = False
            problem = problem or SPLIT
        elif any(kind in name for kind in ("Convergence", "Singular")):
            converged = False
            problem = problem or NOT_SETTLED
    if converged and np.any(np.abs(params[1:]) > MAX_ABS_LOG_RATIO):
        converged = False
        problem = SPLIT
    if not converged:
        problem = problem or NOT_SETTLED
    finite = np.all(np.isfinite(params)) and np.all(np.isfinite(np.diag(cov)))
    if not (finite and np.all(np.isfinite(np.diag(cov_model)))):
        converged = False
        problem = problem or NOT_SETTLED
    return CountFit(params, cov, cov_model, n, float(alpha), converged, problem)
