"""CRUD for twitch episodes: /api/v1/twitches."""

from __future__ import annotations

import binascii
from base64 import urlsafe_b64decode, urlsafe_b64encode
from datetime import datetime

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from twitchwise.diary import Diary, Twitch, twitch_position

from .._deps import get_diary
from .._problems import ApiError, FieldError, problem_responses
from ._errors import diary_errors
from ._models import TwitchIn, TwitchOut, TwitchPatch
from ._strict import IsoDate, strict_body

router = APIRouter(prefix="/twitches", tags=["twitches"])

TwitchId = Path(ge=1, le=2_147_483_647, description="the episode's id")


MAX_PAGE = 5000
PAGE_HEADERS = {
    "Link": {
        "description": 'the next page, `<...>; rel="next"`, when there may be more',
        "schema": {"type": "string"},
    },
    "X-Next-Cursor": {
        "description": "the `after` value of the next page, when there may be more",
        "schema": {"type": "string"},
    },
}


@router.get(
    "",
    response_model=list[TwitchOut],
    responses={200: {"headers": PAGE_HEADERS}, **problem_responses(422)},
    summary="List twitch episodes, a page at a time",
)
def list_twitches(
    request: Request,
    response: Response,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
    limit: int = Query(1000, ge=1, le=MAX_PAGE, description="episodes per page"),
    after: str | None = Query(
        None, max_length=200, description="cursor from the previous page's X-Next-Cursor"
    ),
    diary: Diary = Depends(get_diary),
) -> list[TwitchOut]:
    """Episodes whose local day is within [start, end] (both optional), oldest first, at most
    `limit` of them. When the page is full, `Link` (rel="next") and `X-Next-Cursor` say how to
    ask for the next one; each page costs the same however large the diary is."""
    page = diary.twitch_page(start, end, after=_read_cursor(after), limit=limit)
    if len(page) == limit:
        cursor = _cursor(page[-1])
        response.headers["X-Next-Cursor"] = cursor
        following = request.url.include_query_params(after=cursor)
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return [TwitchOut.of(t) for t in page]


def _cursor(twitch: Twitch) -> str:
    at, twitch_id = twitch_position(twitch)
    return urlsafe_b64encode(f"{at.isoformat()}|{twitch_id}".encode()).decode().rstrip("=")


def _read_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    if cursor is None:
        return None
    try:
        raw = urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, twitch_id = raw.split("|")
        return datetime.fromisoformat(at), int(twitch_id)
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ApiError(
            422,
            "Invalid input",
            "Please check: after.",
            [FieldError(field="after", message="is not a cursor this API gave", location="query")],
        ) from None


@router.post(
    "",
    response_model=TwitchOut,
    status_code=201,
    responses={
        201: {"description": "The episode was stored"},
        200: {
            "description": "An episode with this `client_id` was already stored (a retry): "
            "it is returned as it was, and nothing new is stored",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TwitchOut"}}},
        },
        **problem_responses(422),
    },
    summary="Log a twitch episode (send a client_id to make retries safe)",
    dependencies=[Depends(strict_body(TwitchIn))],
)
def add_twitch(body: TwitchIn, response: Response, diary: Diary = Depends(get_diary)) -> TwitchOut:
    with diary_errors("twitch"):
        twitch, stored = diary.add_twitch_once(
            body.site,
            body.time,
            intensity=body.intensity,
            count=body.count,
            duration_s=body.duration_s,
            note=body.note,
            client_id=body.client_id,
        )
    if not stored:  # a retry: the episode its first attempt stored, as it was
        response.status_code = 200
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
