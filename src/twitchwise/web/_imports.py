"""Imports run as background jobs so the page can show reading progress.

The job and the upload live in the database (`twitchwise.jobs`), not in this process: any server
process can answer for a job's progress, and on PostgreSQL the job is run by `twitchwise worker`
from the task queue (procrastinate). On SQLite, the single-person default, this app runs the same
job function in a thread of its own. A job reads the whole export first (the importer writes
nothing), then stores every value in one diary transaction: a damaged file changes nothing. The
upload's copies (a private temporary file while it arrives, then its chunks in the database) are
deleted when the job ends. The kind of export is recognised by content, whatever its name.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from starlette.concurrency import run_in_threadpool

from twitchwise.jobs import ImportJob, JobStore, run_import_job
from twitchwise.jobs._store import fail_interrupted
from twitchwise.uploads import new_upload

if TYPE_CHECKING:
    from twitchwise.diary import Diary
    from twitchwise.settings import Settings

WAIT_WITHOUT_JS_S = 300.0
"""A browser without JavaScript waits this long for the result page, then gets the progress page."""


def upload_limit(settings: Settings) -> int:
    """Largest upload in bytes (the `max_upload_mb` setting, TWITCHWISE_MAX_UPLOAD_MB)."""
    return settings.max_upload_mb * 1024 * 1024


def save_upload(source: BinaryIO, filename: str) -> Path:
    """Copy an uploaded file to a private temporary file (0600; the importers read a path)."""
    suffix = Path(filename).suffix.lower()
    fd, name = new_upload(suffix if suffix in (".zip", ".xml", ".db") else "")
    try:
        with os.fdopen(fd, "wb") as out:
            source.seek(0)
            shutil.copyfileobj(source, out, 1024 * 1024)
    except BaseException:
        name.unlink(missing_ok=True)
        raise
    return name


class ImportRunner:
    """Starts import jobs: on the task queue (PostgreSQL) or in a thread here (SQLite)."""

    def __init__(self, diary: Diary) -> None:
        from twitchwise.jobs._queue import ensure_schema, is_queued

        self.queued = is_queued(diary.url)
        self._url = diary.url
        self._queue: Any = None
        self._opening = asyncio.Lock()
        if self.queued:
            ensure_schema(diary.url)
        elif diary.engine.url.database not in (None, "", ":memory:"):
            fail_interrupted(diary.engine)  # their threads ended with the app's last run

    async def submit(
        self,
        diary: Diary,
        path: Path,
        filename: str,
        *,
        kind: str | None = None,
        label: str | None = None,
    ) -> ImportJob:
        """Store the upload at `path` as a job's chunks (then remove the file) and start it."""
        store = JobStore.of(diary)
        try:
            job_id = await run_in_threadpool(store.new, filename, kind=kind, label=label)
            try:
                await run_in_threadpool(store.store_file, job_id, path)
                await run_in_threadpool(store.queued, job_id)
            except BaseException:
                await run_in_threadpool(store.discard, job_id)
                raise
        finally:
            path.unlink(missing_ok=True)
        await self._start(diary, job_id)
        job = await run_in_threadpool(store.get, job_id)
        assert job is not None, "a job just made is there"
        return job

    async def _start(self, diary: Diary, job_id: str) -> None:
        if not self.queued:
            threading.Thread(target=run_import_job, args=(diary, job_id), daemon=True).start()
            return
        from twitchwise.jobs._queue import defer_import

        await defer_import(await self._open(), job_id, diary.person_id)

    async def _open(self) -> Any:
        async with self._opening:
            if self._queue is None:
                from twitchwise.jobs._queue import make_queue

                queue = make_queue(self._url, min_size=1, max_size=4)
                await queue.open_async()
                self._queue = queue
            return self._queue

    async def close(self) -> None:
        if self._queue is not None:
            await self._queue.close_async()
            self._queue = None


def runner_of(state: object) -> ImportRunner:
    """The app's import runner (made by `create_app`, kept on `app.state`)."""
    runner = getattr(state, "import_runner", None)
    assert isinstance(runner, ImportRunner), "create_app makes the import runner"
    return runner


def get_job(diary: Diary, job_id: str) -> ImportJob | None:
    """The signed-in person's job `job_id`, or None (another person's is not found either)."""
    return JobStore.of(diary).get(job_id)


async def wait_for_end(
    diary: Diary, job_id: str, timeout_s: float = WAIT_WITHOUT_JS_S
) -> ImportJob:
    """Poll the job until it has ended or `timeout_s` has passed; the job as it is then."""
    deadline = time.monotonic() + timeout_s
    delay = 0.05
    while True:
        job = await run_in_threadpool(get_job, diary, job_id)
        assert job is not None, "the person's own job is there until they start 20 more"
        if job.finished or time.monotonic() >= deadline:
            return job
        await asyncio.sleep(delay)
        delay = min(1.0, delay * 1.5)
