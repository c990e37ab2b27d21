"""`twitchwise report`: the one-page report for a doctor, as PDF (default) or HTML.

Thin: parse the options, call twitchwise.report, write the file. Heavy imports (the diary,
WeasyPrint) happen inside the command so `twitchwise --help` stays fast.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from ._app import app
from ._errors import fail


def _day(raw: str | None, option: str) -> date | None:
    if raw is None:
        return None
    if raw.strip().lower() == "today":
        return date.today()
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        fail(f"{option}: {raw!r} is not a day; use YYYY-MM-DD or today")


def _out(raw: Path | None, today: date) -> tuple[Path, str]:
    path = raw or Path(f"twitchwise-report-{today.isoformat()}.pdf")
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("pdf", "html"):
        fail(f"--out: {str(path)!r} must end in .pdf or .html")
    return path, kind


@app.command("report")
def report_command(
    ctx: typer.Context,
    start: Annotated[
        str | None,
        typer.Option("--from", help="First day (YYYY-MM-DD); default: 90 days before --to."),
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="Last day (YYYY-MM-DD or today); default: today.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="File to write, .pdf or .html (default twitchwise-report-DATE.pdf)."
        ),
    ] = None,
    paper: Annotated[str, typer.Option("--paper", help="Paper size: a4 or letter.")] = "a4",
    appendix: Annotated[
        bool, typer.Option("--appendix", help="Add the day-by-day table on further pages.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Your reason for the visit, in a sentence.")
    ] = None,
    question: Annotated[
        str | None, typer.Option("--question", help="Your question for the doctor.")
    ] = None,
) -> None:
    """Make the one-page report to bring to your doctor (patient-generated, not a diagnosis)."""
    from twitchwise.report import ReportError, build_report, paper_size, render_html, render_pdf

    from ._open import open_diary

    today = date.today()
    first, last = _day(start, "--from"), _day(end, "--to")
    path, kind = _out(out, today)
    options = {"from": "--from", "to": "--to", "paper": "--paper",
               "reason": "--reason", "question": "--question"}  # fmt: skip
    try:
        paper_size(paper)
        with open_diary(ctx) as diary:
            report = build_report(diary, first, last, reason=reason, question=question,
                                  appendix=appendix, today=today)  # fmt: skip
        data = render_pdf(report, paper) if kind == "pdf" else render_html(report, paper).encode()
    except ReportError as exc:
        fail(f"{options.get(exc.field, exc.field)}: {exc.message}")
    try:
        path.write_bytes(data)
    except OSError as exc:
        fail(f"--out: cannot write {str(path)!r}: {exc.strerror or exc}")
    typer.echo(f"Wrote {path} ({report.start} to {report.end}).")
