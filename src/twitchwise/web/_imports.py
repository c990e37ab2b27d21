"""Imports run as background jobs so the page can show reading progress.

A job reads the whole uploaded export first (the importer writes nothing), then stores every
value in one diary transaction: a damaged file changes nothing. Jobs live in memory only while
the app runs; the uploaded copy is deleted when the job ends. The kind of export (Apple Health,
Health Connect, Fitbit, Garmin) is recognised by content, whatever the file is called.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from twitchwise.diary import DatabaseFailure, Diary, DiaryError, ImportStats
from twitchwise.importers import (
    Importer,
    ImporterError,
    ImportResult,
    available_importers,
    detect_importer,
)
from twitchwise.uploads import new_upload

if TYPE_CHECKING:
    from twitchwise.settings import Settings

MAX_JOBS = 20


@dataclass
class ImportJob:
    id: str
    filename: str
    done: int = 0
    total: int | None = None
    state: str = "reading"  # reading | storing | finished | failed
    error: str | None = None
    result: ImportResult | None = None
    stats: ImportStats | None = None
    label: str | None = None
    """Which kind of export the file turned out to be (found by content)."""
    kind: str | None = None
    """The importer's name (`health-connect`), which is also the diary's import source."""
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    @property
    def finished(self) -> bool:
        return self.state in ("finished", "failed")


class ImportJobs:
    """The jobs of one app."""

    def __init__(self) -> None:
        self._jobs: dict[str, ImportJob] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def new(self, filename: str) -> ImportJob:
        job = ImportJob(secrets.token_urlsafe(12), filename)
        with self._lock:
            finished = [k for k, j in self._jobs.items() if j.finished]
            for key in finished[: max(0, len(self._jobs) - MAX_JOBS + 1)]:
                del self._jobs[key]
            self._jobs[job.id] = job
        return job


def jobs_of(state: object) -> ImportJobs:
    """The app's jobs (kept on `app.state`), shared by the Import page and the API."""
    jobs = getattr(state, "import_jobs", None)
    if not isinstance(jobs, ImportJobs):
        jobs = ImportJobs()
        setattr(state, "import_jobs", jobs)  # noqa: B010 - app.state is a plain attribute bag
    return jobs


def upload_limit(settings: Settings) -> int:
    """Largest upload in bytes (the `max_upload_mb` setting, TWITCHWISE_MAX_UPLOAD_MB)."""
    return settings.max_upload_mb * 1024 * 1024


def run_import(job: ImportJob, diary: Diary, path: Path, importer: Importer | None = None) -> None:
    """Read, then store; record the outcome on `job`. Deletes `path` when done.

    `importer` is the one the caller already recognised the file with (else found here).
    """

    def progress(done: int, total: int | None) -> None:
        job.done, job.total = done, total

    try:
        importer = importer or detect_importer(path)
        if importer is None:
            known = ", ".join(i.label for i in available_importers())
            raise ImporterError(f"{job.filename} is not an export twitchwise recognises ({known})")
        job.label, job.kind = importer.label, importer.name
        result = importer.read(path, progress)
        job.result, job.state = result, "storing"
        job.stats = diary.import_day_values(result.values, source=importer.name)
        job.state = "finished"
    except (ImporterError, DiaryError, DatabaseFailure) as exc:
        job.error, job.state = _as_chosen(str(exc), path, job.filename), "failed"
    except Exception as exc:  # a job must always end, and say so, whatever the file held
        job.error, job.state = f"the file could not be imported ({type(exc).__name__})", "failed"
    finally:
        path.unlink(missing_ok=True)


def _as_chosen(message: str, path: Path, filename: str) -> str:
    """The error with the file the person chose in place of the upload's private name."""
    return message.replace(str(path), filename).replace(path.name, filename)


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


def start_import(
    job: ImportJob, diary: Diary, path: Path, importer: Importer | None = None
) -> None:
    threading.Thread(target=run_import, args=(job, diary, path, importer), daemon=True).start()
