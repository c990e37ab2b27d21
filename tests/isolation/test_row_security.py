"""PostgreSQL row-level security: the second fence, tested with raw SQL that has no filter.

On the ordinary role a server runs as (`app_postgres_url`), a transaction that names person A in
`twitchwise.person_id` sees, changes and deletes only A's rows in every table of `RLS_TABLES`,
whatever its SQL says; naming nobody sees nothing; writing a row for B is refused. The superuser
is not bound at all (`postgres_url`), which is why a server must never connect as one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import psycopg
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

from twitchwise.diary import Diary
from twitchwise.diary._models import OWNED_TABLES, RLS_TABLES, Base

from .conftest import MARK_A, MARK_B, fill_person, new_person

pytestmark = pytest.mark.postgres

ACCOUNT_TABLES = {"people", "auth_sessions", "access_tokens", "sign_in_attempts", "passkeys"}
"""Read to find out who is asking, before anyone is known: no row-level security (see
accounts/_accounts.py); the server's code filters them by person."""


FILLED = (*OWNED_TABLES, "import_jobs", "upload_chunks")
"""The tables the `shared` fixture puts rows of both people in."""


@dataclass
class Shared:
    diary: Diary
    a: int
    b: int


def _job(conn: Connection, person: int, job_id: str, mark: str) -> None:
    """An import job and one upload chunk of `person`'s (tables the jobs helper fills)."""
    now = datetime(2026, 3, 1)
    conn.execute(
        text(
            "INSERT INTO import_jobs (id, person_id, filename, state, done, created_at,"
            " updated_at, error) VALUES (:id, :p, :f, 'queued', 0, :now, :now, :mark)"
        ),
        {"id": job_id, "p": person, "f": f"{mark}.zip", "now": now, "mark": mark},
    )
    conn.execute(
        text("INSERT INTO upload_chunks (job_id, seq, person_id, data) VALUES (:id, 0, :p, :d)"),
        {"id": job_id, "p": person, "d": mark.encode()},
    )


def _as(conn: Connection, person: int | str | None) -> None:
    if person is not None:
        conn.execute(
            text("SELECT set_config('twitchwise.person_id', :p, true)"), {"p": str(person)}
        )


@pytest.fixture
def shared(app_postgres_url: str) -> Iterator[Shared]:
    with Diary.open(app_postgres_url) as diary:
        a, b = new_person(diary.engine), new_person(diary.engine)
        fill_person(diary.for_person(a), MARK_A, 6.0)
        fill_person(diary.for_person(b), MARK_B, 8.0, only_b=True)
        for person, mark in ((a, MARK_A), (b, MARK_B)):
            with diary.engine.begin() as conn:
                _as(conn, person)
                _job(conn, person, f"job-{person}", mark)
        yield Shared(diary, a, b)


def _superuser_url(app_url: str) -> str:
    return app_url.replace("twitchwise_app@", "postgres@", 1)


def test_the_server_role_is_bound_by_row_security(shared: Shared) -> None:
    with shared.diary.engine.connect() as conn:
        role = conn.execute(
            text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        ).one()
        assert tuple(role) == (False, False)
        flags = dict(
            conn.execute(
                text(
                    "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class"
                    " WHERE relname = ANY(:names)"
                ),
                {"names": list(RLS_TABLES)},
            ).all()
        )
    assert flags == dict.fromkeys(RLS_TABLES, True)  # forced: the tables' owner is bound too


def test_every_table_with_an_owner_has_row_security_or_is_an_account_table() -> None:
    """A table added later with a person_id must join RLS_TABLES (or be argued for here)."""
    owned = {t.name for t in Base.metadata.sorted_tables if "person_id" in t.c}
    assert owned - set(RLS_TABLES) <= ACCOUNT_TABLES
    assert set(OWNED_TABLES) <= set(RLS_TABLES)


def test_naming_a_person_shows_only_their_rows(shared: Shared) -> None:
    for table in RLS_TABLES:
        with shared.diary.engine.begin() as conn:
            _as(conn, shared.a)
            owners = list(conn.execute(text(f'SELECT DISTINCT person_id FROM "{table}"')).scalars())
            # the tables the fixture fills hold A's rows; any other (added later) none of B's
            assert owners == [shared.a] if table in FILLED else set(owners) <= {shared.a}, table
            dump = str(conn.execute(text(f'SELECT * FROM "{table}"')).all())
            assert MARK_B not in dump and MARK_B.encode().hex() not in dump, table


@pytest.mark.parametrize("person", [None, "", "0", "999"])
def test_naming_nobody_shows_nothing(shared: Shared, person: str | None) -> None:
    for table in RLS_TABLES:
        with shared.diary.engine.begin() as conn:
            _as(conn, person)
            assert conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() == 0, table


def test_the_person_setting_ends_with_its_transaction(shared: Shared) -> None:
    """The Diary names its person for one transaction only (set_config(..., true)): a pooled
    connection handed to the next request (or to Accounts) does not carry it."""
    a = shared.diary.for_person(shared.a)
    assert a.list_twitches()
    for _ in range(3):  # whichever pooled connection comes next
        with shared.diary.engine.connect() as conn:
            setting = conn.execute(
                text("SELECT current_setting('twitchwise.person_id', true)")
            ).scalar_one()
            assert not setting
            assert conn.execute(text("SELECT count(*) FROM twitches")).scalar_one() == 0


def test_changing_or_deleting_the_other_persons_rows_touches_nothing(shared: Shared) -> None:
    for table in RLS_TABLES:
        with shared.diary.engine.begin() as conn:
            _as(conn, shared.a)
            changed = conn.execute(
                text(f'UPDATE "{table}" SET person_id = person_id WHERE person_id = :b'),
                {"b": shared.b},
            )
            deleted = conn.execute(
                text(f'DELETE FROM "{table}" WHERE person_id <> :a'), {"a": shared.a}
            )
            assert changed.rowcount == deleted.rowcount == 0, table
    assert shared.diary.for_person(shared.b).row_counts() == {
        "twitches": 3,
        "checkins": 3,
        "day_values": 3,
        "assessments": 2,
        "experiments": 2,
    }


REFUSED = [
    "INSERT INTO twitches (person_id, at_utc, utc_offset_min, explicit_offset, local_day, site,"
    " count, created_at) VALUES (:b, now(), 0, true, current_date, 'neck', 1, now())",
    "INSERT INTO checkins (person_id, day, symptoms, medications, updated_at, no_twitches)"
    " VALUES (:b, '2030-01-01', '[]', '[]', now(), false)",
    "INSERT INTO day_values (person_id, day, metric, source, value, imported_at)"
    " VALUES (:b, '2030-01-01', 'steps', 'x', 1, now())",
    'INSERT INTO assessments (person_id, created_at, origin, "case", result)'
    " VALUES (:b, now(), 'web', '{}', '{}')",
    "INSERT INTO experiments (person_id, created_at, status, plan)"
    " VALUES (:b, now(), 'active', '{}')",
    "INSERT INTO import_jobs (id, person_id, filename, state, done, created_at, updated_at)"
    " VALUES ('planted', :b, 'x.zip', 'queued', 0, now(), now())",
    "UPDATE twitches SET person_id = :b",
    "UPDATE checkins SET person_id = :b",
    "UPDATE day_values SET person_id = :b",
    "UPDATE assessments SET person_id = :b",
    "UPDATE experiments SET person_id = :b",
    "UPDATE import_jobs SET person_id = :b",
    "UPDATE upload_chunks SET person_id = :b",
]


def test_writing_a_row_for_the_other_person_is_refused(shared: Shared) -> None:
    """WITH CHECK: A cannot plant rows in B's diary nor give A's rows away."""
    for statement in REFUSED:
        refused = pytest.raises(ProgrammingError, match="row-level security")
        with refused, shared.diary.engine.begin() as conn:
            _as(conn, shared.a)
            conn.execute(text(statement), {"b": shared.b})
    assert {t[:6] for t in REFUSED} == {"INSERT", "UPDATE"}


def test_deleting_a_person_deletes_their_rows_despite_forced_row_security(
    shared: Shared, app_postgres_url: str
) -> None:
    """The foreign keys' ON DELETE CASCADE runs as the tables' owner, which FORCE binds too:
    PostgreSQL's referential actions skip row security, so nothing of B is left behind."""
    with shared.diary.engine.begin() as conn:
        _as(conn, shared.a)  # deleting as A's request (the account page), or as nobody
        conn.execute(text("DELETE FROM people WHERE id = :b"), {"b": shared.b})
    with psycopg.connect(_superuser_url(app_postgres_url).replace("+psycopg", "")) as su:
        for table in RLS_TABLES:
            rows = su.execute(
                f'SELECT person_id, count(*) FROM "{table}" GROUP BY person_id'  # type: ignore[arg-type]
            ).fetchall()
            assert set(dict(rows)) <= {shared.a}, table


def test_a_superuser_connection_is_not_bound(shared: Shared, app_postgres_url: str) -> None:
    """Why `twitchwise serve` must not connect as a superuser (or a BYPASSRLS role): row security
    does not apply to it, so only the queries' own filters would stand between two people."""
    with Diary.open(_superuser_url(app_postgres_url)) as superuser:
        with superuser.engine.begin() as conn:
            _as(conn, shared.a)
            owners = set(conn.execute(text("SELECT person_id FROM twitches")).scalars())
        assert owners == {shared.a, shared.b}  # A named, and B's rows are there all the same
        # The Diary's filter still holds on its own: the first fence.
        assert MARK_B not in str(superuser.for_person(shared.a).all_rows())
