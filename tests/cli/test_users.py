"""`twitchwise user ...` and the global `--as EMAIL`, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import Result
from typer.testing import CliRunner

from twitchwise.accounts import Accounts
from twitchwise.cli import app
from twitchwise.diary import LOCAL_PERSON, Diary

runner = CliRunner()
PASSWORD = "plum orchard lantern"
OTHER = "harbour violet kettle"


def run(url: str, *args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["--db", url, *args], input=stdin, catch_exceptions=False)


def add(url: str, email: str, password: str = PASSWORD) -> None:
    result = run(url, "user", "add", email, "--password-stdin", stdin=password + "\n")
    assert result.exit_code == 0, result.output


def test_add_prompts_twice_and_the_password_signs_in(db_url: str) -> None:
    result = run(db_url, "user", "add", "A@Example.org", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input: never echoed
    assert "Added a@example.org" in result.output
    accounts = Accounts.open(db_url)
    try:
        assert accounts.sign_in("a@example.org", PASSWORD).id == LOCAL_PERSON  # took over
    finally:
        accounts.close()


def test_add_with_prompts_that_differ_adds_nobody(db_url: str) -> None:
    result = run(db_url, "user", "add", "a@example.org", stdin=f"{PASSWORD}\n{OTHER}\n")
    assert result.exit_code != 0
    accounts = Accounts.open(db_url)
    try:
        assert accounts.find("a@example.org") is None
    finally:
        accounts.close()


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", PASSWORD, "email: 'not-an-email' is not an email address"),
        ("a@example.org", "short", "password: must be at least 12 characters long"),
        ("a@example.org", "password1234", "password: is too easy to guess"),
        ("a@example.org", "", "password: standard input held no password"),
    ],
)
def test_add_refusals_name_the_field(
    sqlite_url: str, email: str, password: str, message: str
) -> None:
    result = run(sqlite_url, "user", "add", email, "--password-stdin", stdin=password + "\n")
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_the_same_email_twice_is_refused(sqlite_url: str) -> None:
    add(sqlite_url, "a@example.org")
    result = run(sqlite_url, "user", "add", "A@example.org ", "--password-stdin", stdin="x\n")
    assert result.exit_code == 2 and "email: a@example.org already has an account" in result.output


def test_list_shows_each_account_and_its_entries(db_url: str) -> None:
    add(db_url, "a@example.org")
    add(db_url, "b@example.org")
    assert run(db_url, "--as", "b@example.org", "log", "neck").exit_code == 0
    result = run(db_url, "user", "list")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "email" in lines[0] and "twitches" in lines[0]
    a_line = next(line for line in lines if "a@example.org" in line)
    b_line = next(line for line in lines if "b@example.org" in line)
    assert a_line.split()[-2:] == ["0", "0"] and b_line.split()[-2:] == ["1", "0"]


def test_list_without_accounts_says_how_to_add_one(sqlite_url: str) -> None:
    result = run(sqlite_url, "user", "list")
    assert result.exit_code == 0 and "twitchwise user add EMAIL" in result.output


def test_as_writes_to_that_persons_diary_only(db_url: str) -> None:
    add(db_url, "a@example.org")
    add(db_url, "b@example.org")
    result = run(db_url, "--as", "B@example.org", "log", "left_thigh", "--note", "b's")
    assert result.exit_code == 0, result.output
    assert run(db_url, "log", "neck", "--note", "local").exit_code == 0
    accounts = Accounts.open(db_url)
    try:
        b = accounts.require("b@example.org").id
    finally:
        accounts.close()
    with Diary.open(db_url) as diary:
        assert [t.note for t in diary.list_twitches()] == ["local"]  # a took over person 1
        assert [t.note for t in diary.for_person(b).list_twitches()] == ["b's"]
    shown = run(db_url, "--as", "b@example.org", "diary")
    assert "b's" in shown.output and "local" not in shown.output


def test_as_from_the_environment(sqlite_url: str) -> None:
    add(sqlite_url, "a@example.org")
    add(sqlite_url, "b@example.org")
    result = runner.invoke(
        app, ["--db", sqlite_url, "log", "neck"], env={"TWITCHWISE_AS": "b@example.org"}
    )
    assert result.exit_code == 0, result.output
    with Diary.open(sqlite_url) as diary:
        assert diary.list_twitches() == []
        assert len(diary.for_person(2).list_twitches()) == 1


def test_as_an_unknown_email_is_one_line_and_writes_nothing(sqlite_url: str) -> None:
    add(sqlite_url, "a@example.org")
    result = run(sqlite_url, "--as", "nobody@example.org", "log", "neck")
    assert result.exit_code == 2
    assert result.output.strip() == "error: --as: there is no account for nobody@example.org"
    with Diary.open(sqlite_url) as diary:
        assert diary.list_twitches() == []


def test_remove_asks_for_the_email_and_deletes_their_diary(db_url: str) -> None:
    add(db_url, "a@example.org")
    add(db_url, "b@example.org")
    assert run(db_url, "--as", "b@example.org", "log", "neck").exit_code == 0
    refused = run(db_url, "user", "remove", "b@example.org", stdin="yes\n")
    assert refused.exit_code == 1 and "nothing was removed" in refused.output
    result = run(db_url, "user", "remove", "b@example.org", stdin="b@example.org\n")
    assert result.exit_code == 0, result.output
    with Diary.open(db_url) as diary:
        assert diary.for_person(2).list_twitches() == []
    again = run(db_url, "user", "remove", "b@example.org", "--yes")
    assert again.exit_code == 2 and "email: there is no account for b@example.org" in again.output


def test_token_prints_only_the_token_on_stdout_and_it_signs_in(db_url: str) -> None:
    add(db_url, "a@example.org")
    result = run(db_url, "user", "token", "a@example.org", "--name", "phone shortcut")
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith("tw_") and "\n" not in secret
    assert "shown once" in result.stderr
    accounts = Accounts.open(db_url)
    try:
        signed_in = accounts.token_person(secret)
        assert signed_in is not None and signed_in.person.email == "a@example.org"
        assert [t.name for t in accounts.tokens(signed_in.person.id)] == ["phone shortcut"]
    finally:
        accounts.close()


def test_password_sets_a_new_one_and_ends_their_sessions(db_url: str) -> None:
    add(db_url, "a@example.org")
    accounts = Accounts.open(db_url)
    try:
        cookie = accounts.start_session(LOCAL_PERSON)
        result = run(db_url, "user", "password", "a@example.org", "--password-stdin", stdin=OTHER)
        assert result.exit_code == 0, result.output
        assert accounts.session_person(cookie) is None
        assert accounts.sign_in("a@example.org", OTHER).id == LOCAL_PERSON
        short = run(db_url, "user", "password", "a@example.org", "--password-stdin", stdin="x")
        assert short.exit_code == 2 and "password: must be at least" in short.output
    finally:
        accounts.close()


@pytest.mark.postgres
def test_as_and_list_as_an_ordinary_role_that_row_level_security_binds(
    app_postgres_url: str,
) -> None:
    add(app_postgres_url, "a@example.org")
    add(app_postgres_url, "b@example.org")
    assert run(app_postgres_url, "--as", "b@example.org", "log", "neck").exit_code == 0
    checkin = run(app_postgres_url, "--as", "b@example.org", "checkin", "--sleep-hours", "7")
    assert checkin.exit_code == 0, checkin.output
    listed = run(app_postgres_url, "user", "list").output.splitlines()
    assert next(line for line in listed if "b@example.org" in line).split()[-2:] == ["1", "1"]
    shown = run(app_postgres_url, "diary").output
    assert "neck" not in shown.lower()
