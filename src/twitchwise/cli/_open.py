"""Opening the person's diary for a command: the one place every diary command gets it from."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from twitchwise.diary._errors import DatabaseFailure, DiaryError

from ._app import as_email, db_url

if TYPE_CHECKING:
    from twitchwise.diary import Diary
from ._errors import fail


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
