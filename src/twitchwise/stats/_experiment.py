"""Self-experiments (N-of-1 trials): plan the phases, say what to do today, and report honestly.

A = the usual routine, B = the change. Phases come in pairs whose order (AB or BA) is drawn with a
recorded seed, so the plan can be re-derived and the report can say how it was randomised, as the
CENT 2015 checklist for N-of-1 trials asks. Days at the start of a phase that follows a switch are
a washout: the new routine already applies, but the days are not analysed, so the previous
phase's after-effects do not leak into the comparison.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from twitchwise.knowledge import ExperimentFactor, load_knowledge

from ._insights import Outcome

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
    taper: bool = Field(
        False, description="the settling-in days of each B phase after A are a taper (caffeine)"
    )

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
    taper: bool = False,
) -> ExperimentPlan:
    """Plan the phases. With `randomise`, each AB pair's order is drawn from `seed`.

    `seed` is drawn and recorded when not given, so the order can be checked later. Phases after a
    switch of condition are `washout_days` longer; those first days are not analysed.

    `taper` (for a change best made gradually, such as cutting caffeine) turns the settling-in days
    of every B phase that follows the usual routine, the first phase included, into days of
    cutting down, so a withdrawal headache does not land on the analysed days.
    """
    spec = experiment_factor(factor)
    if taper and spec.taper is None:
        raise ExperimentError("taper", f"only a change with a taper can taper, not {spec.key}")
    if taper and washout_days < 2:
        raise ExperimentError("washout_days", "a taper needs at least 2 settling-in days")
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
        switch = cond != previous if previous is not None else taper and cond == "B"
        wash = washout_days if switch else 0
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
        taper=taper,
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
        if plan.taper and first.condition == "B" and first.washout_days:
            todo = experiment_factor(plan.factor).taper or todo
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
                f"The experiment ended on {plan.end.isoformat()}; its report shows what the "
                "phases showed."
            ),
        )
    todo = plan.usual if phase.condition == "A" else plan.change
    day_in = (today - phase.start).days + 1
    washout = day_in <= phase.washout_days
    tapering = washout and plan.taper and phase.condition == "B"
    if tapering:
        todo = experiment_factor(plan.factor).taper or todo
    following = next((p for p in plan.phases if p.number == phase.number + 1), None)
    switch = following.start if following and following.condition != phase.condition else None
    name = "A, your usual routine" if phase.condition == "A" else "B, the change"
    sentence = (
        f"Today is day {day_in} of {phase.days} in phase {phase.number} of {total} ({name}): {todo}"
    )
    if tapering:
        sentence += (
            f" These first {phase.washout_days} days are a taper: cut down gradually, they are "
            "not counted."
        )
    elif washout:
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


# -- report models (the report itself: _experiment_report.py) ------------------------------


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
    """B versus A: the rate ratio with its interval, what it means, and the CENT items.

    `p_value` is the exact randomisation test's when the plan was randomised, and `settled` is
    true only when that test is below 5%."""

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
    allocations: int | None = Field(
        default=None,
        exclude=True,
        description="orders the design could have drawn (the exact test's reference set)",
    )
