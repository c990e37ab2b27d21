"""POST /api/v1/assess: a case in the case format, the assessment out."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from twitchwise.diary import Diary
from twitchwise.engine import Assessment, Case, CaseJSONError, assess, loads_case_json

from .._deps import get_diary
from .._problems import problem_responses

router = APIRouter(tags=["assessment"])


async def refuse_ambiguous_json(request: Request) -> None:
    """A repeated key (the second `symptoms` would silently win and could drop an emergency
    symptom), NaN/Infinity or absurd nesting is refused, naming the problem."""
    try:
        loads_case_json((await request.body()).decode("utf-8", errors="replace"))
    except CaseJSONError as exc:
        raise RequestValidationError(
            [{"loc": ("body", exc.key) if exc.key else ("body",), "msg": str(exc), "type": "json"}]
        ) from None
    except (json.JSONDecodeError, RecursionError):
        return  # FastAPI reports a syntax error itself


@router.post(
    "/assess",
    response_model=Assessment,
    responses=problem_responses(422),
    summary="Assess a case: triage, red flags, likely causes and a plan",
    dependencies=[Depends(refuse_ambiguous_json)],
)
async def assess_case(
    case: Case, record: bool = False, diary: Diary = Depends(get_diary)
) -> Response:
    """Judge a case (docs/reference/case-format.md). Unknown keys, unknown ids, wrong types and
    impossible values are refused with a 422 naming each field; nothing is guessed.

    With `record=true` the assessment is also kept in this install's diary history (as if the
    person had taken it in the app); by default the API only answers.

    `Case` is strict on its own (numbers and booleans are not coerced, a symptom listed twice is
    refused), so no second validation pass is needed; the result is serialised once, directly.
    """
    result = assess(case)
    if record:
        diary.record_assessment(
            case.model_dump(mode="json"), result.model_dump(mode="json"), origin="api"
        )
    return Response(result.model_dump_json(), media_type="application/json")
