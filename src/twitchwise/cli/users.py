"""`twitchwise user add|list|remove|token|password`: the accounts of a shared server.

The server's owner manages accounts at the command line on the server itself (where `--db`
reaches the database): nobody can create an account from the network. Passwords are prompted
with hidden input (twice) or read from standard input (`--password-stdin`, for scripts), never
taken as an argument, which would leave them in the shell history and the process list.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ._app import app, db_url
from ._errors import fail

if TYPE_CHECKING:
    from twitchwise.accounts import Accounts, Person

console = Console(soft_wrap=True)
user_app = typer.Typer(
    help="Accounts on a shared server: add, list, remove, tokens, passwords.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")

EMAIL_ARG = typer.Argument(metavar="EMAIL", help="The person's email address (their sign-in).")
PASSWORD_STDIN = typer.Option(
    "--password-stdin",
    help="Read the password from standard input (one line) instead of asking for it.",
)


@contextmanager
def open_accounts(ctx: typer.Context) -> Iterator[Accounts]:
    """The accounts of `--db`; an unusable database or a refused request is one line, exit 2."""
    from twitchwise.accounts import AccountError, Accounts
    from twitchwise.diary import DatabaseFailure, DiaryError

    try:
        accounts = Accounts.open(db_url(ctx))
    except (DiaryError, DatabaseFailure) as exc:
        fail(str(exc))
    try:
        yield accounts
    except (AccountError, DiaryError, DatabaseFailure) as exc:
        fail(str(exc))
    finally:
        accounts.close()


def _read_password(from_stdin: bool, prompt: str) -> str:
    """The new password: one line of standard input, or typed twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            fail("password: standard input held no password (--password-stdin reads one line)")
        return password
    entered: str = typer.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return entered


def _person(accounts: Accounts, email: str) -> Person:
    return accounts.require(email)


@user_app.command("add")
def add(
    ctx: typer.Context,
    email: Annotated[str, EMAIL_ARG],
    password_stdin: Annotated[bool, PASSWORD_STDIN] = False,
) -> None:
    """Create an account. The first account takes over the diary kept before accounts."""
    from twitchwise.accounts import AccountError, check_password_rules
    from twitchwise.accounts._accounts import normalise_email

    try:  # check what was typed before asking for a password twice
        cleaned = normalise_email(email)
    except AccountError as exc:
        fail(str(exc))
    with open_accounts(ctx) as accounts:
        if accounts.find(cleaned) is not None:
            fail(f"email: {cleaned} already has an account")
        password = _read_password(password_stdin, f"Password for {cleaned}")
        check_password_rules(password, email=cleaned)
        person = accounts.add_person(cleaned, password)
    console.print(f"Added {person.email} (person {person.id}).", highlight=False)


@user_app.command("list")
def list_(ctx: typer.Context) -> None:
    """List the accounts, when each was made, and how much each diary holds."""
    from rich.table import Table

    from twitchwise.diary import Diary

    with open_accounts(ctx) as accounts:
        people = accounts.people()
        table = Table("email", "created (UTC)", "twitches", "check-ins", box=None, pad_edge=False)
        diary = Diary(accounts.engine, str(accounts.engine.url))
        for person in people:
            mine = diary.for_person(person.id)
            twitches, checkins = len(mine.list_twitches()), len(mine.list_checkins())
            if person.email is None and not twitches and not checkins:
                continue  # the empty diary kept for "no accounts yet" is nobody's
            table.add_row(
                person.email or "(no account: the local diary)",
                person.created_at.strftime("%Y-%m-%d %H:%M"),
                f"{twitches:,}",
                f"{checkins:,}",
            )
    if not table.rows:
        console.print("No accounts yet; add one with `twitchwise user add EMAIL`.")
        return
    console.print(table)


@user_app.command("remove")
def remove(
    ctx: typer.Context,
    email: Annotated[str, EMAIL_ARG],
    yes: Annotated[
        bool, typer.Option("--yes", help="Remove without asking (deletes their whole diary).")
    ] = False,
) -> None:
    """Remove an account and delete everything in that person's diary."""
    from rich.prompt import Prompt

    with open_accounts(ctx) as accounts:
        person = _person(accounts, email)
        if not yes:
            answer = Prompt.ask(
                f"This deletes {person.email} and their whole diary. Type their email to confirm",
                default="",
            )
            if answer.strip().lower() != person.email:
                fail("yes: nothing was removed (confirm with --yes or by typing the email)", code=1)
        accounts.remove_person(person.id)
    console.print(f"Removed {person.email} and their diary.", highlight=False)


@user_app.command("token")
def token(
    ctx: typer.Context,
    email: Annotated[str, EMAIL_ARG],
    name: Annotated[
        str, typer.Option("--name", help="What the token is for, to recognise it later.")
    ] = "command line",
) -> None:
    """Print a new personal access token for the JSON API (Authorization: Bearer TOKEN).

    The token is printed once, alone on standard output (so `$(twitchwise user token ...)`
    captures it); only its hash is stored. Revoke it in the web app.
    """
    with open_accounts(ctx) as accounts:
        person = _person(accounts, email)
        made, secret = accounts.new_token(person.id, name)
    typer.echo(secret)
    typer.echo(
        f"Token {made.name!r} for {person.email}: shown once, keep it like a password.", err=True
    )


@user_app.command("password")
def password(
    ctx: typer.Context,
    email: Annotated[str, EMAIL_ARG],
    password_stdin: Annotated[bool, PASSWORD_STDIN] = False,
) -> None:
    """Set a new password for an account; every browser signed in to it is signed out."""
    from twitchwise.accounts import check_password_rules

    with open_accounts(ctx) as accounts:
        person = _person(accounts, email)
        new = _read_password(password_stdin, f"New password for {person.email}")
        check_password_rules(new, email=person.email)
        accounts.set_password(person.id, new)
    console.print(
        f"Password of {person.email} changed; they are signed out everywhere.", highlight=False
    )
