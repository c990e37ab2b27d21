"""The exact test a randomised N-of-1 design gives for free, and what a design can detect.

Each AB pair's order was drawn at random, so under "the change makes no difference" every one of
the 2^pairs orders the design could have drawn was as likely as the one used. Comparing the
observed B-minus-A difference with its value under all those orders gives a p-value that is
exact whatever the autocorrelation, trend or overdispersion of the counts (Edgington & Onghena,
Randomization Tests). Its price is honesty about small designs: with k pairs the smallest
two-sided p is 2 / 2^k, so fewer than six pairs can never show a difference at the 5% level.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ._fit import FloatArray

ALPHA = 0.05
POWER_TARGET = 0.8
DESIGN_PHASE_DAYS = (7, 10, 14, 21, 30)
MIN_HISTORY_DAYS = 14


@dataclass(frozen=True)
class PairDifference:
    """Mean log(1 + count) in the pair's B phase minus its A phase."""

    pair: int
    difference: float


@dataclass(frozen=True)
class RandomisationResult:
    """The observed statistic, its exact two-sided p and the allocations it was judged over."""

    statistic: float
    p_value: float
    allocations: int
    pairs: int

    @property
    def smallest_p(self) -> float:
        return min(1.0, 2.0 / self.allocations) if self.allocations else 1.0


def pair_differences(pairs: Sequence[tuple[Sequence[float], Sequence[float]]]) -> list[float]:
    """Per pair (A counts, B counts): B minus A in mean log(1 + count); pairs missing a side are
    left out (their order carries no information)."""
    out = []
    for a, b in pairs:
        if len(a) and len(b):
            out.append(float(np.mean(np.log1p(b)) - np.mean(np.log1p(a))))
    return out


def smallest_p(pairs: int) -> float:
    """The smallest two-sided p-value a design with this many randomised pairs can give."""
    return min(1.0, 2.0 / 2**pairs) if pairs > 0 else 1.0


def randomisation_test(differences: Sequence[float]) -> RandomisationResult:
    """Exact p over all 2^k sign flips (the orders each pair could have been drawn in)."""
    d = np.asarray(differences, dtype=np.float64)
    k = d.size
    if k == 0:
        return RandomisationResult(math.nan, 1.0, 0, 0)
    observed = float(d.mean())
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=k)))
    null = np.abs(signs @ d) / k
    p = float(np.count_nonzero(null >= abs(observed) - 1e-12)) / signs.shape[0]
    return RandomisationResult(observed, p, int(signs.shape[0]), k)


def approx_power(effect: float, sd_pair: float, pairs: int) -> float:
    """Power of the randomisation test (normal approximation), 0 when the design cannot reach
    significance at all."""
    from scipy.stats import norm

    if smallest_p(pairs) >= ALPHA or sd_pair <= 0 or not math.isfinite(sd_pair):
        return 0.0
    return float(norm.cdf(abs(effect) * math.sqrt(pairs) / sd_pair - norm.ppf(1 - ALPHA / 2)))


@dataclass(frozen=True)
class Variability:
    """A person's own day-to-day variability on the test's scale, from their diary."""

    days: int
    sd: float
    autocorrelation: float
    mean_log: float
    drop_effect: float
    decay: float = 0.0
    """How slowly correlation fades beyond one day (r2 / r1): a diary's level wanders for weeks
    even when day-to-day noise hides it from the lag-1 correlation."""


def variability(counts: FloatArray, consecutive: np.ndarray, drop: float) -> Variability | None:
    """SD and lag-1 autocorrelation of log(1 + count), and what a `drop` share fewer twitches
    would move the mean by on that scale. None with fewer than MIN_HISTORY_DAYS days."""
    from ._robust import lag1_autocorrelation

    if counts.size < MIN_HISTORY_DAYS:
        return None
    logged = np.log1p(counts)
    sd = float(logged.std(ddof=1))
    rho = max(lag1_autocorrelation(logged, consecutive), 0.0)
    rho2 = _lag2_autocorrelation(logged, consecutive)
    decay = min(max(rho2 / rho, 0.0), 0.97) if rho > 0.05 else 0.0
    effect = float(np.mean(np.log1p(counts * (1.0 - drop))) - logged.mean())
    return Variability(int(counts.size), sd, rho, float(logged.mean()), effect, decay)


def _lag2_autocorrelation(values: FloatArray, consecutive: np.ndarray) -> float:
    """Correlation two days apart, over rows whose two previous rows are the previous days."""
    two = np.flatnonzero(consecutive[2:] & consecutive[1:-1]) + 2
    if two.size < 8:
        return 0.0
    centred = values - values.mean()
    denom = float(np.dot(centred, centred))
    if denom <= 0.0:
        return 0.0
    return float(np.dot(centred[two], centred[two - 2])) / denom * values.size / two.size


def pair_sd(v: Variability, phase_days: int) -> float:
    """SD of one pair's B-minus-A difference: two phase means of autocorrelated days.

    Correlations are r1 at one day and r1 * decay^(k-1) at k days (an ARMA(1,1) shape: a
    wandering level under day-to-day noise), summed over the phase with Bartlett weights.
    """
    rho = min(v.autocorrelation, 0.95)
    k = np.arange(1, phase_days)
    corr = rho * v.decay ** (k - 1.0)
    factor = 1.0 + 2.0 * float(np.sum((1.0 - k / phase_days) * corr))
    phase_var = v.sd**2 / phase_days * max(factor, 1.0)
    return math.sqrt(2.0 * phase_var)


@dataclass(frozen=True)
class DesignOption:
    pairs: int
    phase_days: int
    power: float

    @property
    def days(self) -> int:
        return 2 * self.pairs * self.phase_days


def design_options(v: Variability, max_pairs: int) -> list[DesignOption]:
    """Power for each phase length with the most pairs the app allows."""
    return [
        DesignOption(max_pairs, L, approx_power(v.drop_effect, pair_sd(v, L), max_pairs))
        for L in DESIGN_PHASE_DAYS
    ]
