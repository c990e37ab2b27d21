"""Between stored rows and the values the diary hands out."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone
from typing import Any

from ._entries import DAY_COLUMNS, AssessmentRecord, CheckIn, Experiment, Twitch
from ._models import AssessmentRow, CheckInRow, ExperimentRow, TwitchRow
from ._rules import twitch_columns as twitch_columns  # shared with the quick path
from ._rules import utc_now as utc_now


def to_twitch(row: TwitchRow) -> Twitch:
    offset = timedelta(minutes=row.utc_offset_min)
    time = (row.at_utc + offset).replace(tzinfo=timezone(offset))
    return Twitch(
        id=row.id,
        time=time,
        site=row.site,
        intensity=row.intensity,
        count=row.count,
        duration_s=row.duration_s,
        note=row.note,
        explicit_offset=row.explicit_offset,
    )


def checkin_columns(values: dict[str, Any]) -> dict[str, Any]:
    columns = dict(values)
    for name in ("symptoms", "medications"):
        if name in columns:
            columns[name] = list(columns[name])
    if "drinks" in columns:
        columns["drinks"] = dict(columns["drinks"]) or None
    return columns


def to_checkin(row: CheckInRow) -> CheckIn:
    values = {name: getattr(row, name) for name in DAY_COLUMNS}
    values["symptoms"] = tuple(values["symptoms"] or ())
    values["medications"] = tuple(values["medications"] or ())
    drinks = tuple(sorted((str(k), float(v)) for k, v in (row.drinks or {}).items()))
    return CheckIn(day=row.day, **values, drinks=drinks, no_twitches=bool(row.no_twitches))


def to_experiment(row: ExperimentRow) -> Experiment:
    return Experiment(
        id=row.id,
        created_at=row.created_at.replace(tzinfo=UTC),
        status=row.status,
        plan=dict(row.plan),
        ended_at=row.ended_at.replace(tzinfo=UTC) if row.ended_at else None,
    )


def to_assessment(row: AssessmentRow) -> AssessmentRecord:
    return AssessmentRecord(
        id=row.id,
        created_at=row.created_at.replace(tzinfo=UTC),
        origin=row.origin,
        case=dict(row.case),
        result=dict(row.result),
    )
