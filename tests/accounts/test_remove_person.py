"""Removing an account deletes every row of that person, in every table, and nobody else's."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from twitchwise.accounts import AccountError, Accounts, Person
from twitchwise.accounts._accounts import utc_now
from twitchwise.diary import LOCAL_PERSON, Diary
from twitchwise.diary._models import (
    RLS_TABLES,
    ImportJobRow,
    PasskeyRow,
    PushSubscriptionRow,
    UploadChunkRow,
)

from .conftest import PASSWORD

PERSON_TABLES = (*RLS_TABLES, "auth_sessions", "access_tokens", "passkeys")


def counts(accounts: Accounts, person_id: int) -> dict[str, int]:
    """Rows of `person_id` in every table that holds a person's rows (as the superuser or on
    SQLite, so row-level security does not hide any)."""
    with accounts.engine.connect() as conn:
        return {
            table: conn.execute(
                text(f"SELECT count(*) FROM {table} WHERE person_id = :p"),
                {"p": person_id},
            ).scalar_one()
            for table in PERSON_TABLES
        }


def fill(accounts: Accounts, diary: Diary, person: Person) -> None:
    """A row of `person` in every table that can hold one."""
    mine = diary.for_person(person.id)
    mine.add_twitch(site="left_thigh", note=f"note of {person.email}")
    mine.save_checkin(date(2026, 3, 2), sleep_hours=7)
    value = SimpleNamespace(day=date(2026, 3, 2), metric="sleep_hours", value=7.25)
    mine.import_day_values([value], source="health-connect")  # type: ignore[list-item]
    mine.save_experiment({"name": f"coffee of {person.email}"})
    mine.record_assessment({"sites": ["left_thigh"]}, {"triage": "self_care"}, "cli")
    accounts.start_session(person.id)
    accounts.new_token(person.id, "script")
    now = utc_now()
    with Session(accounts.engine) as session, session.begin():
        if accounts.engine.dialect.name == "postgresql":  # as that person, for RLS
            session.execute(
                text("SELECT set_config('twitchwise.person_id', :p, true)"), {"p": str(person.id)}
            )
        job_id = f"job{person.id}"
        session.add(
            ImportJobRow(
                id=job_id,
                person_id=person.id,
                filename="export.zip",
                state="done",
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        session.add(UploadChunkRow(job_id=job_id, seq=0, person_id=person.id, data=b"bytes"))
        session.add(
            PushSubscriptionRow(
                person_id=person.id,
                endpoint=f"https://push.example/{person.id}",
                p256dh="key",
                auth="auth",
                times=["21:00"],
                created_at=now,
            )
        )
        session.add(
            PasskeyRow(
                person_id=person.id,
                name="phone",
                credential_id=f"credential of {person.id}".encode(),
                public_key=b"public key",
                sign_count=0,
                created_at=now,
            )
        )


@pytest.fixture
def three(accounts: Accounts, db_url: str) -> Iterator[tuple[Diary, list[Person]]]:
    people = [accounts.add_person(f"{n}@example.org", PASSWORD) for n in ("ann", "ben", "cat")]
    diary = Diary.open(db_url)
    for person in people:
        fill(accounts, diary, person)
    yield diary, people
    diary.close()


def test_every_table_holding_a_persons_rows_is_filled(
    accounts: Accounts, three: tuple[Diary, list[Person]]
) -> None:
    """The fixture reaches every such table, so the tests below cannot pass by missing one."""
    for person in three[1]:
        assert all(counts(accounts, person.id).values()), counts(accounts, person.id)


def test_removing_a_person_deletes_their_rows_and_nobody_elses(
    accounts: Accounts, three: tuple[Diary, list[Person]]
) -> None:
    diary, (ann, ben, cat) = three
    before = {p.id: counts(accounts, p.id) for p in (ann, cat)}
    accounts.remove_person(ben.id)
    assert set(counts(accounts, ben.id).values()) == {0}
    assert accounts.get(ben.id) is None and accounts.find("ben@example.org") is None
    assert {p.id: counts(accounts, p.id) for p in (ann, cat)} == before
    notes = [t.note for t in diary.for_person(cat.id).list_twitches()]
    assert notes == ["note of cat@example.org"]


def test_removing_the_first_account_empties_the_local_diary_but_keeps_its_row(
    accounts: Accounts, three: tuple[Diary, list[Person]], db_url: str
) -> None:
    diary, (ann, ben, cat) = three
    assert ann.id == LOCAL_PERSON
    before = {p.id: counts(accounts, p.id) for p in (ben, cat)}
    accounts.remove_person(ann.id)
    assert set(counts(accounts, ann.id).values()) == {0}
    left = accounts.get(LOCAL_PERSON)
    assert left is not None and left.email is None and not left.has_password
    assert {p.id: counts(accounts, p.id) for p in (ben, cat)} == before
    with pytest.raises(AccountError):
        accounts.sign_in("ann@example.org", PASSWORD)
    # The next account takes over the (now empty) local diary.
    again = accounts.add_person("dan@example.org", PASSWORD)
    assert again.id == LOCAL_PERSON and diary.for_person(again.id).list_twitches() == []


def test_removing_nobody_is_an_error(accounts: Accounts) -> None:
    with pytest.raises(AccountError):
        accounts.remove_person(4242)


@pytest.mark.postgres
def test_removing_works_for_an_ordinary_role_that_row_level_security_binds(
    app_postgres_url: str, postgres_url: str
) -> None:
    """As the server's ordinary role, RLS hides rows of any person not named for the
    transaction: removing must still reach every row (counted here as the superuser)."""
    accounts = Accounts.open(app_postgres_url)
    diary = Diary.open(app_postgres_url)
    try:
        people = [accounts.add_person(f"{n}@example.org", PASSWORD) for n in ("ann", "ben")]
        for person in people:
            fill(accounts, diary, person)
        accounts.remove_person(people[1].id)
        accounts.remove_person(people[0].id)
        superuser = Accounts.open(app_postgres_url.replace("twitchwise_app@", "postgres@", 1))
        try:
            for person in people:
                assert set(counts(superuser, person.id).values()) == {0}
        finally:
            superuser.close()
    finally:
        diary.close()
        accounts.close()
