"""Opening the person's diary for a command: the one place every diary command gets it from."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

import typer

from twitchwise.diary._errors import DatabaseFailure, DiaryError

from ._app import as_email, db_url
from ._errors import fail

if TYPE_CHECKING:
    from twitchwise.diary import DayValue, Diary, ImportStats

T = TypeVar("T")


def quickly(
    ctx: typer.Context, action: Callable[[ModuleType], T | None], *, failure: str = ""
) -> T | None:
    """`action` on `twitchwise.diary._quick`: a SQLite diary is written without loading
    SQLAlchemy; None means the quick path did not apply and nothing was written.
    With `--as` it never applies: finding the account is the Diary's (`open_diary`).
    A DiaryError becomes one line (after `failure`) and exit 2, as in `open_diary`."""
    if as_email(ctx) is not None:
        return None
    from twitchwise.diary import _quick

    try:
        return action(_quick)
    except (DiaryError, DatabaseFailure) as exc:
        fail(f"{failure}{exc}")


@contextmanager
def open_diary(ctx: typer.Context, *, failure: str = "") -> Iterator[Diary]:
    """The diary of `--db`/TWITCHWISE_DB: the account `--as` names, else the local person's.

    Any DiaryError becomes one clear line (after `failure`, e.g. "nothing was imported: ")
    and exit 2; an unknown `--as` email too, before anything is read or written.
    """
    from twitchwise.diary import Diary

    try:
        with Diary.open(db_url(ctx)) as diary:
            yield as_person(ctx, diary)
    except (DiaryError, DatabaseFailure) as exc:
        fail(f"{failure}{exc}")


def as_person(ctx: typer.Context, diary: Diary) -> Diary:
    """`diary` as the account `--as` names (a view on the same connections), else itself."""
    email = as_email(ctx)
    return diary if email is None else diary.for_person(_person_id(diary, email))


def _person_id(diary: Diary, email: str) -> int:
    """The id of the account `email` in the diary's database, or one line naming `--as`."""
    from twitchwise.accounts import AccountError, Accounts

    try:
        return Accounts(diary.engine).require(email).id
    except AccountError as exc:
        fail(f"--as: {exc.message}")


def quick_applies(ctx: typer.Context) -> bool:
    """Whether `quickly` will try the quick path: a plain SQLite file and no `--as`."""
    from twitchwise.diary._quick import sqlite_path

    return as_email(ctx) is None and sqlite_path(db_url(ctx)) is not None


def store_import(
    ctx: typer.Context,
    values: Sequence[DayValue],
    source: str,
    opened: Diary | Exception | None = None,
) -> ImportStats:
    """An import's values into the person's diary, all or nothing: through the quick path for a
    SQLite diary, else through `Diary` (the one the caller `opened` while reading, or the error
    opening it). Any failure is one line after "nothing was imported: " and exit 2."""
    failure = "nothing was imported: "
    if opened is None:
        stats: ImportStats | None = quickly(
            ctx, lambda quick: quick.import_day_values(db_url(ctx), values, source), failure=failure
        )
        if stats is not None:
            return stats
        with open_diary(ctx, failure=failure) as diary:
            return diary.import_day_values(values, source=source)
    if isinstance(opened, Exception):
        fail(f"{failure}{opened}")
    try:
        with opened as diary:
            return as_person(ctx, diary).import_day_values(values, source=source)
    except DiaryError as exc:
        fail(f"{failure}{exc}")
