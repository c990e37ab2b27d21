"""The task queue on PostgreSQL (procrastinate): imports deferred by any server process and run
by `twitchwise worker`, on the same database, so nothing lives in one process's memory.

procrastinate keeps its jobs in its own tables (`procrastinate_jobs`, ...), made here from the
schema it ships (`ensure_schema`, idempotent, under an advisory lock so two processes starting at
once do not both make it). A job carries only the import job's id and the person's id; the upload
itself is in `upload_chunks`, behind row-level security.

A worker that dies (kill -9, a lost machine) stops sending its heartbeat; after
`STALLED_AFTER_S` its running imports are "stalled" and the recovery task (every minute, and when
a worker starts) hands them back to the queue: an import is all or nothing and its upload stays
until the job ends, so running it again is safe.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    import procrastinate

    from twitchwise.diary import Diary

log = logging.getLogger(__name__)

IMPORT_TASK = "twitchwise.import_export"
RECOVER_TASK = "twitchwise.recover_stalled_imports"
SCHEMA_LOCK = 7120462
"""pg_advisory_xact_lock key while the queue's schema is checked and made."""
STALLED_AFTER_S = 30.0
"""A worker silent this long is taken for dead (procrastinate's default heartbeat is 10 s)."""


def conninfo(url: str) -> str:
    """The libpq URL for an SQLAlchemy one: `postgresql+psycopg://u@/db?host=/run&port=5433`
    becomes `postgresql://u@/db?host=/run&port=5433` (host and port query kept)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"the task queue needs PostgreSQL, not {parsed.get_backend_name()}")
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def is_queued(url: str) -> bool:
    """Imports go through the queue (and `twitchwise worker`) on PostgreSQL; SQLite runs them
    in the web app's own thread."""
    return make_url(url).get_backend_name() == "postgresql"


def ensure_schema(url: str) -> bool:
    """Make procrastinate's tables unless they exist; True if they were made now."""
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(conninfo(url)) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if row is not None and row[0]:
            return False
        conn.execute(SchemaManager.get_schema())
    log.info("Made the task queue's tables (procrastinate) in the database.")
    return True


def make_queue(url: str, diary: Diary | None = None, **pool: Any) -> procrastinate.App:
    """The queue over the database at `url`, with the import task (run on `diary`, a worker's)
    and the stalled-job recovery. `pool` goes to psycopg's connection pool (min_size...)."""
    import procrastinate

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(url), **pool),
    )

    @app.task(name=IMPORT_TASK, queue="imports")
    def import_export(job_id: str, person_id: int) -> str | None:
        """Run one uploaded import to its end, as `person_id`."""
        from ._run import run_import_job

        if diary is None:
            raise RuntimeError("this queue only defers jobs; `twitchwise worker` runs them")
        job = run_import_job(diary.for_person(person_id), job_id)
        return job.state if job is not None else None

    @app.periodic(cron="* * * * *")
    @app.task(name=RECOVER_TASK, queue="imports")
    async def recover_stalled_imports(timestamp: int) -> int:
        return await recover_stalled(app)

    return app


async def recover_stalled(app: procrastinate.App) -> int:
    """Hand the imports of dead workers back to the queue; returns how many."""
    stalled = await app.job_manager.get_stalled_jobs(
        task_name=IMPORT_TASK, seconds_since_heartbeat=STALLED_AFTER_S
    )
    count = 0
    for job in stalled:
        log.warning("Import job %s was left by a worker that stopped; running it again.", job.id)
        await app.job_manager.retry_job(job)
        count += 1
    return count


async def defer_import(app: procrastinate.App, job_id: str, person_id: int) -> int:
    """Queue the import `job_id` of `person_id`; returns procrastinate's job id."""
    return await app.configure_task(IMPORT_TASK).defer_async(job_id=job_id, person_id=person_id)
