"""Running one import job: the upload read back from the database, the export read whole, then
stored in one diary transaction (a damaged file writes nothing), the outcome on the job's row.

The same function runs in `twitchwise worker` (PostgreSQL, from the procrastinate queue) and in
a thread of the web app (SQLite, one person on one computer), so both take one code path.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from twitchwise.diary import DatabaseFailure, DiaryError
from twitchwise.importers import ImporterError, available_importers, detect_importer
from twitchwise.uploads import new_upload

from ._records import ImportJob, JobSummary
from ._store import JobStore

if TYPE_CHECKING:
    from twitchwise.diary import Diary

PROGRESS_EVERY_S = 0.25
"""Reading progress is written at most this often (a 2 GB export reports millions of steps)."""
SUFFIXES = (".zip", ".xml", ".db")


def run_import_job(diary: Diary, job_id: str) -> ImportJob | None:
    """Run `job_id` (of `diary`'s person) to its end; returns the ended job, or None when the
    person has no such job. A job that has already ended is left as it is (a retried task)."""
    store = JobStore.of(diary)
    job = store.get(job_id)
    if job is None or job.finished:
        return job
    suffix = Path(job.filename).suffix.lower()
    fd, path = new_upload(suffix if suffix in SUFFIXES else "")
    try:
        with os.fdopen(fd, "wb") as out:
            for data in store.chunks(job_id):
                out.write(data)
        _import(store, diary, job, path)
    except (DiaryError, DatabaseFailure) as exc:
        store.fail(job_id, _as_chosen(str(exc), path, job.filename))
    except Exception as exc:  # a job must always end, and say so, whatever the file held
        store.fail(job_id, f"the file could not be imported ({type(exc).__name__})")
    finally:
        path.unlink(missing_ok=True)
    return store.get(job_id)


def _import(store: JobStore, diary: Diary, job: ImportJob, path: Path) -> None:
    last = 0.0

    def progress(done: int, total: int | None) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_S:
            last = now
            store.progress(job.id, done, total)

    try:
        importer = detect_importer(path)
        if importer is None:
            known = ", ".join(i.label for i in available_importers())
            raise ImporterError(f"{job.filename} is not an export twitchwise recognises ({known})")
        store.reading(job.id, kind=importer.name, label=importer.label)
        result = importer.read(path, progress)
        store.storing(job.id)
        stats = diary.import_day_values(result.values, source=importer.name)
    except ImporterError as exc:
        store.fail(job.id, _as_chosen(str(exc), path, job.filename))
        return
    store.finish(job.id, JobSummary.of(result.summary, stats))


def _as_chosen(message: str, path: Path, filename: str) -> str:
    """The error with the file the person chose in place of the upload's private name."""
    return message.replace(str(path), filename).replace(path.name, filename)
