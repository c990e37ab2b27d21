"""GET /api/v1/health: is the server up and does the diary's database answer?"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from twitchwise.diary import Diary

from .._deps import get_database
from .._problems import problem_responses

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get(
    "/health",
    response_model=Health,
    responses=problem_responses(503),
    summary="Is the server up and the diary reachable?",
)
def health(diary: Diary = Depends(get_database)) -> Health:
    """`ok` only when the database answers; a 503 with Retry-After when it does not."""
    diary.ping()
    return Health()
