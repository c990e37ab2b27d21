"""Import jobs in the database: one person's store, the upload in chunks, a job run to its end.

On SQLite and on PostgreSQL as an ordinary role (row-level security binds it): another person's
job is not found, its chunks are not readable, and a job's chunks are gone when it ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from twitchwise.accounts import Accounts
from twitchwise.diary import Diary
from twitchwise.jobs import CHUNK_BYTES, KEEP_JOBS, JobStore, run_import_job
from twitchwise.jobs import _run as run_module

ROOT = Path(__file__).resolve().parents[2]
APPLE = ROOT / "tests" / "data" / "apple-health"
EXPORT = APPLE / "alxdrcirilo-apple-health-parser-export.zip"
PASSWORD = "a long enough passphrase 7"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def two(request: pytest.FixtureRequest) -> Iterator[tuple[Diary, Diary]]:
    """Two people's diaries in one database (on PostgreSQL as the ordinary app role)."""
    fixture = "sqlite_url" if request.param == "sqlite" else "app_postgres_url"
    url = str(request.getfixturevalue(fixture))
    with Diary.open(url) as diary:
        accounts = Accounts(diary.engine)
        ann = accounts.add_person("ann@example.org", PASSWORD)
        bob = accounts.add_person("bob@example.org", PASSWORD)
        yield diary.for_person(ann.id), diary.for_person(bob.id)


def _upload(tmp_path: Path, data: bytes, name: str = "export.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_an_upload_is_kept_in_chunks_and_read_back_whole(
    two: tuple[Diary, Diary], tmp_path: Path
) -> None:
    ann, _ = two
    store = JobStore.of(ann)
    data = bytes(range(256)) * (CHUNK_BYTES // 256) * 2 + b"tail"
    job_id = store.new("big.zip")
    assert store.store_file(job_id, _upload(tmp_path, data)) == len(data)
    assert store.chunk_count(job_id) == 3
    assert b"".join(store.chunks(job_id)) == data
    job = store.get(job_id)
    assert job is not None and (job.state, job.filename, job.percent) == (
        "receiving",
        "big.zip",
        None,
    )


def test_another_persons_job_and_upload_are_not_found(
    two: tuple[Diary, Diary], tmp_path: Path
) -> None:
    ann, bob = two
    job_id = JobStore.of(ann).new("mine.zip")
    JobStore.of(ann).store_file(job_id, _upload(tmp_path, b"private"))
    theirs = JobStore.of(bob)
    assert theirs.get(job_id) is None and theirs.list() == []
    assert list(theirs.chunks(job_id)) == [] and theirs.chunk_count(job_id) == 0
    theirs.fail(job_id, "not yours")  # a write aimed at it changes nothing either
    theirs.discard(job_id)
    job = JobStore.of(ann).get(job_id)
    assert job is not None and job.state == "receiving" and job.error is None
    assert JobStore.of(ann).chunk_count(job_id) == 1


def test_row_level_security_hides_other_peoples_jobs_without_any_filter(
    app_postgres_url: str, tmp_path: Path
) -> None:
    """The second line of defence: a raw query naming no person sees only the named one's."""
    with Diary.open(app_postgres_url) as diary:
        accounts = Accounts(diary.engine)
        ann = diary.for_person(accounts.add_person("ann@example.org", PASSWORD).id)
        bob = diary.for_person(accounts.add_person("bob@example.org", PASSWORD).id)
        job_id = JobStore.of(ann).new("mine.zip")
        JobStore.of(ann).store_file(job_id, _upload(tmp_path, b"private"))
        with JobStore.of(bob)._session() as session:
            assert session.execute(text("SELECT count(*) FROM import_jobs")).scalar() == 0
            assert session.execute(text("SELECT count(*) FROM upload_chunks")).scalar() == 0
        with JobStore.of(ann)._session() as session:
            assert session.execute(text("SELECT count(*) FROM upload_chunks")).scalar() == 1


def test_a_job_runs_to_its_summary_and_its_upload_is_deleted(
    two: tuple[Diary, Diary], tmp_path: Path
) -> None:
    ann, bob = two
    store = JobStore.of(ann)
    job_id = store.new("export.zip")
    store.store_file(job_id, _upload(tmp_path, EXPORT.read_bytes()))
    store.queued(job_id)
    assert run_import_job(bob, job_id) is None, "Bob's worker view cannot run Ann's job"
    job = run_import_job(ann, job_id)
    assert job is not None and job.state == "finished" and job.percent == 100
    assert (job.kind, job.label) == ("apple-health", "Apple Health")
    assert job.summary is not None
    assert (job.summary.days, job.summary.first_day) == (2, date(2024, 1, 1))
    assert (job.summary.added, job.summary.values) == (3, 3)
    assert job.summary.metrics == {"sleep_hours": 1, "active_energy_kcal": 2}
    assert store.chunk_count(job_id) == 0
    assert len(ann.list_day_values()) == 3 and bob.list_day_values() == []
    assert run_import_job(ann, job_id) == job, "an ended job is not run twice"


def test_a_damaged_upload_fails_writes_nothing_and_names_the_chosen_file(
    two: tuple[Diary, Diary], tmp_path: Path
) -> None:
    ann, _ = two
    store = JobStore.of(ann)
    whole = (APPLE / "grll-apple-health-mcp-export.xml").read_bytes()
    job_id = store.new("export.xml")
    store.store_file(job_id, _upload(tmp_path, whole[: len(whole) // 2], "cut.xml"))
    job = run_import_job(ann, job_id)
    assert job is not None and job.state == "failed" and job.summary is None
    assert job.error is not None and job.error.startswith("export.xml is damaged or incomplete")
    assert "import-" not in job.error
    assert store.chunk_count(job_id) == 0 and ann.list_day_values() == []


def test_progress_is_written_at_most_a_few_times_a_second(
    two: tuple[Diary, Diary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann, _ = two
    store = JobStore.of(ann)
    writes: list[tuple[int, int | None]] = []
    real = JobStore.progress

    def counted(self: JobStore, job_id: str, done: int, total: int | None) -> None:
        writes.append((done, total))
        real(self, job_id, done, total)

    class Many:
        name, label = "many", "Many"

        def read(self, path: Path, progress: object) -> object:
            for done in range(100_000):
                progress(done, 100_000)  # type: ignore[operator]
            raise run_module.ImporterError("stop here")

    monkeypatch.setattr(JobStore, "progress", counted)
    monkeypatch.setattr(run_module, "detect_importer", lambda path: Many())
    job_id = store.new("x.zip")
    store.store_file(job_id, _upload(tmp_path, b"x"))
    job = run_import_job(ann, job_id)
    assert job is not None and job.state == "failed" and job.error == "stop here"
    assert 1 <= len(writes) <= 10, len(writes)


def test_old_jobs_and_cut_off_uploads_are_forgotten(
    two: tuple[Diary, Diary], tmp_path: Path
) -> None:
    ann, bob = two
    store = JobStore.of(ann)
    cut = store.new("cut.zip")  # an upload whose server died while it arrived
    store.store_file(cut, _upload(tmp_path, b"half"))
    bobs = JobStore.of(bob).new("bob.zip")
    with store._session(write=True) as session:  # as if it arrived long ago
        session.execute(text("UPDATE import_jobs SET updated_at = '2000-01-01 00:00:00'"))
    ended = []
    for n in range(22):
        job_id = store.new(f"{n}.zip")
        store.fail(job_id, "no")
        ended.append(job_id)
    kept = {job.id for job in store.list()}
    assert len(kept) == KEEP_JOBS and ended[-1] in kept and ended[0] not in kept
    assert store.get(cut) is None and store.chunk_count(cut) == 0
    assert JobStore.of(bob).get(bobs) is not None, "only the person's own jobs are forgotten"


def test_on_sqlite_a_job_the_app_left_running_is_failed_when_it_starts_again(
    tmp_path: Path,
) -> None:
    """Its thread died with the app: the job says so instead of reading at 40% for ever."""
    from fastapi.testclient import TestClient

    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    settings = Settings(db=f"sqlite:///{tmp_path / 'diary.db'}")
    with Diary.open(settings.db) as diary:
        store = JobStore.of(diary)
        running = store.new("export.zip")
        store.store_file(running, _upload(tmp_path, b"x" * 10))
        store.queued(running)
        store.progress(running, 4, 10)
        ended = store.new("old.zip")
        store.fail(ended, "damaged")
    app = create_app(settings, secret_dir=tmp_path / "data")
    try:
        with TestClient(app, base_url="http://127.0.0.1") as client:
            job = client.get(f"/api/v1/imports/{running}").json()
            assert job["state"] == "failed" and "the app stopped" in job["error"]
            assert client.get(f"/api/v1/imports/{ended}").json()["error"] == "damaged"
        assert JobStore.of(app.state.diary).chunk_count(running) == 0
    finally:
        app.state.diary.close()


def test_erasing_a_diary_or_removing_its_account_takes_its_jobs_and_uploads_too(
    two: tuple[Diary, Diary], tmp_path: Path
) -> None:
    """Person 1's diary outlives a removed account (the next account takes it over): none of the
    removed person's import history, waiting upload or push subscription may be left for them."""
    from twitchwise.push_subscriptions import PersonSubscriptions, Subscription

    ann, bob = two
    assert ann.person_id == 1
    for diary in (ann, bob):
        store = JobStore.of(diary)
        job_id = store.new("export.zip")
        store.store_file(job_id, _upload(tmp_path, b"health data"))
        PersonSubscriptions(diary.engine, diary.person_id).add(
            Subscription("https://push.example/a", "k", "a", ("21:00",))
        )
    accounts = Accounts(ann.engine)
    accounts.remove_person(ann.person_id)
    assert JobStore.of(ann).list() == []
    with JobStore(ann.engine, 1)._session() as session:  # named as person 1 (RLS)
        mine = text("SELECT count(*) FROM upload_chunks WHERE person_id = 1")
        assert session.execute(mine).scalar() == 0
    assert PersonSubscriptions(ann.engine, 1).all() == []
    newcomer = accounts.add_person("cat@example.org", PASSWORD)
    assert newcomer.id == 1 and JobStore(ann.engine, newcomer.id).list() == []
    assert (
        len(JobStore.of(bob).list()) == 1
        and JobStore.of(bob).chunk_count(JobStore.of(bob).list()[0].id) == 1
    )
    assert len(PersonSubscriptions(bob.engine, bob.person_id).all()) == 1
