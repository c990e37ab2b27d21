"""What every page module shares: rendering, form reading and field errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData, UploadFile

from twitchwise.diary import DiaryError

from .._security import CSRF_FIELD


def render(
    request: Request, template: str, page: str | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """Render a page; `page` marks the current item of the navigation."""
    templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(
        request, template, {"page": page, **context}, status_code=status
    )
    return response


def is_htmx(request: Request) -> bool:
    """True for requests htmx sends, which want a fragment rather than a whole page."""
    return request.headers.get("HX-Request") == "true"


def redirect(url: str) -> RedirectResponse:
    """Post/redirect/get: 303 so a reload never posts the form twice."""
    return RedirectResponse(url, status_code=303)


async def removed_or_404(remove: Callable[[], object], missing: str, done: str) -> Response:
    """Run `remove` (taking away one of the signed-in person's own things) off the event loop,
    then back to the Account page saying `done`; an id that is not theirs (`AccountError`) is a
    404 saying `missing`, whoever's it is."""
    from starlette.concurrency import run_in_threadpool
    from starlette.exceptions import HTTPException

    from twitchwise.accounts import AccountError

    try:
        await run_in_threadpool(remove)
    except AccountError:
        raise HTTPException(404, missing) from None
    return redirect(f"/account?done={done}")


@dataclass
class Form:
    """A posted form as strings, plus the errors found while reading it, keyed by field."""

    values: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, data: FormData) -> Form:
        values: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for key, value in data.multi_items():
            if key == CSRF_FIELD or isinstance(value, UploadFile):
                continue
            values.setdefault(key, value.strip())
            lists.setdefault(key, []).append(value.strip())
        return cls(values, lists)

    def text(self, name: str, max_length: int = 2000) -> str | None:
        value = self.values.get(name, "")
        if len(value) > max_length:
            self.errors[name] = f"Keep this under {max_length} characters."
            return None
        return value or None

    def number(
        self, name: str, minimum: float | None = None, maximum: float | None = None
    ) -> float | None:
        raw = self.values.get(name, "").replace(",", ".")
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.errors[name] = "Enter a number, or leave it empty if you don't know."
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.errors[name] = "Enter a number, or leave it empty if you don't know."
        elif minimum is not None and value < minimum:
            self.errors[name] = f"Enter {minimum:g} or more."
        elif maximum is not None and value > maximum:
            self.errors[name] = f"Enter {maximum:g} or less."
        else:
            return value
        return None

    def integer(
        self, name: str, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        value = self.number(name, minimum, maximum)
        if value is None:
            return None
        if not value.is_integer():
            self.errors[name] = "Enter a whole number."
            return None
        return int(value)

    def add_diary_error(self, exc: DiaryError, fields: Mapping[str, str] | None = None) -> None:
        """Show each of the diary's problems next to the form field it names."""
        for problem in exc.problems:
            name = (fields or {}).get(problem.field, problem.field)
            self.errors.setdefault(name, _sentence(problem.message))


def _sentence(message: str) -> str:
    message = message.strip()
    if not message:
        return "This value is not valid."
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."
