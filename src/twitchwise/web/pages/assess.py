"""The assessment: one question per step, emergency signs first, back and forward, then the
result with the triage banner, the reasons, the likely causes and the plan, each with its source.

The interview's only state is its answers, carried between steps in a signed hidden field, so
the server keeps nothing between requests and a tampered form is refused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, Response
from itsdangerous import BadSignature, URLSafeSerializer

from twitchwise.diary import Diary, case_facts_from_diary
from twitchwise.engine.interview import AnswerError, Interview, Question, medicines_read

from .._bodymap import SITE_GROUPS, site_title
from .._deps import get_diary
from ._common import Form, redirect, render
from ._results import result_context

router = APIRouter()

PHASES = {
    "emergency": "Urgent signs first",
    "red_flags": "Warning signs",
    "history": "Your twitching",
    "lifestyle": "Everyday factors",
}


def _serializer(request: Request) -> URLSafeSerializer:
    return URLSafeSerializer(request.app.state.secret, salt="twitchwise-assessment")


def _load(request: Request, token: str) -> dict[str, Any]:
    try:
        state = _serializer(request).loads(token)
    except BadSignature:
        raise HTTPException(
            400, "This assessment could not be continued. Please start again."
        ) from None
    if not isinstance(state, dict):
        raise HTTPException(400, "This assessment could not be continued. Please start again.")
    return state


def _interview(state: dict[str, Any]) -> Interview:
    try:
        return Interview(answers=state.get("answers") or {}, known=state.get("known"))
    except AnswerError:
        raise HTTPException(
            400, "This assessment could not be continued. Please start again."
        ) from None


@router.get("/assess", response_class=HTMLResponse)
def assess_intro(request: Request, diary: Diary = Depends(get_diary)) -> HTMLResponse:
    facts = case_facts_from_diary(diary, date.today())
    return render(request, "assess_intro.html", "assess", facts=facts.facts)


@router.post("/assess/start", response_class=HTMLResponse)
async def assess_start(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    form = Form.of(await request.form())
    state: dict[str, Any] = {"answers": {}, "known": None, "facts": []}
    if form.values.get("from_diary") == "yes":
        facts = case_facts_from_diary(diary, date.today())
        state["known"] = facts.known or None
        state["facts"] = [f.sentence for f in facts.facts]
    return _step(request, diary, state, _interview(state))


@router.post("/assess/step", response_class=HTMLResponse)
async def assess_step(request: Request, diary: Diary = Depends(get_diary)) -> Response:
    data = await request.form()
    form = Form.of(data)
    state = _load(request, form.values.get("state", ""))
    interview = _interview(state)
    if form.values.get("action") == "back":
        if not interview.answers:
            return redirect("/assess")
        last_id, last = list(interview.answers.items())[-1]
        interview.back()
        again = interview.next_question()
        same = again is not None and again.id == last_id
        return _step(request, diary, state, interview, raw=last if same else None)
    question = interview.next_question()
    if question is not None and form.values.get("question") == question.id:
        raw: str | list[str] = (
            form.lists.get("answer", []) if question.kind in ("multi", "sites")
            else form.values.get("answer", "")
        )  # fmt: skip
        try:
            interview.answer(question.id, raw)
        except AnswerError as exc:
            return _step(request, diary, state, interview, error=_sentence(exc.message), raw=raw)
    return _step(request, diary, state, interview)


def _step(
    request: Request, diary: Diary, state: dict[str, Any], interview: Interview,
    error: str | None = None, raw: str | list[str] | None = None,
) -> Response:  # fmt: skip
    state = {**state, "answers": interview.answers}
    question = interview.next_question()
    if question is None:
        result = interview.assessment()
        record_id = diary.record_assessment(
            interview.told(), result.model_dump(mode="json"), origin="web"
        )
        return redirect(f"/assess/result/{record_id}")
    answered, total = interview.progress
    previous = raw if raw is not None else interview.answers.get(question.id)
    understood, unrecognised = medicines_read(interview)
    return render(
        request, "assess_step.html", "assess", 422 if error else 200,
        q=question, phase=PHASES.get(question.phase, ""), error=error,
        chosen=_chosen(question, previous), text=_text(previous),
        step=answered + 1, total=max(total, answered + 1),
        state=_serializer(request).dumps(state), facts=state.get("facts") or [],
        site_groups=SITE_GROUPS, site_title=site_title, can_go_back=bool(interview.answers),
        medicines_understood=understood, unrecognised=unrecognised,
    )  # fmt: skip


def _chosen(q: Question, previous: str | list[str] | None) -> set[str]:
    if previous is None:
        return set()
    return set(previous) if isinstance(previous, list) else {previous}


def _text(previous: str | list[str] | None) -> str:
    if previous is None or previous == "skip":
        return ""
    return ", ".join(previous) if isinstance(previous, list) else previous


def _sentence(message: str) -> str:
    message = message.strip()
    return (message[:1].upper() + message[1:]).rstrip(".") + "."


@router.get("/assess/result/{record_id}", response_class=HTMLResponse)
def assess_result(
    request: Request,
    record_id: int = Path(ge=1, le=2_147_483_647),
    diary: Diary = Depends(get_diary),
) -> HTMLResponse:
    record = next((r for r in diary.list_assessments(limit=None) if r.id == record_id), None)
    if record is None:
        raise HTTPException(404, "There is no such assessment in your diary.")
    return render(request, "assess_result.html", "assess", **result_context(record))
