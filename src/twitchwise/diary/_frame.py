"""The day table statistics read: one row per tracked day, check-in values beating imported ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
import pandas as pd

from ._entries import EXTRA_METRICS, NUMERIC_DAY_COLUMNS, CheckIn

#: The columns every frame has, in order; other imported metrics follow, sorted.
BASE_COLUMNS: tuple[str, ...] = (
    "twitches",
    "episodes",
    *NUMERIC_DAY_COLUMNS,
    "hard_exercise",
    *EXTRA_METRICS,
)


def counts_series(counts: Mapping[date, int]) -> pd.Series:
    """Twitches per day as an int Series indexed by date, sorted."""
    days = sorted(counts)
    index = pd.Index(days, dtype="object", name="date")
    return pd.Series([counts[d] for d in days], index=index, dtype="int64", name="twitches")


def build(
    checkins: Sequence[CheckIn],
    totals: Mapping[date, tuple[int, int]],
    imported: Sequence[tuple[date, str, float]],
) -> pd.DataFrame:
    """The frame: `imported` is ordered oldest import first, so a later import wins a tie."""
    days = sorted(c.day for c in checkins)
    extra = sorted({metric for _, metric, _ in imported} - set(BASE_COLUMNS))
    columns = [*BASE_COLUMNS, *extra]
    position = {day: i for i, day in enumerate(days)}
    data = {name: np.full(len(days), np.nan) for name in columns}
    for day, metric, value in imported:
        if day in position:
            data[metric][position[day]] = value
    for checkin in checkins:
        i = position[checkin.day]
        for name in NUMERIC_DAY_COLUMNS:
            value = getattr(checkin, name)
            if value is not None:
                data[name][i] = value
        if checkin.hard_exercise is not None:
            data["hard_exercise"][i] = float(checkin.hard_exercise)
    frame = pd.DataFrame(data, index=pd.Index(days, dtype="object", name="date"), columns=columns)
    frame["twitches"] = [totals.get(d, (0, 0))[0] for d in days]
    frame["episodes"] = [totals.get(d, (0, 0))[1] for d in days]
    return frame.astype({"twitches": "int64", "episodes": "int64"})
