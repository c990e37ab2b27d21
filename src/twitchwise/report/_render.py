"""Laying the report out: one Jinja2 template for the web page and the PDF, PDF by WeasyPrint.

`render_fragment` gives the report's <article> for the web page; `render_html` the standalone
document (the same article inside a page with the report's CSS and metadata); `render_pdf` that
document as PDF bytes with its fonts embedded, tagged for screen readers.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib.resources import files
from typing import Literal

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from twitchwise._vocab import site_label

from ._days import APPENDIX_COLUMNS
from ._model import Report, ReportError
from ._svg import body_marks, week_chart

Paper = Literal["a4", "letter"]
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}


def _day(value: date | None) -> str:
    return "unknown" if value is None else f"{value.day} {value:%b %Y}"


def _num(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text and digits == 1 else text


def _plural(n: int, noun: str, nouns: str | None = None) -> str:
    """`3 | plural('day')` -> "3 days"; `1 | plural('twitch', 'twitches')` -> "1 twitch"."""
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("twitchwise.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(day=_day, num=_num, site=site_label, plural=_plural)
    return env


def report_css() -> str:
    """The report's stylesheet (the web page serves it too, so screen and PDF look alike)."""
    return files("twitchwise.report").joinpath("report.css").read_text(encoding="utf-8")


def paper_size(paper: str) -> str:
    try:
        return PAPERS[paper.lower()]
    except (KeyError, AttributeError):
        raise ReportError("paper", f"{paper!r} is not a paper size; use a4 or letter") from None


def render_fragment(report: Report) -> Markup:
    """The report's <article>, escaped and ready to place in a page."""
    template = _env().get_template("report.html")
    return Markup(
        template.render(
            report=report,
            chart=week_chart(report.burden.weeks),
            marks=body_marks(report.burden.sites),
            columns=APPENDIX_COLUMNS,
        )
    )


def render_html(report: Report, paper: str = "a4") -> str:
    """The standalone HTML document the PDF is made from (open it in a browser to print)."""
    return _env().get_template("document.html").render(
        report=report, paper=paper_size(paper), css=Markup(report_css()),
        body=render_fragment(report),
    )  # fmt: skip


def render_pdf(report: Report, paper: str = "a4") -> bytes:
    """The report as a PDF: fonts embedded (subset), text selectable, tagged, with metadata."""
    from weasyprint import HTML

    html = render_html(report, paper)
    pdf: bytes = HTML(string=html).write_pdf(pdf_tags=True)
    return pdf
