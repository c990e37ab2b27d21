"""Insights: which daily factors go with more or fewer twitches, and the trend, from the stats
area's pure functions over the diary's daily frame."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from twitchwise.diary import EXTRA_METRICS, Diary
from twitchwise.stats import MIN_FACTOR_DAYS, cached_insights

from .._charts import forest_plot, trend_chart
from .._deps import get_diary
from .._metrics import imported_summaries, in_words
from ._common import render

router = APIRouter()


@router.get("/insights", response_class=HTMLResponse)
def insights_page(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    report, trend, daily = cached_insights((diary.url, diary.last_change()), diary.daily_frame)
    estimated = [f for f in report.factors if f.rate_ratio is not None]
    rows = [
        (
            f"{in_words(f.label or f.factor)}, {'day after' if f.lag_days else 'same day'}",
            f.rate_ratio,
            f.ci_low,
            f.ci_high,
            f.significant,
        )
        for f in estimated
        if f.rate_ratio is not None and f.ci_low is not None and f.ci_high is not None
    ]
    counts: dict[date, int] = daily if report.tracked_days else {}
    # Each chart twice: the desktop's drawing and the phone's (legible at 390 px); CSS shows one.
    return render(
        request, "insights.html", "insights", report=report, trend=trend,
        forests=[(forest_plot(rows), "wide"), (forest_plot(rows, compact=True), "narrow")],
        charts=[(trend_chart(counts), "wide"), (trend_chart(counts, compact=True), "narrow")]
        if counts else [],
        estimated=estimated, notable=[f for f in estimated if f.significant],
        waiting=[f for f in report.factors if f.rate_ratio is None],
        min_days=MIN_FACTOR_DAYS,
        other_apps=imported_summaries(diary.day_values_in_use(), EXTRA_METRICS),
    )  # fmt: skip
