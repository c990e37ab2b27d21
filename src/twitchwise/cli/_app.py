"""The root Typer app, its global options, and the shared `import` and `export` groups."""

from __future__ import annotations

from typing import Annotated

import typer

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
) -> None:
    ctx.obj = Settings(db=db) if db else Settings()


def settings(ctx: typer.Context) -> Settings:
    """The settings built by the root callback (a fresh default when called outside it)."""
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Settings) else Settings()
