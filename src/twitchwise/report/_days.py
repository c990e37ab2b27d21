"""Day-level parts of the report: the exposures with their coverage, and the appendix table."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from twitchwise.diary import CheckIn, Twitch

from ._model import DayRow, Exposure

if TYPE_CHECKING:
    import pandas as pd

# (diary column, label, multiplier, unit): alcohol per week as clinicians ask about it.
EXPOSURES: tuple[tuple[str, str, float, str], ...] = (
    ("caffeine_mg", "Caffeine", 1, "mg a day"),
    ("sleep_hours", "Sleep", 1, "hours a night"),
    ("alcohol_drinks", "Alcohol", 7, "standard drinks a week"),
    ("stress_level", "Stress", 1, "out of 10"),
    ("exercise_minutes", "Exercise", 1, "minutes a day"),
    ("water_litres", "Fluids", 1, "litres a day"),
)
APPENDIX_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("sleep_hours", "Sleep h", "{:g}"),
    ("caffeine_mg", "Caffeine mg", "{:.0f}"),
    ("alcohol_drinks", "Drinks", "{:g}"),
    ("water_litres", "Fluids l", "{:g}"),
    ("stress_level", "Stress", "{:g}"),
    ("exercise_minutes", "Exercise min", "{:.0f}"),
)


def exposures(
    frame: pd.DataFrame, checkins: Sequence[CheckIn], sources: Mapping[str, list[str]]
) -> list[Exposure]:
    """Each exposure's average over the tracked days that know it, and where the values came
    from: the check-in, or (on days the check-in left it empty) an imported value."""
    out = []
    for column, label, scale, unit in EXPOSURES:
        known = frame[column].dropna()
        typed = sum(getattr(c, column) is not None for c in checkins)
        days = len(known)
        mean = float(known.mean()) * scale if days else None
        out.append(
            Exposure(
                label=label,
                mean=mean if mean is not None and math.isfinite(mean) else None,
                unit=unit,
                days=days,
                checkin_days=min(typed, days),
                imported_days=max(days - typed, 0),
                imported_from=", ".join(sources.get(column, [])) or "imported",
            )
        )
    return out


def appendix_rows(
    start: date,
    end: date,
    checkins: Sequence[CheckIn],
    twitches: Sequence[Twitch],
    frame: pd.DataFrame,
) -> list[DayRow]:
    """Every day of the period with an entry, oldest first; values as the statistics saw them."""
    counts: Counter[date] = Counter()
    for t in twitches:
        counts[t.day] += t.count
    by_day = {c.day: c for c in checkins}
    known: dict[str, dict[object, float]] = {
        column: {d: float(v) for d, v in frame[column].items()} for column, _, _ in APPENDIX_COLUMNS
    }
    rows = []
    day = start
    while day <= end:
        if day in by_day or day in counts:
            values: dict[str, str] = {}
            for column, _, fmt in APPENDIX_COLUMNS:
                value = known[column].get(day, math.nan)
                values[column] = "" if math.isnan(value) else fmt.format(value)
            checkin = by_day.get(day)
            symptoms = ", ".join(s.replace("_", " ") for s in checkin.symptoms) if checkin else ""
            rows.append(DayRow(day, counts.get(day, 0), values, symptoms))
        day += timedelta(days=1)
    return rows
