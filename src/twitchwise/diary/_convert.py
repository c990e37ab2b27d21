"""Between stored rows and the values the diary hands out."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

from ._entries import DAY_COLUMNS, AssessmentRecord, CheckIn, Experiment, Twitch
from ._models import AssessmentRow, CheckInRow, ExperimentRow, TwitchRow
from ._rules import checkin_columns as checkin_columns
from ._rules import checkin_from
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


def to_checkin(row: CheckInRow) -> CheckIn:
    names = (*DAY_COLUMNS, "drinks", "no_twitches")
    return checkin_from(row.day, {name: getattr(row, name) for name in names})


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
