"""The report's statistics: the associations that held up and the self-experiments, from
twitchwise.stats' own functions (imported when called: statsmodels is slow to load)."""

from __future__ import annotations

import gc
from datetime import date
from typing import TYPE_CHECKING

from twitchwise.diary import Diary

from ._model import Association, ExperimentLine

if TYPE_CHECKING:
    import pandas as pd

MAX_ASSOCIATIONS = 3


def associations(frame: pd.DataFrame) -> tuple[list[Association], int]:
    """At most three factors that held up after Holm's correction, strongest evidence first.

    statsmodels' Holm correction runs a full `gc.collect()`, which in a process holding
    WeasyPrint, pandas and the diary walks some 200,000 objects (about half a second); freezing
    the objects that exist already for the duration of the call leaves the result unchanged and
    skips that walk.
    """
    from twitchwise.stats import factor_insights

    if frame.empty:
        return [], 0
    gc.freeze()  # see _associations' docstring
    try:
        report = factor_insights(frame)
    finally:
        gc.unfreeze()
    estimated = [f for f in report.factors if f.rate_ratio is not None]
    notable = sorted(report.significant, key=lambda f: f.p_adjusted or 1.0)[:MAX_ASSOCIATIONS]
    return [
        Association(
            label=f.label or f.factor,
            lag_days=f.lag_days,
            rate_ratio=f.rate_ratio,
            ci_low=f.ci_low,
            ci_high=f.ci_high,
            per=f.per,
            n_days=f.n_days,
            sentence=f.sentence,
        )
        for f in notable
        if f.rate_ratio is not None and f.ci_low is not None and f.ci_high is not None
    ], len(estimated)


def experiments(diary: Diary, start: date, end: date) -> list[ExperimentLine]:
    from pydantic import ValidationError

    from twitchwise.stats import ExperimentPlan, experiment_report, experiment_status

    lines = []
    for experiment in diary.list_experiments():
        try:
            plan = ExperimentPlan.model_validate(experiment.plan)
        except ValidationError:
            continue
        if plan.end < start or plan.start > end:
            continue
        report = experiment_report(plan, diary.daily_frame(plan.start, plan.end), today=end)
        status = experiment_status(plan, end)
        lines.append(
            ExperimentLine(
                title=plan.title,
                design=plan.design,
                order=plan.order,
                start=plan.start,
                end=plan.end,
                phase_days=plan.phase_days,
                status=status.state.replace("_", " "),
                adherence=report.adherence,
                days_a=report.days_a,
                days_b=report.days_b,
                rate_ratio=report.rate_ratio,
                ci_low=report.ci_low,
                ci_high=report.ci_high,
                settled=report.settled,
                sentence=report.sentence,
            )
        )
    return lines
