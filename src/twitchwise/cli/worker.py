"""`twitchwise worker`: run the imports that the server processes queue (PostgreSQL), and send
the Web Push reminders.

With several server processes (or machines) on one PostgreSQL, an uploaded export is queued in
the database and run here, so no server holds a job in its memory. On SQLite, the single-person
default, the web app runs imports itself and no worker is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ._app import app, settings
from ._errors import fail

if TYPE_CHECKING:
    from datetime import datetime

    from twitchwise.diary import Diary
    from twitchwise.jobs._worker import MinuteTask


@app.command()
def worker(
    ctx: typer.Context,
    concurrency: Annotated[
        int, typer.Option(min=1, max=16, help="How many imports to run at the same time.")
    ] = 1,
) -> None:
    """Run the imports queued by the server processes, and send the Web Push reminders, until
    Ctrl+C or SIGTERM (a running import is let finish first)."""
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
        reminders = _reminders(diary, config.push_contact)
        asyncio.run(run_worker(diary, concurrency=concurrency, every_minute=reminders))
    except KeyboardInterrupt:
        pass
    finally:
        diary.close()
    typer.echo("twitchwise worker stopped")


def _reminders(diary: Diary, contact: str) -> MinuteTask:
    """Each minute, the Web Push reminders due then, for every person (one worker sends them,
    however many run; the servers do not)."""
    from twitchwise.push_subscriptions import EveryonesSubscriptions
    from twitchwise.web._push import load_vapid, send_due

    store = EveryonesSubscriptions(diary.engine)
    vapid = load_vapid()

    async def send(at: datetime) -> None:
        await send_due(store, vapid, at, contact)

    return send
