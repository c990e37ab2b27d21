"""Self-experiments (N-of-1) over the JSON API: /api/v1/experiments.

Planning and analysis are the stats area's pure functions (`plan_experiment`,
`experiment_status`, `experiment_report`); this module only reads the request strictly, stores the
plan in the diary, and returns the stats models as they are, so the API says exactly what the CLI
and the Experiment page say.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, WithJsonSchema

from twitchwise.diary import Diary, DiaryError, Experiment
from twitchwise.stats import (
    EXPERIMENT_FACTORS,
    ExperimentDesign,
    ExperimentError,
    ExperimentPlan,
    ExperimentReport,
    ExperimentStatus,
    design_warning,
    experiment_design,
    experiment_report,
    experiment_status,
    plan_experiment,
)

from .._deps import get_diary
from .._problems import ApiError, FieldError, problem_responses
from ._errors import diary_errors
from ._strict import EMPTY_JSON_BODY, IsoDate, empty_json_body, strict_body

router = APIRouter(prefix="/experiments", tags=["experiments"])

ExperimentId = Path(ge=1, le=2_147_483_647, description="the experiment's id")
# The stats area's limits (stats/_experiment.py), declared here so the OpenAPI document states them;
# tests/web/test_api_experiments.py checks they agree.
MAX_PERIODS, MAX_PHASE_DAYS, MAX_WASHOUT_DAYS = 12, 60, 14
START_WINDOW_DAYS = 365
"""How far from today an experiment may start: far enough to plan ahead or to record one begun
without the app, near enough that every phase date stays a real calendar date."""
_DESIGN_PATTERN = f"^(AB|BA){{1,{MAX_PERIODS // 2}}}$"
DESIGN_RE = re.compile(_DESIGN_PATTERN)


def _known_factor(value: str) -> str:
    if value not in EXPERIMENT_FACTORS:
        raise ValueError(f"choose one of {', '.join(EXPERIMENT_FACTORS)}")
    return value


def _design(value: str) -> str:
    if not DESIGN_RE.fullmatch(value):
        raise ValueError(
            f"use AB or BA pairs, at most {MAX_PERIODS // 2}, in capitals (e.g. AB, ABAB, ABBA)"
        )
    return value


Design = Annotated[
    str,
    AfterValidator(_design),
    WithJsonSchema({"type": "string", "pattern": _DESIGN_PATTERN}),
]
FactorKey = Annotated[
    str,
    AfterValidator(_known_factor),
    WithJsonSchema({"type": "string", "enum": list(EXPERIMENT_FACTORS)}),
]


class ExperimentIn(BaseModel):
    """A self-experiment to start: A = the usual routine, B = the change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"factor": "caffeine", "design": "ABAB", "phase_days": 7}],
        },
    )

    factor: FactorKey = Field(
        description="what to change (knowledge/experiments.yaml): "
        + ", ".join(f"`{k}` ({f.title.lower()})" for k, f in EXPERIMENT_FACTORS.items())
    )
    design: Design = Field(
        "ABAB",
        description="periods as AB or BA pairs (AB, ABAB, ABBA, ABABAB ...); with `randomise` "
        "each pair's order is drawn at random",
    )
    phase_days: int = Field(7, ge=3, le=MAX_PHASE_DAYS, description="analysed days per phase")
    washout_days: int = Field(
        0,
        ge=0,
        le=MAX_WASHOUT_DAYS,
        description="extra days at the start of a phase after a switch: followed, not analysed",
    )
    start: IsoDate | None = Field(
        None, description=f"first day (default today; within {START_WINDOW_DAYS} days of today)"
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=2_147_483_647,
        description="seed for the random order (drawn and recorded when left out)",
    )
    randomise: bool = Field(True, strict=True, description="false keeps the design's order")
    taper: bool = Field(
        False,
        strict=True,
        description="caffeine only: the settling-in days (`washout_days` 2 or more) of each B "
        "phase after the usual routine are for cutting down gradually",
    )


class ExperimentSummary(BaseModel):
    """An experiment in the list; `factor` to `end` null for a plan this version cannot read."""

    id: int
    status: Literal["active", "ended"] = Field(description="only one is active at a time")
    created_at: datetime
    ended_at: datetime | None
    factor: str | None
    title: str | None
    start: date | None = Field(description="first day of the plan")
    end: date | None = Field(description="last day of the plan (inclusive)")

    @classmethod
    def of(cls, experiment: Experiment, plan: ExperimentPlan | None) -> ExperimentSummary:
        return cls(
            id=experiment.id,
            status="active" if experiment.status == "active" else "ended",
            created_at=experiment.created_at,
            ended_at=experiment.ended_at,
            factor=plan.factor if plan else None,
            title=plan.title if plan else None,
            start=plan.start if plan else None,
            end=plan.end if plan else None,
        )


class ExperimentDetail(ExperimentSummary):
    """One experiment: its plan, where `today` falls in it, and the B-versus-A report so far."""

    factor: str
    title: str
    start: date
    end: date
    plan: ExperimentPlan
    today: ExperimentStatus = Field(description="which phase the day is in and what to do")
    report: ExperimentReport = Field(
        description="rate ratio B vs A with its 95% interval over the analysed days up to the "
        "day, how many more days would settle it, and the CENT 2015 items"
    )
    design: ExperimentDesign = Field(
        description="what a design can show with the person's own variability (the diary's "
        "days up to the first day): the suggested pairs and phase length for a 30% drop"
    )
    design_warning: str | None = Field(
        description="why this plan cannot settle (or is unlikely to), null when it follows the "
        "suggestion"
    )


def _plan(experiment: Experiment) -> ExperimentPlan | None:
    try:
        return ExperimentPlan.model_validate(experiment.plan)
    except ValidationError:
        return None


def _find(diary: Diary, experiment_id: int) -> Experiment:
    found = next((e for e in diary.list_experiments() if e.id == experiment_id), None)
    if found is None:
        raise ApiError(404, "Not found", f"no experiment with id {experiment_id}")
    return found


def _detail(diary: Diary, experiment: Experiment, today: date | None) -> ExperimentDetail:
    plan = _plan(experiment)
    if plan is None:
        raise ApiError(
            409,
            "Unreadable experiment",
            f"experiment {experiment.id} was not planned by this version of twitchwise",
        )
    day = today or date.today()
    summary = ExperimentSummary.of(experiment, plan).model_dump()
    advice = experiment_design(diary.daily_frame(end=plan.start), outcome=plan.outcome)
    return ExperimentDetail(
        **summary,
        plan=plan,
        today=experiment_status(plan, day),
        report=experiment_report(plan, diary.daily_frame(plan.start, plan.end), today=day),
        design=advice,
        design_warning=design_warning(advice, len(plan.design) // 2, plan.phase_days),
    )


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(
        422,
        "Invalid input",
        f"The experiment was not started. Please check: {field}.",
        [FieldError(field=field, message=message)],
    )


def _conflict(message: str) -> ApiError:
    return ApiError(409, "Conflict", message, [FieldError(field="experiment", message=message)])


def _start_day(start: date | None) -> date:
    today = date.today()
    if start is None:
        return today
    if abs((start - today).days) > START_WINDOW_DAYS:
        raise _invalid("start", f"must be within {START_WINDOW_DAYS} days of today ({today})")
    return start


DayQuery = Query(None, description="the day to ask about, YYYY-MM-DD (default today)")
DETAIL_RESPONSES: dict[int | str, dict[str, Any]] = problem_responses(404, 409, 422)


@router.get(
    "",
    response_model=list[ExperimentSummary],
    summary="List self-experiments, newest first",
)
def list_experiments(diary: Diary = Depends(get_diary)) -> list[ExperimentSummary]:
    return [ExperimentSummary.of(e, _plan(e)) for e in diary.list_experiments()]


@router.post(
    "",
    response_model=ExperimentDetail,
    status_code=201,
    responses=problem_responses(409, 422),
    summary="Start a self-experiment (one runs at a time)",
    dependencies=[Depends(strict_body(ExperimentIn))],
)
def start_experiment(body: ExperimentIn, diary: Diary = Depends(get_diary)) -> ExperimentDetail:
    """Plan randomised phases and start them. A 409 when one is already running (end it first);
    a 422 naming the field for a bad request. Nothing is stored when a request is refused."""
    first = _start_day(body.start)
    try:
        plan = plan_experiment(
            body.factor,
            design=body.design,
            phase_days=body.phase_days,
            washout_days=body.washout_days,
            start=first,
            seed=body.seed,
            randomise=body.randomise,
            taper=body.taper,
        )
    except ExperimentError as exc:
        raise _invalid(exc.field, exc.message) from None
    active = diary.active_experiment()
    if active is not None:
        raise _conflict(f"experiment {active[0]} is still running; end it first")
    try:
        experiment_id = diary.save_experiment(plan.model_dump(mode="json"))
    except DiaryError as exc:  # another request started one in between
        if exc.field == "experiment":
            raise _conflict(exc.problems[0].message) from None
        raise _invalid(exc.field, exc.problems[0].message) from None
    return _detail(diary, _find(diary, experiment_id), None)


@router.get(
    "/{experiment_id}",
    response_model=ExperimentDetail,
    responses=DETAIL_RESPONSES,
    summary="One experiment: plan, today's instruction and the B-versus-A report",
)
def get_experiment(
    experiment_id: int = ExperimentId,
    today: IsoDate | None = DayQuery,
    diary: Diary = Depends(get_diary),
) -> ExperimentDetail:
    """The plan as stored, `today` (the phase, day within it, washout, what to do), and `report`
    (rate ratio B vs A with its 95% interval, whether it is settled, about how many more days
    would settle it, per-phase summaries and the CENT 2015 items). Untracked days are left out."""
    return _detail(diary, _find(diary, experiment_id), today)


@router.post(
    "/{experiment_id}/end",
    response_model=ExperimentDetail,
    responses=DETAIL_RESPONSES,
    summary="End an experiment (its plan and report stay available)",
    dependencies=[Depends(empty_json_body)],
    openapi_extra=EMPTY_JSON_BODY,
)
def end_experiment(
    experiment_id: int = ExperimentId, diary: Diary = Depends(get_diary)
) -> ExperimentDetail:
    """End a running experiment; a 409 if it has already ended. Send it with
    `Content-Type: application/json` and no body or `{}` (a cross-site form cannot)."""
    experiment = _find(diary, experiment_id)
    if experiment.status != "active":
        raise _conflict(f"experiment {experiment_id} has already ended")
    with diary_errors():
        diary.end_experiment(experiment_id)
    return _detail(diary, _find(diary, experiment_id), None)


__all__ = ["ExperimentDetail", "ExperimentIn", "ExperimentSummary", "router"]
