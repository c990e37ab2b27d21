"""Imports through the PostgreSQL task queue (procrastinate), against the real server.

An export uploaded to one app instance is run by a worker and its progress read from a second
instance, as the ordinary app role that row-level security binds; a worker that died mid-import
has its job run again; `twitchwise worker` starts, runs a job and stops cleanly on SIGTERM.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from asgi_call import run_isolated
from fastapi.testclient import TestClient
from psycopg.conninfo import conninfo_to_dict

from twitchwise.accounts import Accounts
from twitchwise.diary import Diary
from twitchwise.jobs import JobStore
from twitchwise.jobs._queue import IMPORT_TASK, conninfo, ensure_schema, make_queue
from twitchwise.jobs._worker import run_worker
from twitchwise.settings import Settings
from twitchwise.web import create_app

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "tests" / "data" / "apple-health" / "alxdrcirilo-apple-health-parser-export.zip"
HEADER = {"X-Requested-With": "twitchwise"}
PASSWORD = "a long enough passphrase 7"


def test_the_database_url_becomes_a_libpq_one_keeping_host_and_port() -> None:
    url = "postgresql+psycopg://app:s3cret@/twitchwise?host=/run/pg&port=5433"
    assert conninfo(url).startswith("postgresql://")
    assert conninfo_to_dict(conninfo(url)) == {
        "user": "app",
        "password": "s3cret",
        "dbname": "twitchwise",
        "host": "/run/pg",
        "port": "5433",
    }
    assert (
        conninfo("postgresql+psycopg://u@db.example:6543/tw") == "postgresql://u@db.example:6543/tw"
    )
    with pytest.raises(ValueError, match="PostgreSQL"):
        conninfo("sqlite:///diary.db")


def test_the_queue_schema_is_made_once(app_postgres_url: str) -> None:
    assert ensure_schema(app_postgres_url) is True
    assert ensure_schema(app_postgres_url) is False
    with psycopg.connect(conninfo(app_postgres_url)) as conn:
        assert conn.execute("SELECT count(*) FROM procrastinate_jobs").fetchone() == (0,)


@pytest.fixture
def people(app_postgres_url: str) -> Iterator[tuple[Diary, int, int]]:
    """The database (as the ordinary role) with Ann (person 1, the app's) and Bob."""
    with Diary.open(app_postgres_url) as diary:
        accounts = Accounts(diary.engine)
        ann = accounts.add_person("ann@example.org", PASSWORD).id
        bob = accounts.add_person("bob@example.org", PASSWORD).id
        yield diary, ann, bob


def _worker_until_empty(diary: Diary) -> None:
    run_isolated(run_worker(diary, wait=False, install_signal_handlers=False))


def test_an_upload_to_one_server_is_run_by_the_worker_and_read_from_another(
    people: tuple[Diary, int, int], app_postgres_url: str, tmp_path: Path
) -> None:
    diary, ann, bob = people
    settings = Settings(db=app_postgres_url)
    first = create_app(settings, secret_dir=tmp_path / "one")
    second = create_app(settings, secret_dir=tmp_path / "two")
    try:
        with TestClient(first) as one, TestClient(second) as two:
            sent = one.post(
                "/api/v1/imports",
                files={"file": ("export.zip", EXPORT.read_bytes(), "application/zip")},
                headers=HEADER,
            )
            assert sent.status_code == 202, sent.text
            job_id, where = sent.json()["id"], sent.headers["Location"]
            waiting = two.get(where).json()
            assert (waiting["state"], waiting["percent"]) == ("reading", None), "no worker yet"
            assert JobStore(diary.engine, ann).chunk_count(job_id) == 1
            _worker_until_empty(diary)
            done = two.get(where).json()
            assert done["state"] == "finished" and done["summary"]["added"] == 3
            page = two.get(f"/import/jobs/{job_id}")
            assert page.status_code == 200 and "Imported export.zip" in page.text
    finally:
        first.state.diary.close()
        second.state.diary.close()
    assert len(diary.for_person(ann).list_day_values()) == 3
    assert JobStore(diary.engine, ann).chunk_count(job_id) == 0, "the upload went with the job"
    assert JobStore(diary.engine, bob).get(job_id) is None
    assert diary.for_person(bob).list_day_values() == []


def _queue_job(diary: Diary, person: int, tmp_path: Path) -> str:
    store = JobStore(diary.engine, person)
    job_id = store.new("export.zip")
    path = tmp_path / "upload.zip"
    path.write_bytes(EXPORT.read_bytes())
    store.store_file(job_id, path)
    store.queued(job_id)
    return job_id


def test_a_job_left_by_a_dead_worker_is_run_again(
    people: tuple[Diary, int, int], tmp_path: Path
) -> None:
    """A worker took the job and died (no heartbeat for longer than the stalled limit): the
    next worker hands it back to the queue and runs it; the import is stored once."""
    diary, ann, _ = people
    ensure_schema(diary.url)
    job_id = _queue_job(diary, ann, tmp_path)

    async def take_and_die() -> None:
        queue = make_queue(diary.url)
        async with queue.open_async():
            await queue.configure_task(IMPORT_TASK).defer_async(job_id=job_id, person_id=ann)
            dead = await queue.job_manager.register_worker()
            taken = await queue.job_manager.fetch_job(queues=None, worker_id=dead)
            assert taken is not None and taken.task_kwargs["job_id"] == job_id

    run_isolated(take_and_die())
    with psycopg.connect(conninfo(diary.url), autocommit=True) as conn:
        conn.execute("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'")
        assert conn.execute("SELECT status FROM procrastinate_jobs").fetchone() == ("doing",)
    _worker_until_empty(diary)
    job = JobStore(diary.engine, ann).get(job_id)
    assert job is not None and job.state == "finished", job
    assert len(diary.for_person(ann).list_day_values()) == 3


def _twitchwise(*args: str, **kw: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "twitchwise"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        **kw,
    )


def test_twitchwise_worker_runs_a_queued_import_and_stops_cleanly_on_sigterm(
    people: tuple[Diary, int, int], tmp_path: Path
) -> None:
    diary, ann, _ = people
    ensure_schema(diary.url)
    job_id = _queue_job(diary, ann, tmp_path)

    async def defer() -> None:
        queue = make_queue(diary.url)
        async with queue.open_async():
            await queue.configure_task(IMPORT_TASK).defer_async(job_id=job_id, person_id=ann)

    run_isolated(defer())
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "XDG_DATA_HOME": str(tmp_path / "data")}
    worker = _twitchwise("--db", diary.url, "worker", env=env)
    try:
        deadline = time.monotonic() + 30
        store = JobStore(diary.engine, ann)
        while (job := store.get(job_id)) is not None and not job.finished:
            assert time.monotonic() < deadline and worker.poll() is None, "the job was not run"
            time.sleep(0.1)
        assert job is not None and job.state == "finished"
        worker.send_signal(signal.SIGTERM)
        out, _ = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, out
    assert "twitchwise worker stopped" in out and "Traceback" not in out


def test_twitchwise_worker_refuses_sqlite(tmp_path: Path) -> None:
    worker = _twitchwise("--db", f"sqlite:///{tmp_path / 'd.db'}", "worker")
    out, _ = worker.communicate(timeout=60)
    assert worker.returncode == 2 and "needs a PostgreSQL database" in out


def test_signed_in_another_persons_job_is_404_on_every_server(
    app_postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Accounts on: Ann uploads to one server with her token; Bob, on another, gets 404 for her
    job from the API and the Import page, while Ann reads it there to its end."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from twitchwise.accounts import _passwords
    from twitchwise.web._auth import SESSION_COOKIE

    cheap = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),))
    monkeypatch.setattr(_passwords, "hasher", lambda: cheap)
    settings = Settings(db=app_postgres_url, accounts=True)
    first = create_app(settings, secret_dir=tmp_path / "one")
    second = create_app(settings, secret_dir=tmp_path / "two")
    accounts: Accounts = first.state.accounts
    ann = accounts.add_person("ann@example.org", PASSWORD)
    bob = accounts.add_person("bob@example.org", PASSWORD)
    ann_key = {"Authorization": f"Bearer {accounts.new_token(ann.id, 'phone')[1]}"}
    bob_key = {"Authorization": f"Bearer {accounts.new_token(bob.id, 'phone')[1]}"}
    try:
        with TestClient(first) as one, TestClient(second, base_url="http://127.0.0.1") as two:
            sent = one.post(
                "/api/v1/imports",
                files={"file": ("export.zip", EXPORT.read_bytes(), "application/zip")},
                headers={**HEADER, **ann_key},
            )
            assert sent.status_code == 202, sent.text
            where, job_id = sent.headers["Location"], sent.json()["id"]
            refused = two.get(where, headers=bob_key)
            assert refused.status_code == 404
            assert refused.headers["content-type"] == "application/problem+json"
            assert "export.zip" not in refused.text
            assert two.get(where, headers=ann_key).json()["state"] == "reading"
            _worker_until_empty(first.state.diary)
            assert two.get(where, headers=ann_key).json()["state"] == "finished"
            assert two.get(where, headers=bob_key).status_code == 404
            two.cookies.set(SESSION_COOKIE, accounts.start_session(bob.id), domain="127.0.0.1")
            page = two.get(f"/import/jobs/{job_id}")
            assert page.status_code == 404 and "export.zip" not in page.text
    finally:
        first.state.diary.close()
        second.state.diary.close()
    with Diary.open(app_postgres_url) as diary:
        assert len(diary.for_person(ann.id).list_day_values()) == 3
        assert diary.for_person(bob.id).list_day_values() == []
