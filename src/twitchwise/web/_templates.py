"""The Jinja2 environment: templates, filters and the helpers every page uses."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from twitchwise.engine._vocab import site_label

from ._metrics import in_words, metric_label
from ._overlap import diary_overlaps
from ._security import CSRF_FIELD

HERE = Path(__file__).parent
TEMPLATES_DIR = HERE / "templates"
STATIC_DIR = HERE / "static"
VENDOR_DIR = STATIC_DIR / "vendor"

TRIAGE_LABELS = {
    "self_care": "Self-care",
    "doctor": "See a doctor",
    "urgent": "See a doctor today",
    "emergency": "Emergency",
}

NAV = [
    ("home", "/", "Home"),
    ("log", "/log", "Log"),
    ("checkin", "/checkin", "Check-in"),
    ("diary", "/diary", "Diary"),
    ("assess", "/assess", "Assess"),
    ("insights", "/insights", "Insights"),
    ("experiment", "/experiment", "Experiment"),
    ("import", "/import", "Import"),
    ("data", "/data", "Your data"),
    ("report", "/report", "Report"),
]


def csrf_input(request: Request) -> Markup:
    """The hidden form field that proves a post came from one of our own pages."""
    token = getattr(request.state, "csrf_token", "")
    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(token)}">')


def signed_in(request: Request) -> Any:
    """Who is signed in (a SignedIn), or None: accounts off, or nobody yet."""
    return getattr(request.state, "signed_in", None)


def accounts_on(request: Request) -> bool:
    return bool(request.app.state.settings.accounts)


def nice_date(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value:%a} {value.day} {value:%b %Y}"


def nice_time(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value:%H:%M}"


def number(value: float | int | None, digits: int = 1) -> str:
    if value is None or value != value:  # NaN is unknown
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.{digits}f}"


@cache
def vendor_versions() -> dict[str, Any]:
    """Versions of the vendored front-end libraries (written by `make assets`)."""
    try:
        data: dict[str, Any] = json.loads((VENDOR_DIR / "VERSIONS.json").read_text("utf-8"))
    except FileNotFoundError:
        return {}
    return data


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.filters.update(
        site_label=site_label,
        nice_date=nice_date,
        nice_time=nice_time,
        number=number,
        triage_label=lambda t: TRIAGE_LABELS.get(str(t), str(t)),
        metric_label=metric_label,
        in_words=in_words,
    )
    env.globals.update(csrf_input=csrf_input, nav=NAV, vendor_versions=vendor_versions)
    env.globals.update(diary_overlaps=diary_overlaps)
    env.globals.update(signed_in=signed_in, accounts_on=accounts_on)
    return templates
