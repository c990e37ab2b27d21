"""Home: the big "Log a twitch" action, today's status and the latest assessment's advice."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from twitchwise.diary import Diary
from twitchwise.stats import ExperimentPlan, ExperimentStatus, experiment_status

from .._deps import get_diary
from . import reminders
from ._common import render

router = APIRouter()
# Reminders hang off the home page's router, so the shared list of page modules stays as it is.
router.include_router(reminders.router)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    today = date.today()
    week = diary.list_twitches(today - timedelta(days=6), today)
    todays = [t for t in week if t.day == today]
    latest = diary.list_assessments(limit=1)
    experiment = _experiment_today(diary, today)
    return render(
        request,
        "home.html",
        "home",
        today=today,
        today_total=sum(t.count for t in todays),
        today_episodes=len(todays),
        today_sites=Counter(t.site for t in todays).most_common(),
        week_total=sum(t.count for t in week),
        week_days=len({t.day for t in week}),
        checkin=diary.get_checkin(today),
        latest=latest[0] if latest else None,
        experiment=experiment,
        last=todays[-1] if todays else None,
        switch=switch_news(_active_plan(diary), today),
        first_run=not (week or latest or diary.list_checkins() or diary.list_twitches()),
    )


@router.get("/assessments", response_class=HTMLResponse)
def assessments(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    """Past assessments, newest first: how the advice changed over time."""
    return render(request, "assessments.html", "assess", records=diary.list_assessments(limit=200))


def _experiment_today(diary: Diary, today: date) -> ExperimentStatus | None:
    """Today's instruction of the running self-experiment, if there is one."""
    plan = _active_plan(diary)
    return experiment_status(plan, today) if plan else None


def _active_plan(diary: Diary) -> ExperimentPlan | None:
    active = diary.active_experiment()
    if active is None:
        return None
    try:
        return ExperimentPlan.model_validate(active[1])
    except ValidationError:
        return None


def switch_news(plan: ExperimentPlan | None, today: date) -> str | None:
    """The day the routine switches (or the day before), said plainly on the home page: a switch
    missed is a phase spoilt."""
    if plan is None:
        return None
    now = plan.phase_on(today)
    tomorrow = plan.phase_on(today + timedelta(days=1))
    if tomorrow is not None and (now is None or now.condition != tomorrow.condition):
        todo = plan.usual if tomorrow.condition == "A" else plan.change
        when = "The experiment starts tomorrow" if now is None else "Tomorrow the routine switches"
        return f"{when}: {todo}"
    before = plan.phase_on(today - timedelta(days=1))
    if now is not None and before is not None and before.condition != now.condition:
        todo = plan.usual if now.condition == "A" else plan.change
        return f"The routine switches today: {todo}"
    return None
