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
TWITCHES_FILE, DAYS_FILE, DAY_VALUES_FILE = "twitches.csv", "days.csv", "day_values.csv"
"""The file names of `twitchwise.importers.diary_csv` (a test checks they agree), here so that
`--help` does not load the importer."""
_FOLDER = typer.Argument(
    metavar="DIR", help=f"Folder with {TWITCHES_FILE}, {DAYS_FILE} and/or {DAY_VALUES_FILE}."
)


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
        f"{days['updated']} changed check-ins{_imported_values(stats.by_kind)}; "
        f"{stats.unchanged} entries were already there."
    )


def _imported_values(by_kind: dict[str, dict[str, int]]) -> str:
    values = by_kind.get("day_values", {})
    if not values.get("added") and not values.get("updated"):
        return ""
    return f", {values['added']} new and {values['updated']} changed imported values"


@export_app.command("diary")
def export_diary(
    ctx: typer.Context,
    folder: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder to write the CSV files to.")
    ],
) -> None:
    """Write the diary as twitches.csv, days.csv and day_values.csv (values imported from other
    apps, with their source); the folder is created if needed."""
    from twitchwise.importers.diary_csv import export_diary_csv

    with open_diary(ctx) as diary:
        try:
            stats = export_diary_csv(diary, folder)
        except OSError as exc:
            fail(f"DIR: cannot write to {folder}: {exc.strerror}")
    console.print(
        f"Exported {stats.twitches} twitches, {stats.days} check-ins and {stats.day_values} "
        f"imported values to {folder / TWITCHES_FILE}, {folder / DAYS_FILE} and "
        f"{folder / DAY_VALUES_FILE}."
    )
