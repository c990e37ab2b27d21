"""The Report page: the doctor report on screen (the same template as the PDF), with the reason
and question fields, printing only the report, and GET /report.pdf for the download.

The reason and question travel in the query string and are never stored.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from twitchwise.diary import Diary

from .._deps import get_diary
from ..api.report import pdf_download
from ._common import render

router = APIRouter()

FIELDS = {"from": "the first day", "to": "the last day"}


def _day(raw: str | None, name: str, errors: dict[str, str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors[name] = "Enter a date as YYYY-MM-DD."
        return None


@router.get("/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    reason: str = "",
    question: str = "",
    paper: str = "a4",
    diary: Diary = Depends(get_diary),
) -> HTMLResponse:
    from twitchwise.report import ReportError, build_report, render_fragment

    errors: dict[str, str] = {}
    first, last = _day(start, "from", errors), _day(end, "to", errors)
    report = None
    if not errors:
        try:
            report = build_report(diary, first, last, reason=reason, question=question)
        except ReportError as exc:
            errors[exc.field] = exc.message[0].upper() + exc.message[1:] + "."
    values = {"from": start or (report.start.isoformat() if report else ""),
              "to": end or (report.end.isoformat() if report else ""),
              "reason": reason, "question": question, "paper": paper}  # fmt: skip
    return render(
        request, "report.html", "report", 422 if errors else 200,
        body=render_fragment(report) if report else None, values=values, errors=errors,
    )  # fmt: skip


@router.get("/report.css")
def report_stylesheet() -> Response:
    """The report's own stylesheet, the one the PDF uses, so the page looks like the paper."""
    from twitchwise.report import report_css

    return Response(report_css(), media_type="text/css; charset=utf-8")


@router.get("/report.pdf")
def report_pdf(
    start: Annotated[str | None, Query(alias="from")] = None,
    end: Annotated[str | None, Query(alias="to")] = None,
    reason: str = "",
    question: str = "",
    paper: str = "a4",
    appendix: bool = False,
    diary: Diary = Depends(get_diary),
) -> Response:
    """The PDF download; a bad date is a 400 page naming the field."""
    from twitchwise.report import ReportError, build_report, render_pdf

    errors: dict[str, str] = {}
    first, last = _day(start, "from", errors), _day(end, "to", errors)
    if errors:
        raise HTTPException(400, "; ".join(f"{k}: {v}" for k, v in errors.items()))
    try:
        report = build_report(diary, first, last, reason=reason, question=question,
                              appendix=appendix)  # fmt: skip
        data = render_pdf(report, paper)
    except ReportError as exc:
        raise HTTPException(400, str(exc)) from exc
    return pdf_download(data, report.start, report.end)
