"""Server-rendered charts for the diary: a calendar heat map and a daily timeline, as plain data
for the SVG templates. No chart library, no JavaScript, nothing to load."""

from __future__ import annotations

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
