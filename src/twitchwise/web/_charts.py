"""Server-rendered charts: the diary's calendar heat map and daily timeline, and the insights'
forest plot and trend, as plain data for the SVG templates. No chart library, no JavaScript,
nothing to load."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

CELL, GAP = 14, 3


@dataclass(frozen=True)
class Cell:
    x: int
    y: int
    day: date
    count: int | None  # None: untracked (no check-in and no twitches)
    level: str

    @property
    def title(self) -> str:
        label = f"{self.day:%a} {self.day.day} {self.day:%b}"
        if self.count is None:
            return f"{label}: not tracked"
        return f"{label}: {self.count} twitch{'es' if self.count != 1 else ''}"


@dataclass(frozen=True)
class HeatMap:
    cells: list[Cell]
    months: list[tuple[int, str]]  # x, label
    width: int
    height: int


def level(count: int | None, peak: int) -> str:
    if count is None:
        return "untracked"
    if count == 0 or peak == 0:
        return "h0"
    return f"h{max(1, min(4, -(-4 * count // peak)))}"


def heat_map(counts: Mapping[date, int], tracked: set[date], end: date, weeks: int) -> HeatMap:
    """Weeks as columns (Monday at the top), the last column holding `end`."""
    last_monday = end - timedelta(days=end.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    peak = max(counts.values(), default=0)
    cells, months = [], []
    left, top = 30, 18
    for w in range(weeks):
        monday = first + timedelta(weeks=w)
        x = left + w * (CELL + GAP)
        if monday.day <= 7:
            months.append((x, f"{monday:%b}"))
        for d in range(7):
            day = monday + timedelta(days=d)
            if day > end:
                break
            known = day in tracked or day in counts
            count = counts.get(day, 0) if known else None
            cells.append(Cell(x, top + d * (CELL + GAP), day, count, level(count, peak)))
    return HeatMap(cells, months, left + weeks * (CELL + GAP), top + 7 * (CELL + GAP))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: date
    count: int


@dataclass(frozen=True)
class Timeline:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    peak: int
    width: int
    height: int
    base: int


def timeline(counts: Mapping[date, int], end: date, days: int) -> Timeline:
    """Twitches per day for the last `days` days, one bar a day."""
    width, height, left, base = 640, 180, 36, 150
    step = (width - left - 6) / days
    peak = max((counts.get(end - timedelta(days=i), 0) for i in range(days)), default=0)
    scale = (base - 10) / peak if peak else 0
    bars, ticks = [], []
    for i in range(days):
        day = end - timedelta(days=days - 1 - i)
        n = counts.get(day, 0)
        x = left + i * step
        bars.append(
            Bar(
                round(x + 1, 1),
                round(base - n * scale, 1),
                round(max(step - 2, 1), 1),
                round(n * scale, 1),
                day,
                n,
            )
        )
        if day.weekday() == 0:
            ticks.append((round(x, 1), f"{day.day} {day:%b}"))
    return Timeline(bars, ticks, peak, width, height, base)


@dataclass(frozen=True)
class ForestRow:
    y: float
    label: str
    label_x: float
    label_y: float
    x: float
    x_low: float
    x_high: float
    significant: bool
    text: str


@dataclass(frozen=True)
class ForestPlot:
    rows: list[ForestRow]
    ticks: list[tuple[float, str]]
    x_one: float
    left: int
    width: int
    height: int


FOREST_TICKS = (0.25, 0.5, 0.67, 1.0, 1.5, 2.0, 4.0)


def forest_plot(
    estimates: list[tuple[str, float, float, float, bool]], *, compact: bool = False
) -> ForestPlot:
    """Rate ratios with their 95% intervals on a log scale, one row per (label, rr, low, high,
    significant); a log scale shows halving and doubling as equally far from 1.

    `compact` is the phone's layout: a 360-unit-wide drawing (shown about 340 px wide, so its
    13-unit text stays about 12 px) with each label above its interval rather than beside it,
    which a 640-unit drawing squeezed onto a phone shrank to 6 px."""
    if compact:
        left, right, width, row_h, top = 14, 14, 360, 46, 6
    else:
        left, right, width, row_h, top = 190, 14, 640, 24, 10
    lows = [max(low, 1e-3) for _, _, low, _, _ in estimates]
    highs = [min(high, 1e3) for _, _, _, high, _ in estimates]
    lo = math.log(min([0.5, *lows]))
    hi = math.log(max([2.0, *highs]))

    def x_of(value: float) -> float:
        v = math.log(min(max(value, 1e-3), 1e3))
        return round(left + (v - lo) / (hi - lo) * (width - left - right), 1)

    def line_y(i: int) -> float:
        return top + i * row_h + (32 if compact else row_h / 2)

    rows = [
        ForestRow(
            y=line_y(i),
            label=label,
            label_x=left if compact else left - 8,
            label_y=top + i * row_h + 16 if compact else line_y(i) + 4,
            x=x_of(rr),
            x_low=x_of(low),
            x_high=x_of(high),
            significant=sig,
            text=f"{label}: {rr:.2f} ({low:.2f} to {high:.2f})",
        )
        for i, (label, rr, low, high, sig) in enumerate(estimates)
    ]
    ticks = [(x_of(t), f"{t:g}") for t in FOREST_TICKS if lo <= math.log(t) <= hi]
    return ForestPlot(rows, ticks, x_of(1.0), left, width, top + len(rows) * row_h + 26)


@dataclass(frozen=True)
class TrendChart:
    bars: list[Bar]
    line: str  # SVG polyline points of the 7-day mean
    ticks: list[tuple[float, str]]
    peak: int
    width: int
    height: int
    base: int
    left: int


def trend_chart(counts: Mapping[date, int], *, compact: bool = False) -> TrendChart:
    """Twitches on each tracked day, with the mean of the last 7 tracked days as a line, so the
    trend is visible without trusting any one day. Untracked days are gaps, not zeros.

    `compact` is the phone's layout: 360 units wide (legible text at a phone's width) with three
    or four date labels instead of six."""
    width, height, left, base = (360, 200, 30, 172) if compact else (640, 180, 36, 150)
    days = sorted(counts)
    span = (days[-1] - days[0]).days + 1 if days else 1
    step = (width - left - 6) / span
    peak = max(counts.values(), default=0)
    scale = (base - 10) / peak if peak else 0
    bars: list[Bar] = []
    points: list[str] = []
    ticks: list[tuple[float, str]] = []
    window: list[int] = []
    for day in days:
        x = left + (day - days[0]).days * step
        n = counts[day]
        bars.append(
            Bar(
                round(x, 1),
                round(base - n * scale, 1),
                round(max(step - 1, 1), 1),
                round(n * scale, 1),
                day,
                n,
            )
        )
        window = [*window[-6:], n]
        points.append(f"{x + step / 2:.1f},{base - sum(window) / len(window) * scale:.1f}")
    label_every = max(1, span // (3 if compact else 6))
    for i in range(0, span, label_every):
        day = days[0] + timedelta(days=i) if days else date.today()
        if left + i * step <= width - (46 if compact else 40):  # room for the label
            ticks.append((round(left + i * step, 1), f"{day.day} {day:%b}"))
    return TrendChart(bars, " ".join(points), ticks, peak, width, height, base, left)
