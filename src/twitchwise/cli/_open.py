"""Opening the person's diary for a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from twitchwise.diary._errors import DatabaseFailure, DiaryError

from ._app import db_url

if TYPE_CHECKING:
    from twitchwise.diary import Diary
from ._errors import fail


@contextmanager
def open_diary(ctx: typer.Context) -> Iterator[Diary]:
    """The diary of `--db`/TWITCHWISE_DB; any DiaryError becomes one clear line and exit 2."""
    from twitchwise.diary import Diary

    try:
        with Diary.open(db_url(ctx)) as diary:
            yield diary
    except (DiaryError, DatabaseFailure) as exc:
        fail(str(exc))
