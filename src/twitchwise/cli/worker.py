"""`twitchwise worker`: run the imports that the server processes queue (PostgreSQL).

With several server processes (or machines) on one PostgreSQL, an uploaded export is queued in
the database and run here, so no server holds a job in its memory. On SQLite, the single-person
default, the web app runs imports itself and no worker is needed.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ._app import app, settings
from ._errors import fail


@app.command()
def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int, typer.Option(min=1, max=16, help="How many imports to run at the same time.")
    ] = 1,
) -> None:
    """Run the imports queued by the server processes until Ctrl+C or SIGTERM (a running
    import is let finish first)."""
    import asyncio
    import logging

    from twitchwise.diary import Diary, DiaryError
    from twitchwise.jobs._queue import is_queued

    config = settings(ctx)
    if not is_queued(config.db):
        fail(
            "twitchwise worker needs a PostgreSQL database (--db postgresql+psycopg://...); "
            "with SQLite the web app runs imports itself, so no worker is needed."
        )
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        diary = Diary.open(config.db)
    except DiaryError as exc:
        fail(str(exc))
    from twitchwise.jobs._worker import run_worker

    typer.echo("twitchwise worker is running imports (press Ctrl+C to stop)")
    try:
        asyncio.run(run_worker(diary, concurrency=concurrency))
    except KeyboardInterrupt:
        pass
    finally:
        diary.close()
    typer.echo("twitchwise worker stopped")
