"""`twitchwise import diary DIR` and `twitchwise export diary DIR`: the diary CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from twitchwise.diary._errors import DiaryError

from ._app import export_app, import_app
from ._errors import fail
from ._open import open_diary

console = Console(soft_wrap=True)  # messages are not hard-wrapped: paths and ids stay whole
TWITCHES_FILE, DAYS_FILE = "twitches.csv", "days.csv"
"""The file names of `twitchwise.importers.diary_csv` (a test checks they agree), here so that
`--help` does not load the importer."""
_FOLDER = typer.Argument(metavar="DIR", help=f"Folder with {TWITCHES_FILE} and/or {DAYS_FILE}.")


@import_app.command("diary")
def import_diary(ctx: typer.Context, folder: Annotated[Path, _FOLDER]) -> None:
    """Import diary CSV files; every row is checked first, and on any error nothing is written."""
    from twitchwise.importers.diary_csv import import_diary_csv

    with open_diary(ctx) as diary:
        try:
            stats = import_diary_csv(diary, folder)
        except DiaryError as exc:
            count = len(exc.problems)
            head = "nothing was imported" + (f"; {count} problems" if count > 1 else "")
            fail(f"{head}:\n{exc}")
    twitches, days = stats.by_kind["twitches"], stats.by_kind["days"]
    console.print(
        f"Imported from {folder}: {twitches['added']} new twitches, {days['added']} new and "
        f"{days['updated']} changed check-ins; {stats.unchanged} entries were already there."
    )


@export_app.command("diary")
def export_diary(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to write the CSV files to.")
    ],
) -> None:
    """Write the diary as twitches.csv and days.csv (the folder is created if needed)."""
    from twitchwise.importers.diary_csv import export_diary_csv

    with open_diary(ctx) as diary:
        try:
            stats = export_diary_csv(diary, folder)
        except OSError as exc:
            fail(f"DIR: cannot write to {folder}: {exc.strerror}")
    console.print(
        f"Exported {stats.twitches} twitches and {stats.days} check-ins to "
        f"{folder / TWITCHES_FILE} and {folder / DAYS_FILE}."
    )
