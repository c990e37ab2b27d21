"""Turning the diary's refusals into problem details."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from twitchwise.diary import DiaryError, NotFoundError

from .._problems import ApiError, FieldError


@contextmanager
def diary_errors(what: str = "entry") -> Iterator[None]:
    """Diary refusals as 422 (naming each field) and missing entries as 404."""
    try:
        yield
    except NotFoundError as exc:
        raise ApiError(404, "Not found", exc.problems[0].message) from None
    except DiaryError as exc:
        errors = [FieldError(field=p.field, message=p.message) for p in exc.problems]
        names = ", ".join(dict.fromkeys(e.field for e in errors))
        raise ApiError(
            422, "Invalid input", f"The {what} was not saved. Please check: {names}.", errors
        ) from None
    except OverflowError:
        raise ApiError(
            422,
            "Invalid input",
            "A date or time is out of range.",
            [FieldError(field="time", message="is out of range")],
        ) from None
