"""Opening the person's diary for a command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from twitchwise.diary import DatabaseFailure, Diary, DiaryError

from ._app import settings
from ._errors import fail


@contextmanager
def open_diary(ctx: typer.Context) -> Iterator[Diary]:
    """The diary of `--db`/TWITCHWISE_DB; any DiaryError becomes one clear line and exit 2."""
    try:
        with Diary.open(settings(ctx).db) as diary:
            yield diary
    except (DiaryError, DatabaseFailure) as exc:
        fail(str(exc))
