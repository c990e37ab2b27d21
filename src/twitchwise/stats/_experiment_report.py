"""The report of a self-experiment, in named steps: the analysed days of each phase
(`collect_phases`), the exact randomisation test (`_randomisation`), a descriptive rate ratio
from a count model (`model_estimate`), and the words (`report_sentence`). The verdict comes from
the randomisation test alone: the report says "this may be chance" until it is below 5%, and
says so plainly when the design could never get there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from ._experiment import (
    MAX_PERIODS,
    MIN_DAYS_PER_CONDITION,
    ChecklistItem,
    Condition,
    ExperimentError,
    ExperimentPlan,
    ExperimentReport,
    PhaseSummary,
    experiment_factor,
)
from ._factors import spec_for
from ._fit import fit_counts, one_blas_thread
from ._insights import _as_day
from ._randomisation import (
    ALPHA,
    RandomisationResult,
    approx_power,
    pair_differences,
    randomisation_test,
    smallest_p,
)
from ._text import interval_words, more_fewer

SAFE_PAIRS = MAX_PERIODS // 2
"""The most pairs a plan may have; six is also the fewest whose exact test can reach 5%."""


def _by_day(frame: pd.DataFrame, column: str) -> dict[date, float]:
    """Known values of one column, keyed by day (unknown and non-numeric values left out)."""
    if column not in frame.columns:
        return {}
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    return {
        _as_day(d): float(v) for d, v in zip(frame.index, values, strict=True) if math.isfinite(v)
    }


@dataclass
class Collected:
    """The analysed (non-washout, tracked) days of each phase up to the last day."""

    rows: list[tuple[date, int, Condition]]
    summaries: list[PhaseSummary]
    counts: dict[date, float]
    factor: dict[date, float]

    def days(self, condition: Condition) -> list[date]:
        return [d for d, _, c in self.rows if c == condition]

    def mean(self, condition: Condition) -> float | None:
        days = self.days(condition)
        return float(np.mean([self.counts[d] for d in days])) if days else None

    def periods(self, condition: Condition) -> int:
        return len({p for _, p, c in self.rows if c == condition})


def collect_phases(plan: ExperimentPlan, frame: pd.DataFrame, last: date) -> Collected:
    counts = _by_day(frame, plan.outcome)
    factor = _by_day(frame, plan.column)
    rows: list[tuple[date, int, Condition]] = []
    summaries: list[PhaseSummary] = []
    for phase in plan.phases:
        span = (min(phase.end, last) - phase.analysed_start).days + 1
        days = [phase.analysed_start + timedelta(days=i) for i in range(max(span, 0))]
        known = [d for d in days if d in counts]
        rows += [(d, phase.number, phase.condition) for d in known]
        fvals = [factor[d] for d in known if d in factor]
        summaries.append(
            PhaseSummary(
                number=phase.number,
                condition=phase.condition,
                start=phase.start,
                end=phase.end,
                planned_days=phase.days,
                washout_days=phase.washout_days,
                analysed_days=len(known),
                mean_per_day=float(np.mean([counts[d] for d in known])) if known else None,
                factor_mean=float(np.mean(fvals)) if fvals else None,
            )
        )
    rows.sort()
    return Collected(rows, summaries, counts, factor)


def exact_test(plan: ExperimentPlan, data: Collected) -> RandomisationResult:
    """The randomisation test over the pairs of phases that have analysed days on both sides."""
    return randomisation_test(pair_differences(_pairs_for(plan, data)))


@dataclass(frozen=True)
class ModelEstimate:
    rr: float
    lo: float
    hi: float
    p: float
    problem: str | None


def model_estimate(data: Collected, adjust: bool) -> ModelEstimate:
    """B versus A as a rate ratio (negative binomial, HAC errors, trend when possible): the
    size of the difference in words; the verdict is the exact test's."""
    first = data.rows[0][0]
    y = np.array([data.counts[d] for d, _, _ in data.rows], dtype=np.float64)
    cols = [np.ones(len(data.rows)), np.array([1.0 if c == "B" else 0.0 for *_, c in data.rows])]
    if adjust:
        weeks = np.array([(d - first).days / 7.0 for d, _, _ in data.rows])
        cols.append(weeks - weeks.mean())
    with one_blas_thread():
        fit = fit_counts(y, np.column_stack(cols))
    rr, lo, hi, p = fit.estimate(1)
    ok = fit.converged and math.isfinite(rr)
    return ModelEstimate(rr, lo, hi, p, None if ok else (fit.problem or "no fit"))


def more_days_needed(
    plan: ExperimentPlan, test: RandomisationResult, data: Collected
) -> int | None:
    """Analysed days still to come for a fair chance (80%) of a verdict, if the difference seen
    so far (or a 30% change, if smaller) were real: the pairs the design still lacks."""
    diffs = pair_differences(_pairs_for(plan, data))
    if len(diffs) < 2:
        return 2 * plan.phase_days * max(SAFE_PAIRS - len(diffs), 1)
    sd = float(np.std(diffs, ddof=1))
    effect = max(abs(test.statistic), abs(math.log(0.7)) / 2)
    for pairs in range(max(len(diffs), SAFE_PAIRS), 4 * SAFE_PAIRS + 1):
        if approx_power(effect, sd, pairs) >= 0.8:
            return 2 * plan.phase_days * max(pairs - len(diffs), 1)
    return None


def _pairs_for(plan: ExperimentPlan, data: Collected) -> list[tuple[list[float], list[float]]]:
    by_phase: dict[int, list[float]] = {}
    for d, number, _ in data.rows:
        by_phase.setdefault(number, []).append(data.counts[d])
    out = []
    for i in range(0, len(plan.phases) - 1, 2):
        first, second = plan.phases[i], plan.phases[i + 1]
        a, b = (first, second) if first.condition == "A" else (second, first)
        out.append((by_phase.get(a.number, []), by_phase.get(b.number, [])))
    return out


def report_sentence(
    plan: ExperimentPlan,
    data: Collected,
    est: ModelEstimate,
    test: RandomisationResult,
    settled: bool,
    more: int | None,
    adjust: bool,
) -> str:
    noun = "twitch episodes" if plan.outcome == "episodes" else "twitches"
    trend = ", allowing for the overall trend" if adjust else ""
    n_a, n_b = len(data.days("A")), len(data.days("B"))
    sentence = (
        f"During B ({plan.title.lower()}) you logged about {more_fewer(est.rr)} {noun} a day than "
        f"during A (95% interval {interval_words(est.lo, est.hi)}; {n_a} A and {n_b} B "
        f"days{trend})."
    )
    if settled:
        return sentence + (
            f" Over the {test.allocations} orders the design could have drawn, a difference this "
            f"large came up only {test.p_value:.1%} of the time by chance, so for you, in this "
            "period, the change went with a real difference; it was not blinded, so expectations "
            "may play a part."
        )
    if not plan.randomised:
        sentence += (
            " This may be chance: the order of the phases was fixed, not drawn at random, so no "
            "test can tell the change from a drift or a coincidence."
        )
    elif smallest_p(test.pairs) >= ALPHA:
        sentence += (
            f" This may be chance: with {test.pairs} pair{'s' if test.pairs != 1 else ''} of "
            f"phases analysed, even the clearest result could not be told from chance (the "
            f"smallest possible p is {smallest_p(test.pairs):.2f}); {SAFE_PAIRS} pairs are needed."
        )
    else:
        sentence += (
            f" This may be chance (exact randomisation test p = {test.p_value:.2f} over "
            f"{test.allocations} possible orders)."
        )
    if more:
        pairs = max(1, math.ceil(more / (2 * plan.phase_days)))
        sentence += (
            f" About {more} more analysed days (another {pairs} AB pair"
            f"{'s' if pairs > 1 else ''} of phases) would give a fair chance of a clear answer."
        )
    if not adjust:
        sentence += (
            " With only one period of each, a drift over time cannot be told apart from the change."
        )
    return sentence


def _adherence(plan: ExperimentPlan, factor: dict[date, float], b_days: list[date]) -> str:
    spec = experiment_factor(plan.factor)
    name = spec_for(spec.column).label  # "caffeine", not the column name caffeine_mg
    values = [factor[d] for d in b_days if d in factor]
    if not values:
        return f"No {name} values were logged in B phases, so adherence is unknown."
    if not math.isfinite(spec.threshold):
        return f"Average {name} in B phases: {np.mean(values):.1f} {spec.unit}."
    if spec.target == "at_most":
        kept = sum(v <= spec.threshold for v in values)
    else:
        kept = sum(v >= spec.threshold for v in values)
    word = "at most" if spec.target == "at_most" else "at least"
    return (
        f"The change was kept on {kept} of {len(values)} B days with {name} "
        f"logged ({word} {spec.threshold:g} {spec.unit})."
    )


def experiment_report(
    plan: ExperimentPlan, frame: pd.DataFrame, today: date | None = None
) -> ExperimentReport:
    """Compare twitching in B phases with A phases over the analysed (non-washout) tracked days
    up to `today`. The verdict ("settled") needs the exact randomisation test below 5%; the rate
    ratio and its interval (negative binomial, trend-adjusted when each condition has at least
    two periods) describe the size."""
    if plan.outcome not in frame.columns:
        raise ExperimentError(plan.outcome, f"the daily frame has no '{plan.outcome}' column")
    last = min(plan.end, today) if today else plan.end
    data = collect_phases(plan, frame, last)
    adjust = data.periods("A") >= 2 and data.periods("B") >= 2
    b_days = data.days("B")
    adherence = _adherence(plan, data.factor, b_days)
    common = {
        "factor": plan.factor,
        "days_a": len(data.days("A")),
        "days_b": len(b_days),
        "mean_a": data.mean("A"),
        "mean_b": data.mean("B"),
        "adherence": adherence,
        "phases": data.summaries,
        "checklist": _checklist(plan, data.summaries, adjust, adherence),
        "trend_adjusted": adjust,
    }
    short = min(len(data.days("A")), len(b_days))
    none = {"rate_ratio": None, "ci_low": None, "ci_high": None, "p_value": None}
    if short < MIN_DAYS_PER_CONDITION:
        missing = 2 * (MIN_DAYS_PER_CONDITION - short)
        return ExperimentReport(
            status="not_enough_data",
            settled=False,
            more_days_needed=missing,
            sentence=(
                f"Not enough data yet: {len(data.days('A'))} analysed A days and {len(b_days)} B "
                f"days (at least {MIN_DAYS_PER_CONDITION} of each are needed; about {missing} "
                "more tracked days would help)."
            ),
            **none,
            **common,
        )
    est = model_estimate(data, adjust)
    if est.problem is not None:
        return ExperimentReport(
            status="unreliable",
            settled=False,
            more_days_needed=None,
            sentence=f"The comparison could not be estimated reliably ({est.problem}).",
            **none,
            **common,
        )
    test = exact_test(plan, data)
    settled = plan.randomised and test.p_value < ALPHA
    more = 0 if settled else more_days_needed(plan, test, data)
    return ExperimentReport(
        status="estimated",
        rate_ratio=est.rr,
        ci_low=est.lo,
        ci_high=est.hi,
        p_value=test.p_value if plan.randomised else est.p,
        settled=settled,
        more_days_needed=more,
        sentence=report_sentence(plan, data, est, test, settled, more, adjust),
        allocations=test.allocations if plan.randomised else None,
        **common,
    )


def _checklist(
    plan: ExperimentPlan, phases: list[PhaseSummary], adjusted: bool, adherence: str
) -> list[ChecklistItem]:
    """The CENT 2015 items a reader of one person's experiment needs."""
    periods = "; ".join(
        f"{p.number} {p.condition} {p.start.isoformat()} to {p.end.isoformat()}" for p in phases
    )
    planned = sum(p.planned_days - p.washout_days for p in phases)
    analysed = sum(p.analysed_days for p in phases)
    how = (
        f"each AB pair's order drawn at random (Python random.Random, seed {plan.seed})"
        if plan.randomised
        else "fixed order, not randomised"
    )
    model = (
        "verdict: exact randomisation test over the 2^pairs orders the design could have drawn "
        "(mean log(1 + count) in B minus A per pair, two-sided, 5%); size: negative binomial "
        "regression of daily counts on condition"
        + (
            " and a linear time trend"
            if adjusted
            else " (no trend term: fewer than two periods of each)"
        )
        + ", Newey-West (HAC) standard errors, 95% interval"
    )
    return [
        ChecklistItem(item="Design", text=f"N-of-1, {len(phases)} periods, design {plan.design}"),
        ChecklistItem(item="Interventions", text=f"A: {plan.usual} B: {plan.change}"),
        ChecklistItem(item="Randomisation", text=f"{how}; order used {plan.order}"),
        ChecklistItem(item="Periods", text=periods),
        ChecklistItem(
            item="Period duration",
            text=f"{plan.phase_days} analysed days per period, plus washout after a switch",
        ),
        ChecklistItem(
            item="Washout",
            text=(
                f"{plan.washout_days} days at the start of each period after a switch, "
                "followed but not analysed"
                if plan.washout_days
                else "none"
            ),
        ),
        ChecklistItem(item="Blinding", text="none (open label, self-reported)"),
        ChecklistItem(item="Outcome", text=f"twitch {plan.outcome} per tracked day (diary)"),
        ChecklistItem(item="Statistical methods", text=model),
        ChecklistItem(
            item="Days analysed",
            text=f"{analysed} of {planned} planned (untracked days left out, not counted as 0)",
        ),
        ChecklistItem(item="Adherence", text=adherence),
    ]
