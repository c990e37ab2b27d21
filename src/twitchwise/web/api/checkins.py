"""CRUD for daily check-ins: /api/v1/checkins, one per local day."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from twitchwise.diary import Diary

from .._deps import get_diary
from .._problems import ApiError, problem_responses
from ._errors import diary_errors
from ._models import CheckInIn, CheckInOut, CheckInValues
from ._strict import IsoDate, strict_body

router = APIRouter(prefix="/checkins", tags=["check-ins"])


@router.get(
    "", response_model=list[CheckInOut], responses=problem_responses(422), summary="List check-ins"
)
def list_checkins(
    start: IsoDate | None = None, end: IsoDate | None = None, diary: Diary = Depends(get_diary)
) -> list[CheckInOut]:
    """Check-ins from `start` to `end` (both optional), oldest first."""
    return [CheckInOut.of(c) for c in diary.list_checkins(start, end)]


@router.post(
    "",
    response_model=CheckInOut,
    responses=problem_responses(422),
    summary="Save a day's check-in (creates or replaces it)",
    dependencies=[Depends(strict_body(CheckInIn, unique=("symptoms",)))],
)
def save_checkin(body: CheckInIn, diary: Diary = Depends(get_diary)) -> CheckInOut:
    with diary_errors("check-in"):
        return CheckInOut.of(diary.save_checkin(body.date, replace=True, **body.diary_values()))


@router.get(
    "/{day}",
    response_model=CheckInOut,
    responses=problem_responses(404, 422),
    summary="Get one day's check-in",
)
def get_checkin(day: IsoDate, diary: Diary = Depends(get_diary)) -> CheckInOut:
    with diary_errors():
        found = diary.get_checkin(day)
    if found is None:
        raise ApiError(404, "Not found", f"no check-in on {day}")
    return CheckInOut.of(found)


@router.put(
    "/{day}",
    response_model=CheckInOut,
    responses=problem_responses(422),
    summary="Save the check-in of a day (creates or replaces it)",
    dependencies=[Depends(strict_body(CheckInValues, unique=("symptoms",)))],
)
def put_checkin(day: IsoDate, body: CheckInValues, diary: Diary = Depends(get_diary)) -> CheckInOut:
    with diary_errors("check-in"):
        return CheckInOut.of(diary.save_checkin(day, replace=True, **body.diary_values()))


@router.delete(
    "/{day}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422),
    summary="Delete a day's check-in",
)
def delete_checkin(day: IsoDate, diary: Diary = Depends(get_diary)) -> Response:
    with diary_errors():
        diary.delete_checkin(day)
    return Response(status_code=204)
