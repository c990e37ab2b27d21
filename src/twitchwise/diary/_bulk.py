"""Bulk writes for imports, inside the caller's transaction: idempotent, one statement per kind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ._convert import checkin_columns, twitch_columns, utc_now
from ._entries import DAY_COLUMNS, ImportStats
from ._models import CheckInRow, DayValueRow, TwitchRow

_TWITCH_KEY = (
    "at_utc",
    "utc_offset_min",
    "explicit_offset",
    "site",
    "intensity",
    "count",
    "duration_s",
    "note",
)


def between(column: Any, start: date | None, end: date | None) -> list[Any]:
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column <= end)
    return conditions


def empty_checkin() -> dict[str, Any]:
    empty: dict[str, Any] = dict.fromkeys(DAY_COLUMNS)
    empty["symptoms"], empty["medications"] = (), ()
    empty["drinks"], empty["no_twitches"] = (), False
    return empty


def import_twitches(session: Session, twitches: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Add the twitches not stored yet, counting copies: a twin row in the input adds a twin."""
    columns = [twitch_columns(dict(t)) for t in twitches]
    if not columns:
        return {"added": 0, "unchanged": 0}
    days = [c["local_day"] for c in columns]
    query = select(*(getattr(TwitchRow, k) for k in _TWITCH_KEY)).where(
        *between(TwitchRow.local_day, min(days), max(days))
    )
    stored = Counter(tuple(row) for row in session.execute(query))
    now, new = utc_now(), []
    for column in columns:
        key = tuple(column[k] for k in _TWITCH_KEY)
        if stored[key] > 0:
            stored[key] -= 1
        else:
            new.append({**column, "created_at": now})
    if new:
        session.execute(insert(TwitchRow), new)
    return {"added": len(new), "unchanged": len(columns) - len(new)}


def import_checkins(session: Session, checkins: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Each check-in replaces its day's; an identical one changes nothing."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    if not checkins:
        return counts
    days = [values["day"] for values in checkins]
    query = select(CheckInRow).where(*between(CheckInRow.day, min(days), max(days)))
    existing = {row.day: row for row in session.scalars(query)}
    now, added = utc_now(), []
    for values in checkins:
        new = checkin_columns({**empty_checkin(), **values})
        row = existing.get(new["day"])
        if row is None:
            added.append({**new, "updated_at": now})
        elif any(getattr(row, k) != v for k, v in new.items()):
            for name, value in new.items():
                setattr(row, name, value)
            row.updated_at = now
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    if added:
        session.execute(insert(CheckInRow), added)
    counts["added"] = len(added)
    return counts


def store_day_values(
    session: Session, wanted: dict[tuple[date, str], float], source: str
) -> ImportStats:
    """Add or replace `source`'s values; counts what changed."""
    stats = ImportStats()
    if not wanted:
        return stats
    days = [day for day, _ in wanted]
    now = utc_now()
    existing = {
        (row.day, row.metric): row
        for row in session.scalars(
            select(DayValueRow).where(
                DayValueRow.source == source,
                *between(DayValueRow.day, min(days), max(days)),
            )
        )
    }
    new = []
    for (day, metric), value in wanted.items():
        row = existing.get((day, metric))
        if row is None:
            new.append(
                {"day": day, "metric": metric, "source": source, "value": value, "imported_at": now}
            )
        elif row.value != value:
            row.value, row.imported_at = value, now
            stats.updated += 1
        else:
            stats.unchanged += 1
    if new:
        session.execute(insert(DayValueRow), new)
    stats.added = len(new)
    return stats
