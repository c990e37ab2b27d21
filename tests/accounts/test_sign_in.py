"""Signing in: no telling whether an email has an account, and a failure limit kept in the
database, so that it holds across server processes."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchwise.accounts import AccountError, Accounts, TooManyAttempts
from twitchwise.accounts._accounts import FAILURES_PER_CLIENT, FAILURES_PER_EMAIL, WINDOW
from twitchwise.diary._models import SignInAttemptRow

from .conftest import PASSWORD

NO_MATCH = "that email and password do not match an account"


def test_sign_in_finds_the_person_whatever_the_case_of_the_email(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    assert accounts.sign_in("  ANN@example.ORG ", PASSWORD, client="10.0.0.1").id == person.id


def _refusal(accounts: Accounts, email: object, password: object, client: str) -> AccountError:
    with pytest.raises(AccountError) as caught:
        accounts.sign_in(email, password, client=client)  # type: ignore[arg-type]
    assert not isinstance(caught.value, TooManyAttempts)
    return caught.value


def test_an_unknown_email_and_a_wrong_password_are_refused_alike(accounts: Accounts) -> None:
    accounts.add_person("ann@example.org", PASSWORD)
    wrong = _refusal(accounts, "ann@example.org", "a wrong password here", "10.0.0.1")
    unknown = _refusal(accounts, "nobody@example.org", PASSWORD, "10.0.0.2")
    malformed = _refusal(accounts, "not an email", PASSWORD, "10.0.0.3")
    not_text = _refusal(accounts, None, None, "10.0.0.4")
    for refusal in (wrong, unknown, malformed, not_text):
        assert (refusal.field, refusal.message) == ("email", NO_MATCH)


_local = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=1, max_size=20)
_emails = st.builds(lambda local, domain: f"{local}@{domain}.org", _local, _local)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(email=_emails, known=st.booleans(), password=st.text(max_size=40))
def test_no_answer_tells_whether_an_email_has_an_account(
    sqlite_url: str, email: str, known: bool, password: str
) -> None:
    accounts = Accounts.open(sqlite_url)
    try:
        if known:
            with contextlib.suppress(AccountError):  # there already, or an address refused
                accounts.add_person(email, PASSWORD)
        guess = password if password != PASSWORD else password + "!"
        with pytest.raises(AccountError) as caught:
            accounts.sign_in(email, guess, client=f"client-{email}")
        if not isinstance(caught.value, TooManyAttempts):
            assert (caught.value.field, caught.value.message) == ("email", NO_MATCH)
    finally:
        accounts.close()


def test_failures_for_one_email_are_counted_across_processes(db_url: str) -> None:
    """Two Accounts on one database stand for two server processes: the limit is shared."""
    first, second = Accounts.open(db_url), Accounts.open(db_url)
    try:
        first.add_person("ann@example.org", PASSWORD)
        for attempt in range(FAILURES_PER_EMAIL):
            server = (first, second)[attempt % 2]
            _refusal(server, "ann@example.org", "a wrong password here", f"10.0.0.{attempt}")
        for server in (first, second):
            with pytest.raises(TooManyAttempts) as caught:
                server.sign_in("ann@example.org", PASSWORD, client="10.9.9.9")
            assert 0 < caught.value.retry_after_s <= WINDOW.total_seconds()
        _age_attempts(first, WINDOW + timedelta(seconds=1))  # the window has passed
        assert second.sign_in("ann@example.org", PASSWORD).email == "ann@example.org"
    finally:
        first.close()
        second.close()


def test_failures_from_one_client_are_limited_across_emails(db_url: str) -> None:
    first, second = Accounts.open(db_url), Accounts.open(db_url)
    try:
        first.add_person("ann@example.org", PASSWORD)
        for attempt in range(FAILURES_PER_CLIENT):
            server = (first, second)[attempt % 2]
            _refusal(server, f"guess{attempt}@example.org", PASSWORD, "203.0.113.7")
        with pytest.raises(TooManyAttempts):
            second.sign_in("ann@example.org", PASSWORD, client="203.0.113.7")
        # Another client is not held back by that one's failures.
        assert first.sign_in("ann@example.org", PASSWORD, client="198.51.100.1").id == 1
    finally:
        first.close()
        second.close()


def test_a_success_clears_the_emails_failures(accounts: Accounts) -> None:
    accounts.add_person("ann@example.org", PASSWORD)
    for _ in range(FAILURES_PER_EMAIL - 1):
        _refusal(accounts, "ann@example.org", "a wrong password here", "10.0.0.1")
    accounts.sign_in("ann@example.org", PASSWORD, client="10.0.0.1")
    for _ in range(FAILURES_PER_EMAIL - 1):
        _refusal(accounts, "ann@example.org", "a wrong password here", "10.0.0.1")
    assert accounts.sign_in("ann@example.org", PASSWORD, client="10.0.0.1").id == 1


def test_guessing_the_current_password_counts_as_failed_sign_ins(accounts: Accounts) -> None:
    person = accounts.add_person("ann@example.org", PASSWORD)
    for _ in range(FAILURES_PER_EMAIL):
        with pytest.raises(AccountError) as caught:
            accounts.change_password(person.id, "a guess at it", "seven green lanterns")
        assert caught.value.field == "current_password"
    with pytest.raises(TooManyAttempts):
        accounts.change_password(person.id, PASSWORD, "seven green lanterns")
    with pytest.raises(TooManyAttempts):
        accounts.sign_in("ann@example.org", PASSWORD)


def test_the_limit_keeps_only_hashes_of_emails_and_addresses(accounts: Accounts) -> None:
    _refusal(accounts, "ann@example.org", "a wrong password here", "203.0.113.7")
    with Session(accounts.engine) as session:
        keys = session.scalars(select(SignInAttemptRow.key)).all()
    assert len(keys) == 2 and all(len(k) == 64 and "example" not in k for k in keys)


def _age_attempts(accounts: Accounts, by: timedelta) -> None:
    with Session(accounts.engine) as session, session.begin():
        for row in session.scalars(select(SignInAttemptRow)):
            row.at -= by
