"""GET /api/v1/report.pdf: the one-page doctor report as a PDF (the same as the CLI's and the
Report page's, from the same function)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from twitchwise.diary import Diary

from .._deps import get_diary
from .._problems import ApiError, FieldError, problem_responses
from ._strict import IsoDate

router = APIRouter(tags=["report"])

PDF_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        "description": "The report as PDF: one page, plus the day-by-day appendix if asked",
    },
    **problem_responses(422),
}


def pdf_download(data: bytes, start: date, end: date) -> Response:
    """A PDF response whose file name says the period."""
    name = f"twitchwise-report-{start.isoformat()}-to-{end.isoformat()}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


FromDay = Annotated[
    IsoDate | None, Query(alias="from", description="first day; default: 90 days before `to`")
]
ToDay = Annotated[IsoDate | None, Query(alias="to", description="last day; default: today")]
Text = Annotated[str | None, Query(max_length=500, description="typed by the person; not stored")]


@router.get(
    "/report.pdf",
    response_class=Response,
    responses=PDF_RESPONSE,
    summary="The doctor report as PDF",
)
def report_pdf(
    start: FromDay = None,
    end: ToDay = None,
    paper: Annotated[Literal["a4", "letter"], Query(description="paper size")] = "a4",
    appendix: Annotated[bool, Query(description="add the day-by-day table")] = False,
    reason: Text = None,
    question: Text = None,
    diary: Diary = Depends(get_diary),
) -> Response:
    """One page a GP or neurologist can read in a minute: red-flag screen, timeline and burden,
    exposures, associations, self-experiments and provenance. Patient-generated, not a
    diagnosis. Nothing typed here is stored."""
    from twitchwise.report import ReportError, build_report, render_pdf

    try:
        report = build_report(diary, start, end, reason=reason, question=question,
                              appendix=appendix)  # fmt: skip
    except ReportError as exc:
        error = FieldError(field=exc.field, message=exc.message, location="query")
        raise ApiError(422, "Invalid input", f"Please check: {exc.field}.", [error]) from exc
    return pdf_download(render_pdf(report, paper), report.start, report.end)
