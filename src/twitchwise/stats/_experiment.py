"""Self-experiments (N-of-1 trials): plan the phases, say what to do today, and report honestly.

A = the usual routine, B = the change. Phases come in pairs whose order (AB or BA) is drawn with a
recorded seed, so the plan can be re-derived and the report can say how it was randomised, as the
CENT 2015 checklist for N-of-1 trials asks. Days at the start of a phase that follows a switch are
a washout: the new routine already applies, but the days are not analysed, so the previous
phase's after-effects do not leak into the comparison.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from twitchwise.knowledge import ExperimentFactor, load_knowledge

from ._fit import fit_counts, one_blas_thread
from ._insights import Outcome, _as_day
from ._text import interval_words, more_fewer

Condition = Literal["A", "B"]
MIN_DAYS_PER_CONDITION = 5
MAX_PHASE_DAYS = 60
MAX_WASHOUT_DAYS = 14
MAX_PERIODS = 12


class ExperimentError(ValueError):
    """A bad experiment request; `field` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


EXPERIMENT_FACTORS: dict[str, ExperimentFactor] = {f.key: f for f in load_knowledge().experiments}
"""The changes a self-experiment can test, from knowledge/experiments.yaml (each with a source)."""
_ALIASES = {f.column: f.key for f in EXPERIMENT_FACTORS.values()}


def experiment_factor(name: str) -> ExperimentFactor:
    """Look a factor up by key ('caffeine') or diary column ('caffeine_mg')."""
    key = _ALIASES.get(name, name).strip().lower()
    if key not in EXPERIMENT_FACTORS:
        known = ", ".join(EXPERIMENT_FACTORS)
        raise ExperimentError("factor", f"unknown factor {name!r}; choose one of {known}")
    return EXPERIMENT_FACTORS[key]


class Phase(BaseModel):
    """One period of the experiment: its condition, dates, and washout days at its start."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(description="1-based")
    condition: Condition
    start: date
    end: date = Field(description="inclusive")
    washout_days: int = Field(description="first days after a switch, followed but not analysed")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def analysed_start(self) -> date:
        return self.start + timedelta(days=self.washout_days)


class ExperimentPlan(BaseModel):
    """Everything needed to run, check and report an N-of-1 experiment; stored as JSON."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["n_of_1"] = "n_of_1"
    version: int = 1
    factor: str
    column: str
    title: str
    usual: str
    change: str
    design: str = Field(description="as requested, e.g. ABAB")
    order: str = Field(description="the randomised sequence actually used, e.g. BAAB")
    randomised: bool
    seed: int
    phase_days: int
    washout_days: int
    start: date
    end: date
    outcome: Outcome = "episodes"
    phases: list[Phase]

    def phase_on(self, day: date) -> Phase | None:
        for phase in self.phases:
            if phase.start <= day <= phase.end:
                return phase
        return None


def _check_design(design: str) -> str:
    d = design.strip().upper()
    if not d or set(d) - {"A", "B"}:
        raise ExperimentError("design", "use only the letters A (usual) and B (the change)")
    if len(d) % 2 or len(d) > MAX_PERIODS:
        raise ExperimentError(
            "design", f"needs an even number of periods, at most {MAX_PERIODS} (e.g. AB, ABAB)"
        )
    pairs = [d[i : i + 2] for i in range(0, len(d), 2)]
    if any(p not in ("AB", "BA") for p in pairs):
        raise ExperimentError("design", "must be made of AB or BA pairs (e.g. ABAB, ABBA, ABABAB)")
    return d


def plan_experiment(
    factor: str,
    *,
    design: str = "ABAB",
    phase_days: int = 7,
    washout_days: int = 0,
    start: date,
    seed: int | None = None,
    randomise: bool = True,
) -> ExperimentPlan:
    """Plan the phases. With `randomise`, each AB pair's order is drawn from `seed`.

    `seed` is drawn and recorded when not given, so the order can be checked later. Phases after a
    switch of condition are `washout_days` longer; those first days are not analysed.
    """
    spec = experiment_factor(factor)
    d = _check_design(design)
    if not 3 <= phase_days <= MAX_PHASE_DAYS:
        raise ExperimentError("phase_days", f"must be between 3 and {MAX_PHASE_DAYS} days")
    if not 0 <= washout_days <= MAX_WASHOUT_DAYS:
        raise ExperimentError("washout_days", f"must be between 0 and {MAX_WASHOUT_DAYS} days")
    longest = len(d) * (phase_days + washout_days)
    if start > date.max - timedelta(days=longest + 366):
        raise ExperimentError("start", "is too far in the future for the whole experiment")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    order = d
    if randomise:
        rng = random.Random(seed)
        order = "".join(rng.choice(("AB", "BA")) for _ in range(len(d) // 2))
    phases: list[Phase] = []
    day = start
    previous: str | None = None
    for i, cond in enumerate(order, start=1):
        wash = washout_days if previous is not None and cond != previous else 0
        length = phase_days + wash
        phases.append(
            Phase(
                number=i,
                condition="A" if cond == "A" else "B",
                start=day,
                end=day + timedelta(days=length - 1),
                washout_days=wash,
            )
        )
        day += timedelta(days=length)
        previous = cond
    return ExperimentPlan(
        factor=spec.key,
        column=spec.column,
        title=spec.title,
        usual=spec.usual,
        change=spec.change,
        design=d,
        order=order,
        randomised=randomise,
        seed=seed,
        phase_days=phase_days,
        washout_days=washout_days,
        start=start,
        end=phases[-1].end,
        phases=phases,
    )


# -- status ----------------------------------------------------------------------------------


class ExperimentStatus(BaseModel):
    """Where today falls in the plan and what to do."""

    model_config = ConfigDict(frozen=True)

    state: Literal["not_started", "running", "finished"]
    today: date
    phase: int | None = None
    phases: int
    condition: Condition | None = None
    day_in_phase: int | None = None
    phase_length: int | None = None
    in_washout: bool = False
    instruction: str
    next_change: date | None = None
    days_left: int
    sentence: str


def experiment_status(plan: ExperimentPlan, today: date) -> ExperimentStatus:
    """Which phase today is in and what to do (pure: pass today's date)."""
    total = len(plan.phases)
    if today < plan.start:
        first = plan.phases[0]
        wait = (plan.start - today).days
        todo = plan.usual if first.condition == "A" else plan.change
        return ExperimentStatus(
            state="not_started",
            today=today,
            phases=total,
            instruction=todo,
            next_change=plan.start,
            days_left=(plan.end - today).days + 1,
            sentence=(
                f"The experiment starts on {plan.start.isoformat()} (in {wait} day"
                f"{'s' if wait != 1 else ''}) with phase 1 ({first.condition}): {todo}"
            ),
        )
    phase = plan.phase_on(today)
    if phase is None:
        return ExperimentStatus(
            state="finished",
            today=today,
            phases=total,
            instruction="Back to your usual routine; see the report for what the phases showed.",
            days_left=0,
            sentence=(
                f"The experiment ended on {plan.end.isoformat()}. Run `experiment report` to see "
                "what the phases showed."
            ),
        )
    todo = plan.usual if phase.condition == "A" else plan.change
    day_in = (today - phase.start).days + 1
    washout = day_in <= phase.washout_days
    following = next((p for p in plan.phases if p.number == phase.number + 1), None)
    switch = following.start if following and following.condition != phase.condition else None
    name = "A, your usual routine" if phase.condition == "A" else "B, the change"
    sentence = (
        f"Today is day {day_in} of {phase.days} in phase {phase.number} of {total} ({name}): {todo}"
    )
    if washout:
        sentence += (
            f" These first {phase.washout_days} days are a washout: follow the plan, they are "
            "just not counted."
        )
    sentence += " Log your twitches and fill in today's check-in."
    if switch:
        sentence += f" The routine switches on {switch.isoformat()}."
    return ExperimentStatus(
        state="running",
        today=today,
        phase=phase.number,
        phases=total,
        condition=phase.condition,
        day_in_phase=day_in,
        phase_length=phase.days,
        in_washout=washout,
        instruction=todo,
        next_change=switch,
        days_left=(plan.end - today).days + 1,
        sentence=sentence,
    )


# -- report ----------------------------------------------------------------------------------


class ChecklistItem(BaseModel):
    """One CENT 2015 reporting item, answered for this experiment."""

    model_config = ConfigDict(frozen=True)

    item: str
    text: str


class PhaseSummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: int
    condition: Condition
    start: date
    end: date
    planned_days: int
    washout_days: int
    analysed_days: int
    mean_per_day: float | None
    factor_mean: float | None


class ExperimentReport(BaseModel):
    """B versus A: the rate ratio with its interval, what it means, and the CENT items."""

    model_config = ConfigDict(frozen=True)

    factor: str
    status: Literal["estimated", "not_enough_data", "unreliable"]
    rate_ratio: float | None = Field(description="episodes per day in B relative to A")
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    settled: bool
    trend_adjusted: bool
    days_a: int
    days_b: int
    mean_a: float | None
    mean_b: float | None
    more_days_needed: int | None = Field(
        description="about how many more analysed days would settle it; 0 when settled"
    )
    adherence: str
    sentence: str
    phases: list[PhaseSummary]
    checklist: list[ChecklistItem]


def _by_day(frame: pd.DataFrame, column: str) -> dict[date, float]:
    """Known values of one column, keyed by day (unknown and non-numeric values left out)."""
    if column not in frame.columns:
        return {}
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    return {
        _as_day(d): float(v) for d, v in zip(frame.index, values, strict=True) if math.isfinite(v)
    }


def _adherence(plan: ExperimentPlan, factor: dict[date, float], b_days: list[date]) -> str:
    spec = experiment_factor(plan.factor)
    values = [factor[d] for d in b_days if d in factor]
    if not values:
        return f"No {spec.column} values were logged in B phases, so adherence is unknown."
    if not math.isfinite(spec.threshold):
        return f"Average {spec.column} in B phases: {np.mean(values):.1f} {spec.unit}."
    if spec.target == "at_most":
        kept = sum(v <= spec.threshold for v in values)
    else:
        kept = sum(v >= spec.threshold for v in values)
    word = "at most" if spec.target == "at_most" else "at least"
    return (
        f"The change was kept on {kept} of {len(values)} B days with {spec.column} "
        f"logged ({word} {spec.threshold:g} {spec.unit})."
    )


def _more_days(n: int, beta: float, se: float, crit: float) -> int | None:
    """Days (beyond `n`) for the interval to exclude no change, if the estimate held."""
    if se <= 0 or not math.isfinite(se):
        return None
    target = abs(beta)
    if target < math.log(1.1):
        target = math.log(1.2) - abs(beta)  # enough days to rule out a 20% change either way
    needed = n * (crit * se / target) ** 2
    return max(math.ceil(needed - n), 1)


def experiment_report(
    plan: ExperimentPlan, frame: pd.DataFrame, today: date | None = None
) -> ExperimentReport:
    """Compare twitch episodes a day in B phases with A phases over the analysed (non-washout)
    tracked days up to `today`, allowing for a linear trend when each condition has at least two
    periods (with one period each, a trend and the change cannot be told apart)."""
    outcome = plan.outcome
    if outcome not in frame.columns:
        raise ExperimentError(outcome, f"the daily frame has no '{outcome}' column")
    counts = _by_day(frame, outcome)
    factor = _by_day(frame, plan.column)
    last = min(plan.end, today) if today else plan.end
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
    a_days = [d for d, _, c in rows if c == "A"]
    b_days = [d for d, _, c in rows if c == "B"]
    y = np.array([counts[d] for d, _, _ in rows], dtype=np.float64)
    mean_a = float(np.mean([counts[d] for d in a_days])) if a_days else None
    mean_b = float(np.mean([counts[d] for d in b_days])) if b_days else None
    periods = {c: len({p for _, p, cc in rows if cc == c}) for c in ("A", "B")}
    adjust = periods["A"] >= 2 and periods["B"] >= 2
    adherence = _adherence(plan, factor, b_days)
    checklist = _checklist(plan, summaries, adjust, adherence)
    common = {
        "factor": plan.factor,
        "days_a": len(a_days),
        "days_b": len(b_days),
        "mean_a": mean_a,
        "mean_b": mean_b,
        "adherence": adherence,
        "phases": summaries,
        "checklist": checklist,
        "trend_adjusted": adjust,
    }
    short = min(len(a_days), len(b_days))
    if short < MIN_DAYS_PER_CONDITION:
        missing = 2 * (MIN_DAYS_PER_CONDITION - short)
        return ExperimentReport(
            status="not_enough_data",
            rate_ratio=None,
            ci_low=None,
            ci_high=None,
            p_value=None,
            settled=False,
            more_days_needed=missing,
            sentence=(
                f"Not enough data yet: {len(a_days)} analysed A days and {len(b_days)} B days "
                f"(at least {MIN_DAYS_PER_CONDITION} of each are needed; about {missing} more "
                "tracked days would help)."
            ),
            **common,
        )
    first = rows[0][0]
    cols = [np.ones(len(rows)), np.array([1.0 if c == "B" else 0.0 for _, _, c in rows])]
    if adjust:
        weeks = np.array([(d - first).days / 7.0 for d, _, _ in rows])
        cols.append(weeks - weeks.mean())
    x = np.column_stack(cols)
    with one_blas_thread():
        fit = fit_counts(y, x)
    rr, lo, hi, p = fit.estimate(1)
    if not fit.converged or not math.isfinite(rr):
        return ExperimentReport(
            status="unreliable",
            rate_ratio=None,
            ci_low=None,
            ci_high=None,
            p_value=None,
            settled=False,
            more_days_needed=None,
            sentence=(
                f"The comparison could not be estimated reliably ({fit.problem or 'no fit'}); "
                "more tracked days would help."
            ),
            **common,
        )
    settled = lo > 1.0 or hi < 1.0
    beta, se = math.log(rr), (math.log(hi) - math.log(lo)) / 2
    crit = 1.96
    more: int | None = 0 if settled else _more_days(len(rows), beta, se / crit, crit)
    trend = ", allowing for the overall trend" if adjust else ""
    noun = "twitch episodes" if outcome == "episodes" else "twitches"
    sentence = (
        f"During B ({plan.title.lower()}) you logged about {more_fewer(rr)} {noun} a day than "
        f"during A (95% interval {interval_words(lo, hi)}; {len(a_days)} A and {len(b_days)} B "
        f"days{trend})."
    )
    if settled:
        sentence += " The interval leaves out no difference, so for you, in this period, the "
        sentence += "change went with a real difference; it was not blinded, so expectations "
        sentence += "may play a part."
    elif more is not None:
        sentence += (
            f" That is not settled yet: about {more} more analysed days (another "
            f"{max(1, math.ceil(more / (2 * plan.phase_days)))} AB pair"
            f"{'s' if more > 2 * plan.phase_days else ''} of phases) would help."
        )
    if not adjust:
        sentence += (
            " With only one period of each, a drift over time cannot be told apart from the change."
        )
    return ExperimentReport(
        status="estimated",
        rate_ratio=rr,
        ci_low=lo,
        ci_high=hi,
        p_value=p,
        settled=settled,
        more_days_needed=more,
        sentence=sentence,
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
        "negative binomial regression of daily counts on condition"
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
