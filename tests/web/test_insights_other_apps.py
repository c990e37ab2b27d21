"""Insights shows imported measures that are not diary factors (steps, heart rate, HRV) as plain
averages with the days they cover, in words, and claims nothing about twitching from them."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from twitchwise.diary import DayValue, Diary
from twitchwise.web._metrics import imported_summaries

START = date(2026, 3, 2)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_summary_averages_the_value_in_use_per_measure() -> None:
    values = {
        (START, "steps"): ("apple-health", 4000.0),
        (START + timedelta(days=1), "steps"): ("apple-health", 6000.0),
        (START, "hrv_sdnn_ms"): ("garmin", 41.0),
        (START, "sleep_hours"): ("garmin", 7.0),  # a diary factor: not asked for
    }
    rows = imported_summaries(values, ["resting_heart_rate_bpm", "steps", "hrv_sdnn_ms"])
    assert [(r.label, r.average, r.days) for r in rows] == [
        ("Steps", "5,000", 2),
        ("Heart rate variability (SDNN)", "41 ms", 1),
    ]
    assert (rows[0].first, rows[0].last) == (START, START + timedelta(days=1))


def test_insights_shows_imported_steps_heart_rate_and_hrv_in_words(
    client: TestClient, diary: Diary
) -> None:
    assert "From your other apps" not in client.get("/insights").text  # nothing imported yet
    values = [DayValue(START + timedelta(days=n), "steps", 5000.0 + 1000 * n) for n in range(3)]
    values += [
        DayValue(START + timedelta(days=n), "resting_heart_rate_bpm", 60.0) for n in range(2)
    ]
    values += [DayValue(START, "hrv_sdnn_ms", 45.0)]
    diary.import_day_values(values, "apple-health")

    page = _text(client.get("/insights").text)

    assert "From your other apps" in page
    assert "Steps 6,000 3 days (Mon 2 Mar 2026 to Wed 4 Mar 2026)" in page
    assert "Resting heart rate 60 beats a minute 2 days" in page
    assert "Heart rate variability (SDNN) 45 ms 1 day (Mon 2 Mar 2026" in page
    assert "hrv sdnn" not in page.lower() and "resting_heart_rate" not in page
    assert "on their own say nothing about your twitching" in page
