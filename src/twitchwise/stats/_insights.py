"""Factor insights: how each daily factor goes with twitching on the same day and the day after.

The steps, each in its own function: prepare the daily frame into arrays (`prepare_frame`), cap
an outlier day (`_robust.cap_outliers`), refuse to compare factors when twitching was logged on
only a handful of days, then per factor one distributed-lag model (`_factor_model`): the same
day and the day before together, the other factors allowed for with their unknown values
multiply imputed, a smooth trend and weekends, errors that respect spells, and a plain reason
when a factor splits the days perfectly. Holm's correction runs across every estimate, and the
sentences (`_insight_text`) name what was allowed for and what could not be.
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

from ._factor_model import base_columns, fit_factor
from ._factors import DIARY_COLUMNS, OUTCOME_COLUMNS, FactorSpec, spec_for
from ._fit import FloatArray, moment_alpha, one_blas_thread
from ._insight_text import (
    OUTCOME_NOUN,
    allowed_words,
    estimate_sentence,
    lag_words,
    no_twitch_sentence,
    outlier_words,
    separation_sentence,
    sparse_sentence,
    unreliable_sentence,
)
from ._robust import Outlier, Pooled, cap_outliers
from ._text import more_fewer

MIN_FACTOR_DAYS = 28
"""Fewest days with the factor known (and the day before tracked, for lag 1) before estimating."""
MIN_VARIED_DAYS = 5
"""Fewest days that must differ from the usual value (or each of yes/no) before estimating."""
MIN_TWITCH_DAYS = 10
"""Fewest days with any twitching before factors are compared: with fewer, a factor that
happens to line up with a handful of days looks like a large effect (seen in the study)."""
SIGNIFICANCE = 0.05

Outcome = Literal["episodes", "twitches"]
Status = Literal["estimated", "not_enough_data", "not_enough_variation", "unreliable"]


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
    adjusted_for: tuple[str, ...] = Field(
        default=(), exclude=True, description="the other factors this estimate allowed for"
    )
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
    notes: list[str] = Field(default_factory=list, exclude=True)

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
    ordinals: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    consecutive: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    weekend: FloatArray = field(default_factory=lambda: np.zeros(0))

    def day(self, position: int) -> date:
        return date.fromordinal(int(self.ordinals[position]))


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
    prepared = _Prepared(
        y=y,
        weeks=weeks.astype(np.float64),
        columns=[],
        ordinals=ordinals,
        consecutive=np.concatenate([[False], np.diff(ordinals) == 1]),
        weekend=np.array([date.fromordinal(int(o)).weekday() >= 5 for o in ordinals], float),
    )
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
    """Enough days with the value known, and enough of them differing from the usual?"""
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


def _shortfall_sentence(spec: FactorSpec, lag: int, chk: _Check, same_day_n: int) -> str:
    """Why there is no estimate, with the advice that would actually help: for the day before,
    when the factor is well recorded but tracked days rarely follow each other, more scattered
    days would not help; tracking on consecutive days would."""
    what = f"{spec.label}{lag_words(lag)}"
    if chk.status == "not_enough_data":
        if lag and same_day_n >= MIN_FACTOR_DAYS:
            return (
                f"Not enough data yet on {what}: only {chk.n} tracked days follow a tracked day "
                f"with it recorded. Tracking on consecutive days would help (about "
                f"{chk.more_days} more days that follow a tracked day)."
            )
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


def _pilot_alpha(prepared: _Prepared, y: FloatArray) -> float | None:
    """One dispersion estimate for every model, from a Poisson fit of the trend and weekends
    (without the factors it is a little larger, so intervals err on the wide side)."""
    if y.sum() <= 0:
        return None
    rows = np.ones(y.size, dtype=bool)
    x = np.column_stack(base_columns(prepared, rows))
    if y.size <= x.shape[1] + 2:
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


@dataclass
class _Pair:
    """One factor at one lag on its way to a FactorInsight."""

    spec: FactorSpec
    lag: int
    chk: _Check
    sentence: str = ""
    status: Status = "estimated"
    n: int = 0
    log_rr: float = math.nan
    se: float = math.nan
    df: float = math.nan
    p: float = math.nan
    extra: str = ""
    allowed: tuple[str, ...] = ()

    @property
    def estimated(self) -> bool:
        return math.isfinite(self.p)


def factor_insights(
    frame: pd.DataFrame,
    *,
    outcome: Outcome = "episodes",
    lags: Sequence[int] = (0, 1),
) -> InsightsReport:
    """Rate ratios for every daily factor at each lag, over `Diary.daily_frame()`.

    Untracked days are simply absent from `frame`; NaN means unknown. A factor's own unknown
    days are left out of its model (never read as zero); another factor's unknown values are
    multiply imputed when it is allowed for. Lag 1 uses a factor's value on the previous calendar
    day, so it needs that day tracked. Pairs with too few days, too little variation, too few
    days with twitching or a perfect split get a sentence saying so instead of an estimate.
    """
    with one_blas_thread():
        return _factor_insights(frame, outcome, lags)


def _factor_insights(frame: pd.DataFrame, outcome: Outcome, lags: Sequence[int]) -> InsightsReport:
    prepared = prepare_frame(frame, outcome)
    y, outliers = cap_outliers(prepared.y)
    noun = OUTCOME_NOUN[outcome]
    checks = {
        (c.spec.column, lag): _check(
            c.values if lag == 0 else prepared.lag1[c.spec.column], c.spec.binary
        )
        for c in prepared.columns
        for lag in lags
    }
    pairs = [
        _Pair(c.spec, lag, checks[(c.spec.column, lag)]) for c in prepared.columns for lag in lags
    ]
    some = int(np.count_nonzero(prepared.y > 0))
    sparse = 0 < some < MIN_TWITCH_DAYS
    eligible = [c for c in prepared.columns if checks[(c.spec.column, lags[0])].ok]
    alpha = _pilot_alpha(prepared, y) if not sparse else None
    for col in prepared.columns:
        mine = [p for p in pairs if p.spec is col.spec]
        _fill_shortfalls(mine, noun, some, int(prepared.y.size), sparse)
        ok = [p for p in mine if p.chk.ok and not sparse]
        if ok:
            _estimate(prepared, y, col, ok, eligible, alpha, noun, outliers)
    estimated = [p for p in pairs if p.estimated]
    m = len(estimated)
    adjusted = _holm([p.p for p in estimated])
    p_adj = {id(p): a for p, a in zip(estimated, adjusted, strict=True)}
    insights = [_to_insight(p, p_adj.get(id(p)), noun, m) for p in pairs]
    days = [_as_day(d) for d in frame.index]
    notes = [
        outlier_words(prepared.day(o.position), o.value, o.counted_as, None, noun).strip()
        for o in outliers
    ]
    return InsightsReport(
        tracked_days=int(prepared.y.size),
        factors=insights,
        outcome=outcome,
        comparisons=m,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        notes=notes,
    )


def _fill_shortfalls(mine: list[_Pair], noun: str, some: int, n: int, sparse: bool) -> None:
    same_day_n = next((p.chk.n for p in mine if p.lag == 0), 0)
    for p in mine:
        p.n = p.chk.n
        p.status = p.chk.status
        if not p.chk.ok:
            p.sentence = _shortfall_sentence(p.spec, p.lag, p.chk, same_day_n)
        elif sparse:
            p.status = "not_enough_data"
            p.sentence = sparse_sentence(p.spec, p.lag, noun, some, n, MIN_TWITCH_DAYS)


def _estimate(
    prepared: _Prepared,
    y: FloatArray,
    col: _Column,
    ok: list[_Pair],
    eligible: Sequence[_Column],
    alpha: float | None,
    noun: str,
    outliers: Sequence[Outlier],
) -> None:
    """Fit the factor's lags together and record each pair's estimate or the reason for none."""
    lags = [p.lag for p in ok]
    fit = fit_factor(prepared, y, col, lags, eligible, alpha)
    for p in ok:
        p.n = fit.known.get(p.lag, fit.n)
        if fit.problem == "no twitches":
            p.status = "not_enough_data"
            elsewhere = float(prepared.y.sum()) - fit.outcome_total
            p.sentence = no_twitch_sentence(p.spec, p.lag, noun, fit.n, elsewhere)
        elif fit.separation is not None:
            p.status = "unreliable"
            p.sentence = separation_sentence(p.spec, fit.separation, noun, fit.n)
        elif p.lag not in fit.estimates:
            p.status = "unreliable"
            p.sentence = unreliable_sentence(p.spec, p.lag, fit.n, fit.problem)
        else:
            _record(p, fit.estimates[p.lag].pooled)
            other = [q.lag for q in ok if q.lag != p.lag]
            own = f"{col.spec.label}{' the day before' if p.lag == 0 else ' the same day'}"
            p.allowed = fit.allowed_for
            p.extra = allowed_words(fit.allowed_for, own if other else None, fit.not_allowed_for)
    if outliers and any(p.estimated for p in ok):
        _outlier_influence(prepared, col, ok, eligible, alpha, outliers, noun)


def _record(p: _Pair, pooled: Pooled) -> None:
    from scipy.stats import t as student_t

    se = math.sqrt(pooled.var) / p.spec.scale if pooled.var > 0 else math.nan
    beta = pooled.beta / p.spec.scale
    if not (math.isfinite(beta) and math.isfinite(se) and se > 0):
        p.status = "unreliable"
        p.sentence = unreliable_sentence(p.spec, p.lag, p.n, None)
        return
    p.log_rr, p.se, p.df = beta * p.spec.scale, se * p.spec.scale, pooled.df
    p.p = float(2.0 * student_t.sf(abs(beta / se), pooled.df))


def _interval(p: _Pair) -> tuple[float, float, float]:
    from scipy.stats import t as student_t

    crit = float(student_t.ppf(0.975, p.df))
    return (
        math.exp(p.log_rr),
        math.exp(max(min(p.log_rr - crit * p.se, 700.0), -700.0)),
        math.exp(min(p.log_rr + crit * p.se, 700.0)),
    )


def _outlier_influence(
    prepared: _Prepared,
    col: _Column,
    ok: list[_Pair],
    eligible: Sequence[_Column],
    alpha: float | None,
    outliers: Sequence[Outlier],
    noun: str,
) -> None:
    """Name the capped day and show what counting it in full would have given."""
    lags = [p.lag for p in ok]
    full = fit_factor(prepared, prepared.y, col, lags, eligible, alpha)
    first = outliers[0]
    for p in ok:
        if not p.estimated:
            continue
        words = None
        if p.lag in full.estimates and math.isfinite(full.estimates[p.lag].pooled.beta):
            words = f"{more_fewer(math.exp(full.estimates[p.lag].pooled.beta))} {p.spec.per}"
            words = f"about {words.split(' ' + p.spec.per)[0]}"
        p.extra += outlier_words(
            prepared.day(first.position), first.value, first.counted_as, words, noun
        )


def _holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment (the same numbers as statsmodels' multipletests 'holm')."""
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return [float(a) for a in adjusted]


def _to_insight(p: _Pair, p_adj: float | None, noun: str, m: int) -> FactorInsight:
    if p_adj is None or not p.estimated:
        return FactorInsight(
            factor=p.spec.column,
            lag_days=p.lag,
            rate_ratio=None,
            per=p.spec.per,
            ci_low=None,
            ci_high=None,
            p_adjusted=None,
            significant=False,
            n_days=p.n,
            sentence=p.sentence,
            status=p.status if p.status != "estimated" else "unreliable",
            label=p.spec.label,
            more_days=p.chk.more_days if not p.chk.ok else None,
        )
    rr, lo, hi = _interval(p)
    significant = p_adj < SIGNIFICANCE
    sentence = estimate_sentence(p.spec, p.lag, rr, lo, hi, p.n, noun, significant, m)
    return FactorInsight(
        factor=p.spec.column,
        lag_days=p.lag,
        rate_ratio=rr,
        per=p.spec.per,
        ci_low=lo,
        ci_high=hi,
        p_adjusted=p_adj,
        significant=significant,
        n_days=p.n,
        sentence=sentence + p.extra,
        status="estimated",
        label=p.spec.label,
        p_value=p.p,
        adjusted_for=p.allowed,
    )
