"""Small, separately tested steps that keep the numbers honest on real-life diaries.

- `cap_outliers`: one day of 500 twitches must not decide a trend or a factor; it is counted as
  a high but ordinary day, and named.
- `lag1_autocorrelation` and `ar_variance_inflation`: a bad spell lasts, and so do habits; when
  both the twitching and a factor run in spells, days are worth less than their number. The
  variance inflation of a regression slope with AR(1) errors and an AR(1) regressor is
  (1 + r_e r_x) / (1 - r_e r_x) (Bartlett), applied with a small-sample bias correction.
- `rubin_combine`: pooling the fits over multiply-imputed data sets (Rubin's rules with the
  Barnard-Rubin degrees of freedom), so an unknown value adds uncertainty instead of a day.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._fit import FloatArray

OUTLIER_FACTOR = 4.0
"""A day is an outlier above this many times the 95th percentile of the days (and 20 at least)."""
OUTLIER_FLOOR = 20.0
MAX_INFLATION = 10.0


@dataclass(frozen=True)
class Outlier:
    """One day counted lower so that it cannot dominate: its position, real count and cap."""

    position: int
    value: float
    counted_as: float


def cap_outliers(y: FloatArray) -> tuple[FloatArray, list[Outlier]]:
    """Counts above max(20, 4 x the 95th percentile) are counted as that cap.

    Days in a normal diary (overdispersed, in spells) stay well under it; a single day logged
    with hundreds of twitches does not. Returns the capped counts and the days capped.
    """
    if y.size < 10:
        return y, []
    cap = max(OUTLIER_FLOOR, OUTLIER_FACTOR * float(np.quantile(y, 0.95)))
    cap = float(math.ceil(cap))
    over = np.flatnonzero(y > cap)
    if over.size == 0:
        return y, []
    capped = y.copy()
    capped[over] = cap
    return capped, [Outlier(int(i), float(y[i]), cap) for i in over]


def lag1_autocorrelation(values: FloatArray, consecutive: np.ndarray) -> float:
    """Lag-1 autocorrelation over pairs of rows that are consecutive calendar days.

    `consecutive[i]` says row i follows row i-1 by one day. Kendall's small-sample bias
    correction (+(1 + 3 r)/n) is added, since plain estimates are too low in short series.
    """
    pairs = np.flatnonzero(consecutive[1:]) + 1
    if pairs.size < 8:
        return 0.0
    centred = values - values.mean()
    denom = float(np.dot(centred, centred))
    if denom <= 0.0:
        return 0.0
    r = float(np.dot(centred[pairs], centred[pairs - 1])) / denom * values.size / pairs.size
    r += (1.0 + 3.0 * r) / values.size
    return min(max(r, -0.99), 0.99)


def ar_variance_inflation(r_errors: float, r_factor: float) -> float:
    """How much larger a slope's variance is than the independent-days formula says."""
    rho = r_errors * r_factor
    if rho <= 0.0:
        return 1.0
    return min((1.0 + rho) / (1.0 - rho), MAX_INFLATION)


@dataclass(frozen=True)
class Pooled:
    """A coefficient pooled over imputations: estimate, variance and degrees of freedom."""

    beta: float
    var: float
    df: float


def rubin_combine(betas: FloatArray, variances: FloatArray, df_complete: float) -> Pooled:
    """Rubin's rules; the Barnard-Rubin (1999) degrees of freedom for small samples."""
    m = betas.size
    beta = float(betas.mean())
    within = float(variances.mean())
    if m < 2:
        return Pooled(beta, within, df_complete)
    between = float(betas.var(ddof=1))
    total = within + (1.0 + 1.0 / m) * between
    if total <= 0.0 or between <= 0.0:
        return Pooled(beta, total, df_complete)
    gamma = (1.0 + 1.0 / m) * between / total
    df_old = (m - 1) / gamma**2
    df_obs = (df_complete + 1.0) / (df_complete + 3.0) * df_complete * (1.0 - gamma)
    df = 1.0 / (1.0 / df_old + 1.0 / df_obs) if df_obs > 0 else df_old
    return Pooled(beta, total, max(df, 1.0))
