"""Opening the person's diary for a command: the one place every diary command gets it from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, TypeVar

import typer

from twitchwise.diary._errors import DatabaseFailure, DiaryError

from ._app import as_email, db_url
from ._errors import fail

if TYPE_CHECKING:
    from twitchwise.diary import Diary

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
