"""GET /api/v1/insights: factor insights and the trend over the whole diary."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from twitchwise.diary import Diary
from twitchwise.stats import InsightsReport, TrendResult, cached_insights

from .._deps import get_diary

router = APIRouter(tags=["insights"])


class Insights(BaseModel):
    trend: TrendResult | None = Field(description="twitches a day against time; null when no days")
    insights: InsightsReport


@router.get("/insights", response_model=Insights, summary="What goes with the twitching")
def insights(diary: Diary = Depends(get_diary)) -> Insights:
    """Rate ratios for each daily factor (same day and the day after, Holm-adjusted), and the
    trend. Untracked days are left out, never counted as zero. Computed once per change of the
    diary."""
    report, trend, _ = cached_insights((diary.url, diary.last_change()), diary.daily_frame)
    return Insights(trend=trend, insights=report)
