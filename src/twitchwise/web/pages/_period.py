"""The diary's paging: a week or a month at a time, as a calendar whose days open that day.

Two months of logging on one page was 46,000 px on a phone; a period keeps the page short and the
calendar makes every day one tap away.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from .._charts import level

View = Literal["recent", "week", "month"]


@dataclass(frozen=True)
class Period:
    view: View
    start: date
    end: date

    @classmethod
    def around(cls, anchor: date, view: View) -> Period:
        if view == "recent":  # this week and last: never empty just because a month began
            start = anchor - timedelta(days=anchor.weekday() + 7)
            return cls(view, start, start + timedelta(days=13))
        if view == "week":
            start = anchor - timedelta(days=anchor.weekday())
            return cls(view, start, start + timedelta(days=6))
        last = calendar.monthrange(anchor.year, anchor.month)[1]
        return cls(view, anchor.replace(day=1), anchor.replace(day=last))

    @property
    def title(self) -> str:
        if self.view == "month":
            return f"{self.start:%B %Y}"
        if self.view == "recent":
            return "This week and last"
        return f"Week of {self.start:%a} {self.start.day} {self.start:%b %Y}"

    @property
    def paging_view(self) -> View:
        """The view the earlier/later links use ("recent" pages by week)."""
        return "week" if self.view == "recent" else self.view

    @property
    def phrase(self) -> str:
        """How a sentence names the period: "the week", "the month", "the two weeks"."""
        return "the two weeks" if self.view == "recent" else f"the {self.view}"

    @property
    def previous(self) -> date:
        return self.start - timedelta(days=1)

    @property
    def next(self) -> date:
        return self.end + timedelta(days=1)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class CalendarDay:
    day: date
    count: int | None
    """Twitches that day; None when the day is not tracked (no check-in, nothing logged)."""
    level: str
    future: bool


def calendar_weeks(
    period: Period, counts: dict[date, int], tracked: set[date], today: date
) -> list[list[CalendarDay | None]]:
    """Monday-first weeks covering the period; None pads days outside it."""
    peak = max(counts.values(), default=0)
    first = period.start - timedelta(days=period.start.weekday())
    weeks: list[list[CalendarDay | None]] = []
    monday = first
    while monday <= period.end:
        week: list[CalendarDay | None] = []
        for n in range(7):
            day = monday + timedelta(days=n)
            if not period.start <= day <= period.end:
                week.append(None)
                continue
            known = day in tracked or day in counts
            count = counts.get(day, 0) if known else None
            week.append(CalendarDay(day, count, level(count, peak), day > today))
        weeks.append(week)
        monday += timedelta(weeks=1)
    return weeks
