"""Imports run as background jobs so the page can show reading progress.

A job reads the whole uploaded export first (the importer writes nothing), then stores every
value in one diary transaction: a damaged file changes nothing. Jobs live in memory only while
the app runs; the uploaded copy is deleted when the job ends. The kind of export (Apple Health,
Health Connect, Fitbit, Garmin) is recognised by content, whatever the file is called.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path

from twitchwise.diary import DatabaseFailure, Diary, DiaryError, ImportStats
from twitchwise.importers import ImporterError, ImportResult, available_importers, detect_importer

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


def run_import(job: ImportJob, diary: Diary, path: Path) -> None:
    """Read, then store; record the outcome on `job`. Deletes `path` when done."""

    def progress(done: int, total: int | None) -> None:
        job.done, job.total = done, total

    try:
        importer = detect_importer(path)
        if importer is None:
            known = ", ".join(i.label for i in available_importers())
            raise ImporterError(f"{job.filename} is not an export twitchwise recognises ({known})")
        job.label = importer.label
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


def start_import(job: ImportJob, diary: Diary, path: Path) -> None:
    threading.Thread(target=run_import, args=(job, diary, path), daemon=True).start()
