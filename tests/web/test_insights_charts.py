"""The insights page draws its forest plot and trend chart from the statistics, server-side."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from fastapi.testclient import TestClient

from twitchwise.diary import Diary
from twitchwise.stats import simulate_diary
from twitchwise.web._charts import forest_plot, trend_chart


def test_forest_plot_puts_one_in_the_middle_of_a_log_scale() -> None:
    plot = forest_plot([("a", 2.0, 1.5, 2.5, True), ("b", 0.5, 0.4, 0.6, False)])
    a, b = plot.rows
    assert a.x > plot.x_one > b.x
    assert math.isclose(a.x - plot.x_one, plot.x_one - b.x, abs_tol=0.2), "log scale"
    assert a.x_low < a.x < a.x_high and a.significant and not b.significant
    assert ("1", plot.x_one) in [(label, x) for x, label in plot.ticks]


def test_trend_chart_leaves_untracked_days_out_and_draws_a_mean_line() -> None:
    start = date(2026, 3, 1)
    counts = {start: 2, start + timedelta(days=1): 4, start + timedelta(days=5): 6}
    chart = trend_chart(counts)
    assert [b.count for b in chart.bars] == [2, 4, 6]
    assert chart.peak == 6
    means = [float(p.split(",")[1]) for p in chart.line.split()]
    assert means[0] > means[1] > means[2], "the 7-day mean rises (y grows downwards)"


def test_insights_page_shows_both_charts(client: TestClient, diary: Diary) -> None:
    frame = simulate_diary(90, seed=3, effects={"caffeine_mg": 1.5})
    start = date.today() - timedelta(days=len(frame))
    for i, (_, row) in enumerate(frame.iterrows()):
        day = start + timedelta(days=i)
        caffeine = float(row["caffeine_mg"])
        diary.save_checkin(day, caffeine_mg=None if math.isnan(caffeine) else caffeine)
        noon = datetime.combine(day, time(12)).astimezone()
        for _ in range(int(row["episodes"])):
            diary.add_twitch("left_thigh", noon)
    html = client.get("/insights").text
    assert 'aria-labelledby="table-heading forest-desc"' in html
    assert len(re.findall(r"<circle ", html)) >= 2
    assert 'class="mean" points="' in html


def test_insights_say_factors_in_words_and_dates_in_one_format(
    client: TestClient, diary: Diary
) -> None:
    frame = simulate_diary(60, seed=5, effects={"caffeine_mg": 1.5})
    start = date.today() - timedelta(days=len(frame))
    for i, (_, row) in enumerate(frame.iterrows()):
        day = start + timedelta(days=i)
        caffeine = float(row["caffeine_mg"])
        diary.save_checkin(day, caffeine_mg=None if math.isnan(caffeine) else caffeine)
        for _ in range(int(row["episodes"])):
            diary.add_twitch("left_thigh", datetime.combine(day, time(12)).astimezone())
    page = client.get("/insights").text
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    assert "caffeine_mg" not in text and "sleep_hours" not in text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), "one date format, as on the other pages"
    assert f"{start:%a} {start.day} {start:%b %Y}" in text
