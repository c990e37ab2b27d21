"""Import jobs: uploads and their progress in the database, run by a worker or the web app.

`JobStore` is one person's jobs (scoped like the Diary, row-level security on PostgreSQL);
`run_import_job` runs one to its end. On PostgreSQL the jobs go through a task queue
(procrastinate, `_queue.py`) run by `twitchwise worker`; on SQLite the web app runs the same
function in a thread of its own.
"""

from __future__ import annotations

from ._records import STATES, ImportJob, JobSummary
from ._run import run_import_job
from ._store import CHUNK_BYTES, KEEP_JOBS, JobStore

__all__ = [
    "CHUNK_BYTES",
    "KEEP_JOBS",
    "STATES",
    "ImportJob",
    "JobStore",
    "JobSummary",
    "run_import_job",
]
