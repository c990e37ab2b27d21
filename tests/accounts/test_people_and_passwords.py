"""People and passwords: the rules (NIST 800-63B, ASVS 2.1), Argon2id hashing, changes."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchwise.accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    AccountError,
    Accounts,
    check_password_rules,
)
from twitchwise.accounts import _passwords as passwords
from twitchwise.diary import LOCAL_PERSON, Diary
from twitchwise.diary._models import PersonRow

from .conftest import OTHER_PASSWORD, PASSWORD, REAL_HASHER


def stored_hash(accounts: Accounts, person_id: int) -> str | None:
    with Session(accounts.engine) as session:
        row = session.get(PersonRow, person_id)
        assert row is not None
        return row.password_hash


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("a" * (MIN_PASSWORD - 1), "at least 12"),
        ("x" * (MAX_PASSWORD + 1), "at most 1024"),
        ("password1234", "too easy"),
        ("PASSWORD1234", "too easy"),
        ("correcthorsebatterystaple", "too easy"),
        ("abababababababab", "too easy"),  # fewer than 4 different characters
        ("someone@example.org", "not be your email"),
        (None, "must be text"),
        (1234567890123, "must be text"),
    ],
)
def test_password_rules_refuse(password: object, why: str) -> None:
    with pytest.raises(AccountError) as caught:
        check_password_rules(password, email="someone@example.org")
    assert caught.value.field == "password" and why in caught.value.message


@pytest.mark.parametrize(
    "password",
    ["a quiet harbour at dawn", "x7$Qm!2pLz#9", "ünïcödé pässwörd ✓", " spaces around "],
)
def test_password_rules_accept_long_passphrases_and_any_characters(password: str) -> None:
    assert check_password_rules(password) == password


def test_the_same_passphrase_typed_on_another_keyboard_is_the_same_password(
    accounts: Accounts,
) -> None:
    accounts.add_person(
        "ann@example.org", "ｆｕｌｌｗｉｄｔｈ harbour dawn"
    )  # NFKC: fullwidth = ASCII
    assert accounts.sign_in("ann@example.org", "fullwidth harbour dawn").email == "ann@example.org"


def test_passwords_are_hashed_with_argon2id_at_its_recommended_cost(
    accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(passwords, "hasher", REAL_HASHER)
    person = accounts.add_person("ann@example.org", PASSWORD)
    hashed = stored_hash(accounts, person.id)
    assert hashed is not None and hashed.startswith("$argon2id$v=19$")
    assert PASSWORD not in hashed
    params = dict(p.split("=") for p in hashed.split("$")[3].split(","))
    # OWASP's minimum for Argon2id is 19 MiB and 2 passes; pwdlib recommends more.
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2
    again = accounts.add_person("ben@example.org", PASSWORD)
    assert stored_hash(accounts, again.id) != hashed  # salted: same password, other hash


def test_an_old_hash_is_upgraded_at_the_next_sign_in(
    accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    cheap = stored_hash(accounts, person.id)
    monkeypatch.setattr(passwords, "hasher", REAL_HASHER)
    accounts.sign_in("ann@example.org", PASSWORD)
    upgraded = stored_hash(accounts, person.id)
    assert upgraded != cheap and upgraded is not None and "m=8192" not in upgraded
    assert accounts.sign_in("ann@example.org", PASSWORD).id == person.id


def test_the_first_account_takes_over_the_diary_kept_before_accounts(db_url: str) -> None:
    with Diary.open(db_url) as diary:
        diary.add_twitch(site="left_thigh", note="from before")
    accounts = Accounts.open(db_url)
    try:
        first = accounts.add_person("Ann@Example.org ", PASSWORD)
        second = accounts.add_person("ben@example.org", PASSWORD)
        assert (first.id, first.email) == (LOCAL_PERSON, "ann@example.org")
        assert second.id != LOCAL_PERSON
        with Diary.open(db_url) as diary:
            assert [t.note for t in diary.for_person(first.id).list_twitches()] == ["from before"]
            assert diary.for_person(second.id).list_twitches() == []
        assert [p.email for p in accounts.people()] == ["ann@example.org", "ben@example.org"]
    finally:
        accounts.close()


def test_an_email_has_one_account_and_must_be_an_email(accounts: Accounts) -> None:
    accounts.add_person("ann@example.org", PASSWORD)
    with pytest.raises(AccountError, match="already has an account"):
        accounts.add_person("ANN@example.org", OTHER_PASSWORD)
    for bad in ("ann", "ann@", "@example.org", "ann@example", "a b@example.org", "x" * 300):
        with pytest.raises(AccountError) as caught:
            accounts.add_person(bad, PASSWORD)
        assert caught.value.field == "email"
    assert accounts.find("Ann@Example.org").email == "ann@example.org"  # type: ignore[union-attr]
    with pytest.raises(AccountError, match="no account"):
        accounts.require("nobody@example.org")


def test_changing_the_password_checks_the_current_one_and_ends_other_sessions(
    accounts: Accounts,
) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    here, elsewhere = accounts.start_session(person.id), accounts.start_session(person.id)
    signed_here = accounts.session_person(here)
    assert signed_here is not None
    with pytest.raises(AccountError) as caught:
        accounts.change_password(person.id, "not the current one", OTHER_PASSWORD)
    assert caught.value.field == "current_password"
    with pytest.raises(AccountError) as caught:
        accounts.change_password(person.id, PASSWORD, "short")
    assert caught.value.field == "password"
    accounts.change_password(
        person.id, PASSWORD, OTHER_PASSWORD, keep_session=signed_here.session_hash
    )
    assert accounts.session_person(here) is not None
    assert accounts.session_person(elsewhere) is None
    with pytest.raises(AccountError):
        accounts.sign_in("ann@example.org", PASSWORD)
    assert accounts.sign_in("ann@example.org", OTHER_PASSWORD).id == person.id


def test_setting_a_password_at_the_command_line_ends_every_session(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    session = accounts.start_session(person.id)
    accounts.set_password(person.id, OTHER_PASSWORD)
    assert accounts.session_person(session) is None
    assert accounts.sign_in("ann@example.org", OTHER_PASSWORD).id == person.id
    with pytest.raises(AccountError):
        accounts.set_password(9999, OTHER_PASSWORD)


def test_a_damaged_stored_hash_is_a_refusal_not_a_crash(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    with Session(accounts.engine) as session, session.begin():
        row = session.scalars(select(PersonRow).where(PersonRow.id == person.id)).one()
        row.password_hash = "$argon2id$garbage"
    with pytest.raises(AccountError):
        accounts.sign_in("ann@example.org", PASSWORD)
