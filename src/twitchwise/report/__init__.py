"""The doctor report: one page a GP or neurologist can read in a minute.

`build_report(diary, start, end, ...)` gathers the figures with the app's own functions (the
engine, the diary, the statistics); `render_html` / `render_pdf` lay them out with one template,
so the web page, the CLI's file and the API's PDF always agree.
"""

from __future__ import annotations

from ._build import DEFAULT_DAYS, build_report, period
from ._model import FlagLine, Report, ReportError
from ._render import PAPERS, paper_size, render_fragment, render_html, render_pdf, report_css

__all__ = [
    "DEFAULT_DAYS",
    "PAPERS",
    "FlagLine",
    "Report",
    "ReportError",
    "build_report",
    "paper_size",
    "period",
    "render_fragment",
    "render_html",
    "render_pdf",
    "report_css",
]
