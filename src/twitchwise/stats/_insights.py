"""Factor insights: how each daily factor goes with twitching on the same day and the day after.

One negative binomial model per factor-lag pair, adjusted for the other factors when there are
enough days, with HAC standard errors and Holm's correction across every pair estimated. The
data preparation (lags, scaling, which factors have enough data) is done once and the dispersion
is estimated once, so a ten-year diary takes a fraction of a second.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from ._factors import DIARY_COLUMNS, OUTCOME_COLUMNS, FactorSpec, spec_for
from ._fit import FloatArray, fit_counts, moment_alpha, one_blas_thread
from ._text import interval_words, more_fewer

MIN_FACTOR_DAYS = 28
"""Fewest days with the factor known (and the day before tracked, for lag 1) before estimating."""
MIN_VARIED_DAYS = 5
"""Fewest days that must differ from the usual value (or each of yes/no) before estimating."""
DAYS_PER_PARAMETER = 10
"""Adjust for another factor only while there are this many days per model parameter."""
MAX_DAY_LOSS = 0.2
"""Adjust for another factor only if its unknown values cost at most this share of the days."""
SIGNIFICANCE = 0.05

Outcome = Literal["episodes", "twitches"]
Status = Literal["estimated", "not_enough_data", "not_enough_variation", "unreliable"]

_OUTCOME_NOUN = {"episodes": "twitch episodes", "twitches": "twitches"}
_NO_TWITCHES = "no twitches"


class FactorInsight(BaseModel):
    """One factor at one lag: its rate ratio per meaningful unit and a plain sentence.

    The fields marked `exclude` are for callers that want more detail; they are not part of the
    JSON form.
    """

    model_config = ConfigDict(frozen=True)

    factor: str = Field(description="the diary column name")
    lag_days: int = Field(description="0 = same day, 1 = the day after")
    rate_ratio: float | None
    per: str = Field(description="the unit the rate ratio is per")
    ci_low: float | None
    ci_high: float | None
    p_adjusted: float | None = Field(description="Holm-adjusted p-value across all pairs")
    significant: bool
    n_days: int
    sentence: str
    status: Status = Field(default="estimated", exclude=True)
    label: str = Field(default="", exclude=True)
    p_value: float | None = Field(default=None, exclude=True)
    adjusted_for: tuple[str, ...] = Field(default=(), exclude=True)
    more_days: int | None = Field(default=None, exclude=True)


class InsightsReport(BaseModel):
    """Every factor-lag pair over the tracked days; `model_dump(mode="json")` is the JSON form."""

    model_config = ConfigDict(frozen=True)

    tracked_days: int
    factors: list[FactorInsight]
    outcome: Outcome = Field(default="episodes", exclude=True)
    comparisons: int = Field(default=0, exclude=True)
    first_day: date | None = Field(default=None, exclude=True)
    last_day: date | None = Field(default=None, exclude=True)

    @property
    def significant(self) -> list[FactorInsight]:
        """The pairs that held up after the multiple-testing correction."""
        return [f for f in self.factors if f.significant]


@dataclass
class _Column:
    spec: FactorSpec
    values: FloatArray
    known: np.ndarray


@dataclass
class _Prepared:
    y: FloatArray
    weeks: FloatArray
    columns: list[_Column]
    lag1: dict[str, FloatArray] = field(default_factory=dict)


def _as_day(value: object) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(str(value)).date()


def _is_binary(values: FloatArray, column: str) -> bool:
    known = values[np.isfinite(values)]
    spec = spec_for(column) if column in DIARY_COLUMNS else None
    if spec is not None:
        return spec.binary
    return known.size > 0 and bool(np.all((known == 0.0) | (known == 1.0)))


def prepare_frame(frame: pd.DataFrame, outcome: Outcome = "episodes") -> _Prepared:
    """Clean a daily frame into arrays: outcome, time in weeks, each factor and its lag 1."""
    if outcome not in frame.columns:
        raise ValueError(f"{outcome}: the daily frame has no '{outcome}' column")
    days = [_as_day(d) for d in frame.index]
    order = np.argsort(np.array([d.toordinal() for d in days], dtype=np.int64), kind="stable")
    ordinals = np.array([days[i].toordinal() for i in order], dtype=np.int64)
    y_raw = pd.to_numeric(frame[outcome], errors="coerce").to_numpy(dtype=np.float64)[order]
    keep = np.isfinite(y_raw) & (y_raw >= 0)
    if ordinals.size:
        keep &= np.concatenate([[True], np.diff(ordinals) > 0])
    ordinals, y = ordinals[keep], y_raw[keep]
    weeks = (ordinals - (ordinals.min() if ordinals.size else 0)) / 7.0
    prev_pos = np.searchsorted(ordinals, ordinals - 1)
    has_prev = (prev_pos < ordinals.size) & (
        ordinals[np.minimum(prev_pos, max(ordinals.size - 1, 0))] == ordinals - 1
    )
    prepared = _Prepared(y=y, weeks=weeks.astype(np.float64), columns=[])
    names = [c for c in frame.columns if isinstance(c, str) and c not in OUTCOME_COLUMNS]
    for name in names:
        series = frame[name]
        if not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)):
            continue
        values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64)[order][keep]
        values = np.where(np.isfinite(values), values, np.nan)
        known = np.isfinite(values)
        if name not in DIARY_COLUMNS and not known.any():
            continue
        sd = float(np.nanstd(values)) if known.sum() > 1 else math.nan
        spec = spec_for(name, sd, _is_binary(values, name))
        prepared.columns.append(_Column(spec, values, known))
        lagged = np.full(values.size, np.nan)
        lagged[has_prev] = values[prev_pos[has_prev]]
        prepared.lag1[name] = lagged
    order_key = {c: i for i, c in enumerate(DIARY_COLUMNS)}
    prepared.columns.sort(
        key=lambda c: (order_key.get(c.spec.column, len(order_key)), c.spec.column)
    )
    return prepared


@dataclass(frozen=True)
class _Check:
    ok: bool
    status: Status
    n: int
    varied: int
    more_days: int | None


def _check(values: FloatArray, binary: bool) -> _Check:
    known = values[np.isfinite(values)]
    n = int(known.size)
    if n == 0:
        return _Check(False, "not_enough_data", 0, 0, MIN_FACTOR_DAYS)
    if binary:
        ones = int(np.count_nonzero(known == 1.0))
        varied = min(ones, n - ones)
    else:
        _, counts = np.unique(known, return_counts=True)
        varied = n - int(counts.max())
    if n < MIN_FACTOR_DAYS:
        return _Check(False, "not_enough_data", n, varied, MIN_FACTOR_DAYS - n)
    if varied < MIN_VARIED_DAYS:
        more = math.ceil((MIN_VARIED_DAYS - varied) * n / varied) if varied else None
        return _Check(False, "not_enough_variation", n, varied, more)
    return _Check(True, "estimated", n, varied, None)


def _lag_words(lag: int) -> str:
    return " the day before" if lag else ""


def _shortfall_sentence(spec: FactorSpec, lag: int, chk: _Check) -> str:
    what = f"{spec.label}{_lag_words(lag)}"
    if chk.status == "not_enough_data":
        days = (
            f"{chk.n} tracked days follow a tracked day with it recorded"
            if lag
            else f"{chk.n} tracked days with it recorded"
        )
        return (
            f"Not enough data yet on {what} ({days}; about {chk.more_days} more tracked days "
            "would help)."
        )
    if chk.more_days is None:
        return (
            f"Not enough variation yet in {what}: it was the same on all {chk.n} days. Days when "
            "it differs are needed before anything can be said."
        )
    kind = "of each kind (with and without)" if spec.binary else "that differ from the usual"
    return (
        f"Not enough variation yet in {what}: only {chk.varied} of {chk.n} days {kind} "
        f"(about {chk.more_days} more tracked days would help)."
    )


@dataclass
class _Estimate:
    spec: FactorSpec
    lag: int
    n: int
    rr: float
    lo: float
    hi: float
    p: float
    adjusted_for: tuple[str, ...]


def _design(
    prepared: _Prepared, target: FloatArray, adjusters: Sequence[_Column], scale: float
) -> tuple[FloatArray, FloatArray]:
    mask = np.isfinite(target)
    for adj in adjusters:
        mask &= adj.known
    cols = [np.ones(int(mask.sum()))]
    t = target[mask]
    cols.append((t - t.mean()) / scale)
    w = prepared.weeks[mask]
    if w.size and w.max() - w.min() >= 2.0:
        cols.append(w - w.mean())
    for adj in adjusters:
        a = adj.values[mask]
        cols.append((a - a.mean()) / adj.spec.scale)
    return prepared.y[mask], np.column_stack(cols)


def _choose_adjusters(target: FloatArray, pool: Sequence[_Column]) -> list[_Column]:
    """Greedy: best-covered factors first, each only if enough days remain per parameter."""
    mask = np.isfinite(target)
    n_target = int(mask.sum())
    chosen: list[_Column] = []
    for cand in sorted(pool, key=lambda c: (-int(c.known.sum()), c.spec.column)):
        new_mask = mask & cand.known
        n_new = int(new_mask.sum())
        params = 4 + len(chosen)
        if n_new < max(MIN_FACTOR_DAYS, DAYS_PER_PARAMETER * params):
            continue
        if n_new < (1.0 - MAX_DAY_LOSS) * n_target:
            continue
        if float(np.ptp(cand.values[new_mask])) == 0.0:
            continue
        chosen.append(cand)
        mask = new_mask
    return chosen


def _pilot_alpha(prepared: _Prepared, eligible: Sequence[_Column]) -> float | None:
    """One dispersion estimate for all pairs, from a Poisson fit with the eligible factors."""
    if prepared.y.sum() <= 0:
        return None
    adjusters = _choose_adjusters(np.zeros_like(prepared.y), eligible)
    y, x = _design(prepared, np.zeros_like(prepared.y), adjusters, 1.0)
    x = np.delete(x, 1, axis=1)
    if y.size <= x.shape[1] or y.sum() <= 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a rough pilot: only its fitted means are used
        try:
            import statsmodels.api as sm

            res = sm.GLM(y, x, family=sm.families.Poisson()).fit(maxiter=50)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return None
    mu = np.asarray(res.fittedvalues, dtype=np.float64)
    return moment_alpha(y, mu) if np.all(np.isfinite(mu)) else None


def _estimate_sentence(est: _Estimate, significant: bool, outcome: Outcome, m: int) -> str:
    spec = est.spec
    phrase = spec.day_after if est.lag else spec.same_day
    than = ""
    if spec.binary:
        than = " than after days without" if est.lag else " than on days without"
    adjusted = ""
    if est.adjusted_for:
        k = len(est.adjusted_for)
        adjusted = f", allowing for {k} other factor{'s' if k > 1 else ''}"
    text = (
        f"On days {phrase}, you logged about {more_fewer(est.rr)} {_OUTCOME_NOUN[outcome]}"
        f"{than} (95% interval {interval_words(est.lo, est.hi)}, {est.n} days{adjusted})."
    )
    if significant:
        return (
            f"{text} This held up after allowing for the {m} comparisons made; it is a link in "
            "your diary, not proof of what drives it."
        )
    return f"{text} This could well be chance."


def factor_insights(
    frame: pd.DataFrame,
    *,
    outcome: Outcome = "episodes",
    lags: Sequence[int] = (0, 1),
) -> InsightsReport:
    """Rate ratios for every daily factor at each lag, over `Diary.daily_frame()`.

    Untracked days are simply absent from `frame`; NaN means unknown and such days are left out
    of that factor's model (never read as zero). Lag 1 uses a factor's value on the previous
    calendar day, so it needs that day tracked. Pairs with too few days or too little variation
    get a "not enough data yet" sentence instead of an estimate.
    """
    with one_blas_thread():
        return _factor_insights(frame, outcome, lags)


def _factor_insights(frame: pd.DataFrame, outcome: Outcome, lags: Sequence[int]) -> InsightsReport:
    prepared = prepare_frame(frame, outcome)
    n_tracked = int(prepared.y.size)
    lag0_ok = {c.spec.column: _check(c.values, c.spec.binary).ok for c in prepared.columns}
    eligible = [c for c in prepared.columns if lag0_ok[c.spec.column]]
    alpha = _pilot_alpha(prepared, eligible) if eligible else None

    results: list[tuple[FactorSpec, int, _Check, _Estimate | None, str | None]] = []
    for col in prepared.columns:
        for lag in lags:
            target = col.values if lag == 0 else prepared.lag1[col.spec.column]
            chk = _check(target, col.spec.binary)
            if not chk.ok:
                results.append((col.spec, lag, chk, None, None))
                continue
            pool = [c for c in eligible if c is not col or lag == 1]
            adjusters = _choose_adjusters(target, pool)
            y, x = _design(prepared, target, adjusters, col.spec.scale)
            fit = fit_counts(y, x, alpha=alpha)
            rr, lo, hi, p = fit.estimate(1)
            if not fit.converged or not all(math.isfinite(v) for v in (rr, lo, hi, p)):
                why = _NO_TWITCHES if float(y.sum()) == 0.0 else fit.problem
                status: Status = "not_enough_data" if why == _NO_TWITCHES else "unreliable"
                bad = _Check(False, status, int(y.size), chk.varied, None)
                results.append((col.spec, lag, bad, None, why))
                continue
            adjusted = tuple(
                a.spec.column if a is not col else f"{a.spec.column} (same day)" for a in adjusters
            )
            est = _Estimate(col.spec, lag, int(y.size), rr, lo, hi, p, adjusted)
            results.append((col.spec, lag, chk, est, None))

    estimated = [found for (_, _, _, found, _) in results if found is not None]
    m = len(estimated)
    adjusted_p: dict[int, float] = {}
    if m:
        from statsmodels.stats.multitest import multipletests

        _, p_adj, _, _ = multipletests([e.p for e in estimated], method="holm")
        adjusted_p = {id(e): float(p) for e, p in zip(estimated, p_adj, strict=True)}

    insights: list[FactorInsight] = []
    for spec, lag, chk, found, problem in results:
        if found is None:
            if problem == _NO_TWITCHES:
                sentence = (
                    f"No {_OUTCOME_NOUN[outcome]} were logged on the {chk.n} days with "
                    f"{spec.label}{_lag_words(lag)} recorded, so there is nothing to compare yet."
                )
            elif chk.status == "unreliable":
                sentence = (
                    f"{spec.label.capitalize()}{_lag_words(lag)} could not be estimated reliably "
                    f"from {chk.n} days yet ({problem or 'the model did not settle'}); more "
                    "tracked days would help."
                )
            else:
                sentence = _shortfall_sentence(spec, lag, chk)
            insights.append(
                FactorInsight(
                    factor=spec.column,
                    lag_days=lag,
                    rate_ratio=None,
                    per=spec.per,
                    ci_low=None,
                    ci_high=None,
                    p_adjusted=None,
                    significant=False,
                    n_days=chk.n,
                    sentence=sentence,
                    status=chk.status,
                    label=spec.label,
                    more_days=chk.more_days,
                )
            )
            continue
        p_adj = adjusted_p[id(found)]
        significant = p_adj < SIGNIFICANCE
        insights.append(
            FactorInsight(
                factor=spec.column,
                lag_days=lag,
                rate_ratio=found.rr,
                per=spec.per,
                ci_low=found.lo,
                ci_high=found.hi,
                p_adjusted=p_adj,
                significant=significant,
                n_days=found.n,
                sentence=_estimate_sentence(found, significant, outcome, m),
                status="estimated",
                label=spec.label,
                p_value=found.p,
                adjusted_for=found.adjusted_for,
            )
        )
    days = [_as_day(d) for d in frame.index]
    return InsightsReport(
        tracked_days=n_tracked,
        factors=insights,
        outcome=outcome,
        comparisons=m,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
    )
