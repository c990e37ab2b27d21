"""CRUD for twitch episodes: /api/v1/twitches."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Response

from twitchwise.diary import Diary

from .._deps import get_diary
from .._problems import problem_responses
from ._errors import diary_errors
from ._models import TwitchIn, TwitchOut, TwitchPatch
from ._strict import IsoDate, strict_body

router = APIRouter(prefix="/twitches", tags=["twitches"])

TwitchId = Path(ge=1, le=2_147_483_647, description="the episode's id")


@router.get(
    "",
    response_model=list[TwitchOut],
    responses=problem_responses(422),
    summary="List twitch episodes",
)
def list_twitches(
    start: IsoDate | None = None, end: IsoDate | None = None, diary: Diary = Depends(get_diary)
) -> list[TwitchOut]:
    """Episodes whose local day is within [start, end] (both optional), oldest first."""
    return [TwitchOut.of(t) for t in diary.list_twitches(start, end)]


@router.post(
    "",
    response_model=TwitchOut,
    status_code=201,
    responses=problem_responses(422),
    summary="Log a twitch episode",
    dependencies=[Depends(strict_body(TwitchIn))],
)
def add_twitch(body: TwitchIn, diary: Diary = Depends(get_diary)) -> TwitchOut:
    with diary_errors("twitch"):
        twitch = diary.add_twitch(
            body.site,
            body.time,
            intensity=body.intensity,
            count=body.count,
            duration_s=body.duration_s,
            note=body.note,
        )
    return TwitchOut.of(twitch)


@router.get(
    "/{twitch_id}",
    response_model=TwitchOut,
    responses=problem_responses(404, 422),
    summary="Get one episode",
)
def get_twitch(twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)) -> TwitchOut:
    with diary_errors():
        return TwitchOut.of(diary.get_twitch(twitch_id))


@router.patch(
    "/{twitch_id}",
    response_model=TwitchOut,
    responses=problem_responses(404, 422),
    summary="Change an episode",
    dependencies=[Depends(strict_body(TwitchPatch))],
)
def update_twitch(
    body: TwitchPatch, twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)
) -> TwitchOut:
    changes = body.model_dump(exclude_unset=True)
    for required in ("time", "site", "count"):
        if required in changes and changes[required] is None:
            changes.pop(required)
    with diary_errors("twitch"):
        return TwitchOut.of(diary.update_twitch(twitch_id, **changes))


@router.delete(
    "/{twitch_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 422),
    summary="Delete an episode",
)
def delete_twitch(twitch_id: int = TwitchId, diary: Diary = Depends(get_diary)) -> Response:
    with diary_errors():
        diary.delete_twitch(twitch_id)
    return Response(status_code=204)
