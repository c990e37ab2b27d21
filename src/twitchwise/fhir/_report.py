"""The doctor report as a FHIR document: the same PDF `twitchwise report` writes, so a clinician's
system receives the one-page summary beside the data it was made from."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from ._build import Document

if TYPE_CHECKING:
    from twitchwise.diary import Diary


def report_document(diary: Diary, *, today: date | None = None) -> Document | None:
    """The default doctor report (the 90 days up to today) as a PDF Document, or None for a diary
    with nothing in it, where a report would only say so."""
    from twitchwise.report import build_report, render_pdf

    if diary.is_empty():
        return None
    report = build_report(diary, today=today)
    title = f"Report for the doctor, {report.start.isoformat()} to {report.end.isoformat()}"
    return Document(
        title=title,
        content_type="application/pdf",
        data=render_pdf(report),
        created=datetime.now(UTC).replace(microsecond=0),
        kind="Patient-generated symptom diary summary",
    )
