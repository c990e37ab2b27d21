"""Insights: which daily factors go with more or fewer twitches, and the trend, from the stats
area's pure functions over the diary's daily frame."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from twitchwise.diary import Diary
from twitchwise.stats import MIN_FACTOR_DAYS, count_trend, factor_insights

from .._deps import get_diary
from ._common import render

router = APIRouter()


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    frame = diary.daily_frame()
    report = factor_insights(frame)
    trend = count_trend(frame["twitches"]) if report.tracked_days else None
    estimated = [f for f in report.factors if f.rate_ratio is not None]
    return render(
        request, "insights.html", "insights", report=report, trend=trend,
        estimated=estimated, notable=[f for f in estimated if f.significant],
        waiting=[f for f in report.factors if f.rate_ratio is None],
        min_days=MIN_FACTOR_DAYS,
    )  # fmt: skip
