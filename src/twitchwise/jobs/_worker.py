"""`twitchwise worker`'s loop: run the queued imports until told to stop (Ctrl+C, SIGTERM).

procrastinate's worker does the fetching, the heartbeat and a clean stop (it lets the running
import end before it exits); here the queue's tables are made if needed and the imports of
workers that died are handed back (see `_queue.py`) before the first job is taken.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ._queue import STALLED_AFTER_S, ensure_schema, make_queue, recover_stalled

if TYPE_CHECKING:
    import procrastinate

    from twitchwise.diary import Diary

log = logging.getLogger(__name__)

MinuteTask = Callable[[datetime], Awaitable[Any]]
"""Run with the minute it is for (local time), however late the job starts."""


async def run_worker(
    diary: Diary,
    *,
    wait: bool = True,
    concurrency: int = 1,
    every_minute: MinuteTask | None = None,
    install_signal_handlers: bool = True,
    on_ready: Callable[[procrastinate.App], None] | None = None,
    **options: Any,
) -> None:
    """Run the import queue of `diary`'s database. `wait=False` ends once the queue is empty
    (tests); `every_minute` runs once a minute in one worker only, whatever their number (the
    Web Push reminders)."""
    ensure_schema(diary.url)
    queue = make_queue(diary.url, diary, min_size=1, max_size=concurrency + 3)
    if every_minute is not None:
        _add_minute_task(queue, every_minute)
    async with queue.open_async():
        recovered = await recover_stalled(queue)
        if recovered:
            log.warning("%d import(s) of a stopped worker were queued again.", recovered)
        if on_ready is not None:
            on_ready(queue)
        await queue.run_worker_async(
            wait=wait,
            concurrency=concurrency,
            install_signal_handlers=install_signal_handlers,
            stalled_worker_timeout=STALLED_AFTER_S,
            delete_jobs="successful",
            **options,
        )


def _add_minute_task(queue: procrastinate.App, step: MinuteTask) -> None:
    """A periodic task: procrastinate defers each minute's run once, across every worker."""

    @queue.periodic(cron="* * * * *")
    @queue.task(name="twitchwise.every_minute", queue="timers")
    async def every_minute(timestamp: int) -> None:
        await step(datetime.fromtimestamp(timestamp))
