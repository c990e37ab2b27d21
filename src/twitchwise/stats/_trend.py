"""Is twitching getting better or worse? A tested trend over tracked days."""

from __future__ import annotations

import math
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ._fit import CountFit, FloatArray, fit_counts, one_blas_thread
from ._robust import ar_variance_inflation, cap_outliers, lag1_autocorrelation
from ._text import pct_change, pct_interval

MIN_TREND_DAYS = 10
MIN_TREND_SPAN_DAYS = 14
ALPHA_LEVEL = 0.05

Direction = Literal["worsening", "improving", "stable", "insufficient_data"]


class TrendResult(BaseModel):
    """Twitches per tracked day against time: the weekly rate ratio and what it means."""

    model_config = ConfigDict(frozen=True)

    direction: Direction
    rate_ratio_per_week: float | None = Field(
        None,
        description="multiplicative change in twitches a day per week; None when not estimable",
    )
    ci_low: float | None = None
    ci_high: float | None = None
    p_value: float | None = None
    n_days: int = Field(description="tracked days used")
    first_day: date | None = None
    last_day: date | None = None
    mean_per_day: float | None = None
    sentence: str


def _as_day(value: object) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(str(value)).date()


def clean_counts(counts: pd.Series) -> pd.Series:
    """Known, non-negative counts indexed by `datetime.date`, sorted, one value per day."""
    values = pd.to_numeric(counts, errors="coerce").astype("float64")
    index = [_as_day(d) for d in counts.index]
    s = pd.Series(values.to_numpy(), index=pd.Index(index, dtype=object), dtype="float64")
    s = s[np.isfinite(s.to_numpy()) & (s.to_numpy() >= 0)]
    summed: pd.Series = s.groupby(level=0).sum().sort_index()
    return summed


def _spell_inflation(fit: CountFit, y: FloatArray, x: FloatArray, days: list[date]) -> float:
    """Twitching runs in spells, and time is the most persistent 'factor' there is: without
    this, a few bad weeks in a row look like a worsening trend."""
    if not fit.converged:
        return 1.0
    mu = np.exp(x @ fit.params)
    pearson = (y - mu) / np.sqrt(mu + fit.alpha * mu * mu)
    ordinals = np.array([d.toordinal() for d in days])
    consecutive = np.concatenate([[False], np.diff(ordinals) == 1])
    r_e = lag1_autocorrelation(pearson, consecutive)
    r_x = lag1_autocorrelation(x[:, 1], consecutive)
    return ar_variance_inflation(r_e, r_x)


def count_trend(counts: pd.Series) -> TrendResult:
    """Fit twitches ~ time (weeks) on tracked days and call it worsening only if significant.

    `counts` holds twitches per tracked day (index: dates; untracked days absent, never zero).
    Direction is 'worsening' or 'improving' only when the 95% test rejects a flat trend (with
    errors that allow for spells of bad days, and one outlier day capped and named); with
    fewer than MIN_TREND_DAYS days, or days spanning under two weeks, it is 'insufficient_data'.
    """
    s = clean_counts(counts)
    n = len(s)
    if n == 0:
        return TrendResult(
            direction="insufficient_data",
            n_days=0,
            sentence="No tracked days yet, so there is no trend to show.",
        )
    days = list(s.index)
    first, last = days[0], days[-1]
    span = (last - first).days + 1
    mean = float(s.mean())
    base = {"n_days": n, "first_day": first, "last_day": last, "mean_per_day": mean}
    if n < MIN_TREND_DAYS or span < MIN_TREND_SPAN_DAYS:
        need = max(MIN_TREND_DAYS - n, 0)
        more = f"about {need} more tracked days" if need else "tracking over at least two weeks"
        return TrendResult(
            direction="insufficient_data",
            sentence=(
                f"Not enough data yet for a trend ({n} tracked days over {span} days; "
                f"{more} would help)."
            ),
            **base,
        )
    y = s.to_numpy(dtype=np.float64)
    if y.sum() == 0:
        return TrendResult(
            direction="stable",
            sentence=f"No twitches logged on any of the {n} tracked days.",
            **base,
        )
    if float(y.min()) == float(y.max()):
        return TrendResult(
            direction="stable",
            rate_ratio_per_week=1.0,
            sentence=f"The same {y[0]:g} twitches a day on all {n} tracked days: no change.",
            **base,
        )
    y, outliers = cap_outliers(y)
    weeks = np.array([(d - first).days / 7.0 for d in days], dtype=np.float64)
    x = np.column_stack([np.ones(n), weeks - weeks.mean()])
    with one_blas_thread():
        fit = fit_counts(y, x)
    rr, lo, hi, p = fit.estimate(1, inflation=_spell_inflation(fit, y, x, days))
    if not fit.converged or not math.isfinite(rr):
        return TrendResult(
            direction="insufficient_data",
            sentence=(
                f"The trend could not be estimated reliably from {n} tracked days "
                f"({fit.problem or 'the model did not settle'})."
            ),
            **base,
        )
    capped = "".join(
        f" One day, {days[o.position].isoformat()} with {o.value:g} twitches, was counted as "
        f"{o.counted_as:g} so that it cannot decide the trend on its own."
        for o in outliers[:1]
    )
    direction: Direction
    if p < ALPHA_LEVEL and rr > 1:
        direction = "worsening"
    elif p < ALPHA_LEVEL and rr < 1:
        direction = "improving"
    else:
        direction = "stable"
    period = f"{n} tracked days from {first.isoformat()} to {last.isoformat()}"
    interval = pct_interval(lo, hi)
    if direction == "stable":
        sentence = (
            f"No clear trend over {period}: about {float(y.mean()):.1f} twitches a day "
            f"(change per week {pct_change(rr)}, 95% interval {interval})."
        )
    else:
        verb = "rose" if direction == "worsening" else "fell"
        sentence = (
            f"Twitches {verb} by about {pct_change(rr, signed=False)} a week over {period} "
            f"(95% interval {interval})."
        )
    return TrendResult(
        direction=direction,
        rate_ratio_per_week=rr,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        sentence=sentence + capped,
        **base,
    )
