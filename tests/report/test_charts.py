"""The report's small charts: bars per week, blocks of weeks for long periods, site circles."""

from __future__ import annotations

from datetime import date, timedelta

from twitchwise._vocab import SITE_IDS
from twitchwise.report._svg import MAX_BARS, SITE_XY, body_marks, week_chart

MONDAY = date(2026, 1, 5)


def test_one_bar_a_week_scaled_to_the_busiest() -> None:
    chart = week_chart(
        [(MONDAY, 10, 7), (MONDAY + timedelta(days=7), 0, 0), (MONDAY + timedelta(days=14), 5, 7)]
    )
    assert [b.count for b in chart.bars] == [10, 0, 5] and chart.peak == 10
    assert chart.bars[2].height * 2 == chart.bars[0].height
    assert chart.weeks_per_bar == 1


def test_ten_years_become_blocks_showing_the_average_a_week() -> None:
    weeks = [(MONDAY + timedelta(days=7 * i), 14, 7) for i in range(522)]
    chart = week_chart(weeks)
    assert len(chart.bars) <= MAX_BARS and chart.weeks_per_bar == 9
    assert {b.count for b in chart.bars} == {14}


def test_body_marks_only_where_twitches_were_logged() -> None:
    marks = body_marks([("left_calf", 40), ("eyelid", 10), ("back", 0)])
    assert [m.site for m in marks] == ["left_calf", "eyelid"]
    assert marks[0].r > marks[1].r
    assert set(SITE_XY) == set(SITE_IDS)  # every site of the case format has a place
