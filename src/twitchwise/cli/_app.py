"""The root Typer app, its global options, and the shared `import` and `export` groups."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from twitchwise.settings import Settings

from . import _help

_help.install()

app = typer.Typer(
    name="twitchwise",
    help="Guidance, a diary and honest statistics for muscle twitching. Guidance, not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
import_app = typer.Typer(help="Import data into the diary.", no_args_is_help=True)
export_app = typer.Typer(help="Export the diary.", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="TWITCHWISE_DB",
            help="Database URL or SQLite file path (default: SQLite in your user data folder).",
        ),
    ] = None,
    as_email: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="TWITCHWISE_AS",
            metavar="EMAIL",
            help="On a shared database: act on this account's diary (default: the local diary, "
            "person 1, as without accounts).",
        ),
    ] = None,
) -> None:
    ctx.obj = _Root(db, as_email or None)


@dataclass
class _Root:
    """What the root callback was given; `Settings` (pydantic-settings) is built on first use,
    so `--help` and commands that need no settings never import it."""

    db: str | None
    as_email: str | None = None
    built: Settings | None = None


def as_email(ctx: typer.Context) -> str | None:
    """The account whose diary the command acts on (`--as`/TWITCHWISE_AS), if one was named."""
    obj = ctx.find_root().obj
    return obj.as_email if isinstance(obj, _Root) else None


def db_url(ctx: typer.Context) -> str:
    """The diary's URL: `--db`/TWITCHWISE_DB, else the default; `Settings` only when needed."""
    obj = ctx.find_root().obj
    if isinstance(obj, _Root) and obj.built is None:
        if obj.db:
            from twitchwise._datadir import db_url as as_url

            return as_url(obj.db)
        if "TWITCHWISE_DB" not in os.environ:  # an empty one: let Settings judge it, as before
            from twitchwise._datadir import default_db_url

            return default_db_url()
    return settings(ctx).db


def settings(ctx: typer.Context) -> Settings:
    """The settings of the root callback's options (a fresh default when called outside it)."""
    from twitchwise.settings import Settings

    obj = ctx.find_root().obj
    if not isinstance(obj, _Root):
        return Settings()
    if obj.built is None:
        obj.built = Settings(db=obj.db) if obj.db else Settings()
    return obj.built
