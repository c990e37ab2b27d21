"""The report's two small charts as plain data for the template's inline SVG: twitches a week
as bars, and a body outline with the number of twitches at each site. Vector, so they print
sharp and cost nothing to make; no chart library."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from twitchwise._vocab import site_label

WEEK_W, WEEK_H, WEEK_LEFT, WEEK_BASE = 330, 92, 30, 74


@dataclass(frozen=True)
class WeekBar:
    x: float
    y: float
    width: float
    height: float
    monday: date
    count: int
    tracked_days: int


@dataclass(frozen=True)
class WeekChart:
    bars: list[WeekBar]
    peak: int
    ticks: list[tuple[float, str]]
    weeks_per_bar: int = 1
    width: int = WEEK_W
    height: int = WEEK_H
    left: int = WEEK_LEFT
    base: int = WEEK_BASE


MAX_BARS = 60


def week_chart(weeks: list[tuple[date, int, int]]) -> WeekChart:
    """One bar per week (Monday to Sunday), or, for a long period, per block of weeks showing
    the average a week, so a ten-year report still has a readable chart of at most 60 bars.
    A block with no entries has no bar at all."""
    size = max(1, -(-len(weeks) // MAX_BARS))
    blocks = [weeks[i : i + size] for i in range(0, len(weeks), size)]
    values = [
        (block[0][0], round(sum(n for _, n, _ in block) / len(block)), sum(d for *_, d in block))
        for block in blocks
    ]
    peak = max((n for _, n, _ in values), default=0)
    slot = (WEEK_W - WEEK_LEFT) / max(len(values), 1)
    bars, ticks = [], []
    every = max(1, len(values) // 6)
    for i, (monday, count, days) in enumerate(values):
        x = WEEK_LEFT + i * slot
        height = (WEEK_BASE - 8) * count / peak if peak else 0.0
        bars.append(
            WeekBar(round(x + slot * 0.12, 2), round(WEEK_BASE - height, 2),
                    round(slot * 0.76, 2), round(height, 2), monday, count, days)
        )  # fmt: skip
        if i % every == 0:
            ticks.append(
                (round(x, 2), f"{monday.day} {monday:%b}" if size == 1 else f"{monday:%b %Y}")
            )
    return WeekChart(bars, peak, ticks, weeks_per_bar=size)


# Where each site sits on a front-facing outline 120 x 210 (the person's left on the viewer's
# right); the back is shown beside the figure.
SITE_XY: dict[str, tuple[float, float]] = {
    "eyelid": (60, 16), "face": (60, 24), "tongue": (60, 31), "neck": (60, 43),
    "chest": (60, 62), "abdomen": (60, 88), "back": (118, 84),
    "right_upper_arm": (32, 66), "left_upper_arm": (88, 66),
    "right_forearm": (26, 92), "left_forearm": (94, 92),
    "right_hand": (22, 114), "left_hand": (98, 114),
    "right_thigh": (48, 128), "left_thigh": (72, 128),
    "right_hamstring": (42, 142), "left_hamstring": (78, 142),
    "right_calf": (49, 170), "left_calf": (71, 170),
    "right_foot": (48, 200), "left_foot": (72, 200),
}  # fmt: skip


@dataclass(frozen=True)
class SiteMark:
    site: str
    label: str
    x: float
    y: float
    r: float
    count: int


def body_marks(sites: list[tuple[str, int]]) -> list[SiteMark]:
    """A circle at each site with twitches, its area growing with the count."""
    peak = max((n for _, n in sites), default=0)
    marks = []
    for site, count in sites:
        if site not in SITE_XY or not count:
            continue
        x, y = SITE_XY[site]
        marks.append(SiteMark(site, site_label(site), x, y, round(3 + 5 * (count / peak) ** 0.5, 2),
                              count))  # fmt: skip
    return marks
