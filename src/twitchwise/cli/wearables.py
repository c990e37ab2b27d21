"""`twitchwise import health-connect|fitbit|garmin|auto PATH`: Android and wearable exports.

One shared flow for every importer: read and check the whole export with a progress bar, then
store every value in one diary transaction (or, with ``--dry-run``, nothing; a SQLite diary is
written through the quick path, `diary/_quick.py`, as `import apple-health` does), then say what was
filled, what was skipped and why. Heavy modules (the diary, the importers, rich's progress bar)
are imported inside the commands so ``twitchwise --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._app import import_app
from ._errors import err_console, fail
from ._open import store_import
from ._progress import progress_bar

if TYPE_CHECKING:
    from twitchwise.importers import Importer, ImportResult

PathArg = Annotated[Path, typer.Argument(metavar="PATH", help="The export file (or folder).")]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Read and check the export, write nothing.")
]


@import_app.command("health-connect")
def import_health_connect(ctx: typer.Context, path: PathArg, dry_run: DryRun = False) -> None:
    """Import sleep, caffeine, water, exercise and steps from Android's Health Connect export.

    PATH is the "Health Connect.zip" the phone saves (Health Connect > Manage data > Export
    data), or the health_connect_export.db inside it. Samsung Health, Fitbit, Garmin, Oura,
    Withings and others write into Health Connect, so one export holds them all. The file is
    read from a private read-only copy and checked before anything is written.
    """
    _run(ctx, "health-connect", path, dry_run)


@import_app.command("auto")
def import_auto(ctx: typer.Context, path: PathArg, dry_run: DryRun = False) -> None:
    """Recognise the export by its content (Apple Health, Health Connect, ...) and import it."""
    from twitchwise.importers import available_importers, detect_importer

    importer = detect_importer(path)
    if importer is None:
        known = ", ".join(i.label for i in available_importers())
        if not path.exists():
            fail(f"{path}: no such file")
        fail(f"{path.name} is not an export twitchwise recognises (it reads: {known})")
    err_console.print(f"{path.name}: {importer.label} export", highlight=False)
    _run(ctx, importer.name, path, dry_run, importer)


def _run(
    ctx: typer.Context, name: str, path: Path, dry_run: bool, importer: Importer | None = None
) -> None:
    """Read `path` with the importer `name`, then store it all at once (unless `dry_run`)."""
    from twitchwise.importers import ImporterError, get_importer

    importer = importer or get_importer(name)
    with progress_bar() as bar:
        task = bar.add_task(f"Reading {path.name}", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = importer.read(path, progress)
        except ImporterError as exc:
            fail(f"nothing was imported: {exc}")
    if dry_run:
        report(result, None, path)
        typer.echo("Dry run: nothing was written.")
        return
    stats = store_import(ctx, result.values, importer.name)
    report(result, (stats.added, stats.updated, stats.unchanged), path)


def report(result: ImportResult, changes: tuple[int, int, int] | None, path: Path) -> None:
    """What was filled, what the diary already had, and everything that was skipped and why."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    s = result.summary
    if not result.values:
        console.print(
            f"{path.name} holds no sleep, drinks, exercise or other values the diary uses "
            f"({s.records_used:,} usable records).",
            highlight=False,
        )
    else:
        span = f"{s.first_day} to {s.last_day}" if s.first_day != s.last_day else f"{s.first_day}"
        console.print(
            f"Read {s.bytes_read / 1e6:,.1f} MB from {path.name}: {s.days:,} days filled "
            f"({span}) from {s.records_used:,} records.",
            highlight=False,
        )
        table = Table("metric", "days", box=None, pad_edge=False)
        for metric, count in s.metrics.items():
            table.add_row(metric, f"{count:,}")
        console.print(table)
    if changes is not None:
        added, updated, unchanged = changes
        console.print(
            f"Diary: {added:,} values added, {updated:,} updated, {unchanged:,} already there. "
            "Values you typed in a check-in always win over imported ones.",
            highlight=False,
        )
    for note in s.notes:
        console.print(f"Note: {note}", highlight=False)
    if s.skipped_types:
        console.print(
            f"Skipped {len(s.skipped_types)} kinds of data the diary does not use: "
            f"{', '.join(s.skipped_types)}.",
            highlight=False,
        )
    if s.ignored:
        console.print(f"Ignored {sum(s.ignored.values()):,} unreadable records:")
        for reason, count in s.ignored.items():
            console.print(f"  {count:,} × {reason}", highlight=False)


@import_app.command("fitbit")
def import_fitbit(ctx: typer.Context, path: PathArg, dry_run: DryRun = False) -> None:
    """Import sleep, exercise, water and steps from a Fitbit export (Takeout or MyFitbitData).

    PATH is the Takeout zip (or the folder you unzipped), or the older fitbit.com export.
    Every file used is read and checked before anything is written.
    """
    _run(ctx, "fitbit", path, dry_run)


@import_app.command("garmin")
def import_garmin(ctx: typer.Context, path: PathArg, dry_run: DryRun = False) -> None:
    """Import sleep from a Garmin Connect account export (the zip Garmin e-mails you).

    Only the nightly sleep files are read; daily summaries and activities are named in the
    summary as not read, because their layout has not been confirmed from a real export.
    """
    _run(ctx, "garmin", path, dry_run)
