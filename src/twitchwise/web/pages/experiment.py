"""Self-experiments (N-of-1): plan one with randomised phases, follow today's instruction, read
the B-versus-A report. Planning and analysis are the stats area's pure functions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from twitchwise.diary import Diary, DiaryError, Experiment
from twitchwise.stats import (
    EXPERIMENT_FACTORS,
    ExperimentDesign,
    ExperimentError,
    ExperimentPlan,
    design_warning,
    experiment_design,
    experiment_report,
    experiment_status,
    plan_experiment,
)

from .._deps import get_diary
from ..api.experiments import DESIGN_RE, MAX_PHASE_DAYS, START_WINDOW_DAYS
from ._common import Form, redirect, render

router = APIRouter()

DESIGNS = [
    ("ABAB", "ABAB: two rounds (4 phases)"),
    ("ABABAB", "ABABAB: three rounds (6 phases)"),
    ("AB", "AB: one round (2 phases, weakest)"),
]
ExperimentId = Path(ge=1, le=2_147_483_647)


def _plan(experiment: Experiment) -> ExperimentPlan | None:
    try:
        return ExperimentPlan.model_validate(experiment.plan)
    except ValidationError:
        return None


def _view(diary: Diary, experiment: Experiment) -> dict[str, Any]:
    plan = _plan(experiment)
    if plan is None:
        return {"experiment": experiment, "plan": None}
    today = date.today()
    frame = diary.daily_frame(plan.start, plan.end)
    advice = design_for(diary, plan.start, plan.outcome)
    return {
        "experiment": experiment,
        "plan": plan,
        "status": experiment_status(plan, today),
        "report": experiment_report(plan, frame, today=today),
        "advice": advice,
        "warning": design_warning(advice, len(plan.design) // 2, plan.phase_days),
    }


def design_for(diary: Diary, start: date, outcome: Any = "episodes") -> ExperimentDesign:
    """What a design can show, from the diary's days up to the experiment's first day (the CLI's
    `experiment start` and the JSON API state the same)."""
    return experiment_design(diary.daily_frame(end=start), outcome=outcome)


def _planning(diary: Diary, values: dict[str, Any]) -> dict[str, Any]:
    """The suggestion for a new plan, and a warning when the plan in the form cannot settle."""
    advice = design_for(diary, _tomorrow())
    designs = list(DESIGNS)
    if advice.design and all(advice.design != d for d, _ in designs):
        pairs = len(advice.design) // 2
        designs.insert(0, (advice.design, f"{advice.design}: {pairs} rounds (suggested)"))
    design, days = str(values.get("design", "")), str(values.get("phase_days", ""))
    warning = None
    if DESIGN_RE.fullmatch(design) and days.isdigit():
        warning = design_warning(advice, len(design) // 2, int(days))
    return {"advice": advice, "designs": designs, "warning": warning}


def _page(request: Request, diary: Diary, values: dict[str, Any], errors: dict[str, str],
          status: int = 200, shown: Experiment | None = None) -> HTMLResponse:  # fmt: skip
    experiments = diary.list_experiments()
    active = next((e for e in experiments if e.status == "active"), None)
    current = shown or active
    planning = _planning(diary, values) if active is None else {"designs": DESIGNS}
    return render(
        request, "experiment.html", "experiment", status,
        current=_view(diary, current) if current else None, active=active,
        past=[e for e in experiments if e is not current],
        factors=list(EXPERIMENT_FACTORS.values()),
        values=values, errors=errors, **planning,
    )  # fmt: skip


def _defaults() -> dict[str, Any]:
    return {"factor": "caffeine", "design": "ABAB", "phase_days": "7", "washout_days": "0",
            "start": _tomorrow().isoformat()}  # fmt: skip


def _tomorrow() -> date:
    """Experiments start tomorrow by default: today's coffee has already broken day 1."""
    return date.today() + timedelta(days=1)


@router.get("/experiment", response_class=HTMLResponse)
def experiment_page(
    request: Request,
    id: int | None = None,
    design: str | None = None,
    phase_days: str | None = None,
    diary: Diary = Depends(get_diary),
) -> HTMLResponse:
    """`design` and `phase_days` fill the form: the one-click choice of the suggested design."""
    values = _defaults()
    if design and DESIGN_RE.fullmatch(design):
        values["design"] = design
    if phase_days and phase_days.isdigit() and 3 <= int(phase_days) <= MAX_PHASE_DAYS:
        values["phase_days"] = phase_days
    shown = None
    if id is not None:
        shown = next((e for e in diary.list_experiments() if e.id == id), None)
        if shown is None:
            raise HTTPException(404, "There is no such experiment in your diary.")
    return _page(request, diary, values, {}, shown=shown)


@router.post("/experiment/start", response_class=HTMLResponse)
async def start_experiment(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    form = Form.of(await request.form())
    phase_days = form.integer("phase_days", 3, MAX_PHASE_DAYS)
    washout_days = form.integer("washout_days", 0, 14)
    start = _start(form)
    factor = form.values.get("factor", "")
    if factor not in EXPERIMENT_FACTORS:
        form.errors["factor"] = "Choose what you want to change."
    if diary.active_experiment() is not None:
        form.errors["factor"] = "An experiment is already running; end it before starting another."
    if not form.errors and start is not None:
        try:
            plan = plan_experiment(
                factor, design=form.values.get("design", "ABAB"),
                phase_days=phase_days if phase_days is not None else 7,
                washout_days=washout_days or 0, start=start,
                taper=form.values.get("taper") == "on",
            )  # fmt: skip
            diary.save_experiment(plan.model_dump(mode="json"))
        except ExperimentError as exc:
            form.errors[exc.field if exc.field in _FIELDS else "factor"] = _sentence(exc.message)
        except DiaryError as exc:
            form.add_diary_error(exc)
        else:
            return redirect("/experiment")
    return _page(request, diary, form.values, form.errors, 422)


_FIELDS = {"factor", "design", "phase_days", "washout_days", "start", "taper"}


def _start(form: Form) -> date | None:
    raw = form.values.get("start", "")
    if not raw:
        return _tomorrow()
    try:
        start = date.fromisoformat(raw)
    except ValueError:
        form.errors["start"] = "Enter a date like 2026-03-02."
        return None
    if abs((start - date.today()).days) > START_WINDOW_DAYS:  # the API's rule, same words
        form.errors["start"] = f"Choose a day within {START_WINDOW_DAYS} days of today."
        return None
    return start


def _sentence(message: str) -> str:
    return (message[:1].upper() + message[1:]).rstrip(".") + "."


@router.post("/experiment/{experiment_id}/end", response_class=HTMLResponse)
def end_experiment(
    experiment_id: int = ExperimentId, diary: Diary = Depends(get_diary)
) -> Response:
    try:
        diary.end_experiment(experiment_id)
    except DiaryError:
        raise HTTPException(404, "There is no such experiment in your diary.") from None
    return redirect(f"/experiment?id={experiment_id}")
