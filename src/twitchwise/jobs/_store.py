"""Import jobs and their uploads in the database, one person's at a time.

Every server process and every worker reads and writes the same rows, so an upload received by
one process can be read by a worker on another machine and its progress shown by a third. Like
the Diary, the store is opened for one person: every query carries `person_id`, and on
PostgreSQL each transaction names the person for the row-level security policies, so a job id of
somebody else's is simply not found.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from twitchwise.diary._convert import utc_now
from twitchwise.diary._diary import _database_errors
from twitchwise.diary._models import ImportJobRow, UploadChunkRow
from twitchwise.diary._store import WRITE

from ._records import ImportJob, JobSummary

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from twitchwise.diary import Diary

CHUNK_BYTES = 1024 * 1024
"""An upload is stored in pieces of this size: memory stays bounded whatever the file's size."""
KEEP_JOBS = 20
"""Ended jobs kept per person (the newest); older ones are forgotten when a new one starts."""
ABANDONED = timedelta(hours=1)
"""An upload still `receiving` after this long was cut off (its process died); it is removed."""


class JobStore:
    """One person's import jobs. `JobStore.of(diary)` shares the diary's connections."""

    def __init__(self, engine: Engine, person_id: int) -> None:
        self.engine = engine
        self.person_id = person_id
        self._writer = engine.execution_options(**{WRITE: True})

    @classmethod
    def of(cls, diary: Diary) -> JobStore:
        return cls(diary.engine, diary.person_id)

    @contextmanager
    def _session(self, *, write: bool = False) -> Iterator[Session]:
        """A transaction naming the person; a database that fails is a DatabaseFailure (503 on
        the API), as for the Diary."""
        with (
            _database_errors(),
            Session(self._writer if write else self.engine) as session,
            session.begin(),
        ):
            if self.engine.dialect.name == "postgresql":
                session.execute(
                    text("SELECT set_config('twitchwise.person_id', :person, true)"),
                    {"person": str(self.person_id)},
                )
            yield session

    def _mine(self, job_id: str) -> Any:
        return (ImportJobRow.id == job_id) & (ImportJobRow.person_id == self.person_id)

    # -- the upload --------------------------------------------------------------------------

    def new(self, filename: str, *, kind: str | None = None, label: str | None = None) -> str:
        """A new job for an upload about to be stored (`receiving`); returns its id."""
        job_id, now = secrets.token_urlsafe(12), utc_now()
        with self._session(write=True) as session:
            self._forget_old(session)
            session.add(
                ImportJobRow(
                    id=job_id,
                    person_id=self.person_id,
                    filename=filename[:255],
                    kind=kind,
                    label=label,
                    state="receiving",
                    done=0,
                    created_at=now,
                    updated_at=now,
                )
            )
        return job_id

    def _forget_old(self, session: Session) -> None:
        """Remove this person's ended jobs beyond the newest KEEP_JOBS, and cut-off uploads."""
        mine = ImportJobRow.person_id == self.person_id
        ended = ImportJobRow.state.in_(("finished", "failed"))
        old = (
            select(ImportJobRow.id)
            .where(mine, ended)
            .order_by(ImportJobRow.created_at.desc())
            .offset(KEEP_JOBS - 1)
        )
        cut_off = select(ImportJobRow.id).where(
            mine, ImportJobRow.state == "receiving", ImportJobRow.updated_at < utc_now() - ABANDONED
        )
        gone = [*session.scalars(old), *session.scalars(cut_off)]
        if gone:
            session.execute(
                delete(UploadChunkRow).where(
                    UploadChunkRow.person_id == self.person_id, UploadChunkRow.job_id.in_(gone)
                )
            )
            session.execute(delete(ImportJobRow).where(mine, ImportJobRow.id.in_(gone)))

    def store_file(self, job_id: str, path: Path) -> int:
        """Copy the uploaded file at `path` into the job's chunks, a transaction per chunk (so
        memory holds one chunk at a time); returns the bytes stored."""
        size = 0
        with path.open("rb") as fh:
            for seq, data in enumerate(iter(lambda: fh.read(CHUNK_BYTES), b"")):
                with self._session(write=True) as session:
                    session.add(
                        UploadChunkRow(job_id=job_id, seq=seq, person_id=self.person_id, data=data)
                    )
                size += len(data)
        return size

    def queued(self, job_id: str) -> None:
        """The upload is whole: the job waits for a worker (shown as reading, 0%)."""
        self._set(job_id, state="reading")

    def discard(self, job_id: str) -> None:
        """Remove a job and its upload (an upload that failed half-way, a refused file)."""
        with self._session(write=True) as session:
            self._drop_chunks(session, job_id)
            session.execute(delete(ImportJobRow).where(self._mine(job_id)))

    def chunks(self, job_id: str) -> Iterator[bytes]:
        """The upload's pieces in order, each read on its own (bounded memory)."""
        seq = 0
        while True:
            with self._session() as session:
                data = session.scalar(
                    select(UploadChunkRow.data).where(
                        UploadChunkRow.job_id == job_id,
                        UploadChunkRow.seq == seq,
                        UploadChunkRow.person_id == self.person_id,
                    )
                )
            if data is None:
                return
            yield bytes(data)
            seq += 1

    def chunk_count(self, job_id: str) -> int:
        with self._session() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(UploadChunkRow)
                    .where(
                        UploadChunkRow.job_id == job_id,
                        UploadChunkRow.person_id == self.person_id,
                    )
                )
                or 0
            )

    # -- the job's life ----------------------------------------------------------------------

    def get(self, job_id: str) -> ImportJob | None:
        """The job, or None when there is none by that id for this person."""
        with self._session() as session:
            row = session.scalar(select(ImportJobRow).where(self._mine(job_id)))
            return _job(row) if row is not None else None

    def list(self) -> list[ImportJob]:
        with self._session() as session:
            rows = session.scalars(
                select(ImportJobRow)
                .where(ImportJobRow.person_id == self.person_id)
                .order_by(ImportJobRow.created_at.desc())
            )
            return [_job(row) for row in rows]

    def reading(self, job_id: str, *, kind: str, label: str) -> None:
        self._set(job_id, state="reading", kind=kind, label=label, error=None, summary=None)

    def progress(self, job_id: str, done: int, total: int | None) -> None:
        self._set(job_id, done=done, total=total)

    def storing(self, job_id: str) -> None:
        self._set(job_id, state="storing")

    def finish(self, job_id: str, summary: JobSummary) -> None:
        """The import is in the diary: record what it did, and drop the upload."""
        self._end(job_id, state="finished", summary=summary.to_json())

    def fail(self, job_id: str, error: str) -> None:
        """The import wrote nothing: record why, and drop the upload."""
        self._end(job_id, state="failed", error=error)

    def _end(self, job_id: str, **values: Any) -> None:
        with self._session(write=True) as session:
            self._drop_chunks(session, job_id)
            session.execute(
                update(ImportJobRow)
                .where(self._mine(job_id))
                .values(**values, updated_at=utc_now())
            )

    def _set(self, job_id: str, **values: Any) -> None:
        with self._session(write=True) as session:
            session.execute(
                update(ImportJobRow)
                .where(self._mine(job_id))
                .values(**values, updated_at=utc_now())
            )

    def _drop_chunks(self, session: Session, job_id: str) -> None:
        session.execute(
            delete(UploadChunkRow).where(
                UploadChunkRow.job_id == job_id, UploadChunkRow.person_id == self.person_id
            )
        )


STOPPED = "the app stopped while this import ran; nothing was written. Upload the file again."


def fail_interrupted(engine: Engine) -> int:
    """SQLite, when the web app starts: the jobs its last run left unfinished (their thread died
    with it) are marked failed and their uploads dropped. Returns how many. (On PostgreSQL the
    queue hands a dead worker's jobs to another one instead, see `_queue.py`.)"""
    if engine.dialect.name != "sqlite":
        raise ValueError("only the SQLite app runs imports in its own threads")
    unfinished = ImportJobRow.state.in_(("receiving", "reading", "storing"))
    with Session(engine.execution_options(**{WRITE: True})) as session, session.begin():
        ids = list(session.scalars(select(ImportJobRow.id).where(unfinished)))
        if ids:
            session.execute(delete(UploadChunkRow).where(UploadChunkRow.job_id.in_(ids)))
            session.execute(
                update(ImportJobRow)
                .where(ImportJobRow.id.in_(ids))
                .values(state="failed", error=STOPPED, updated_at=utc_now())
            )
    return len(ids)


def _job(row: ImportJobRow) -> ImportJob:
    return ImportJob(
        id=row.id,
        filename=row.filename,
        state=row.state,
        done=int(row.done or 0),
        total=int(row.total) if row.total is not None else None,
        kind=row.kind,
        label=row.label,
        error=row.error,
        summary=JobSummary.from_json(row.summary) if row.summary else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
