"""`twitchwise import apple-health PATH`: an Apple Health export into the diary, with progress."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from ._app import db_url, import_app
from ._early import APPLE_HEALTH
from ._errors import fail
from ._open import quick_applies, store_import
from ._progress import progress_bar

if TYPE_CHECKING:
    from rich.progress import TaskID

    from twitchwise.diary import Diary
    from twitchwise.importers import Importer, ImportResult, Progress

console = Console()
SOURCE = APPLE_HEALTH
"""The importer's registered name (`AppleHealthImporter.name`; a test checks they agree)."""


@import_app.command("apple-health")
def import_apple_health(
    ctx: typer.Context,
    path: Annotated[
        Path,
        typer.Argument(
            metavar="PATH",
            help="export.zip from the Health app (or the export.xml inside it).",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check the export, write nothing.")
    ] = False,
) -> None:
    """Import sleep, caffeine, water, alcohol, workouts and more from an Apple Health export.

    The whole file is read and checked before anything is written; a damaged or truncated
    export changes nothing. Importing the same or a newer export again replaces the values
    from the last import (nothing doubles), and values typed in a check-in always win.
    """
    from twitchwise.importers import ImporterError, get_importer

    importer = get_importer(SOURCE)
    reading = _Reading(importer, path)  # its worker processes start before the bar loads
    quick = not dry_run and quick_applies(ctx)
    with progress_bar() as bar:
        task: TaskID = bar.add_task(f"Reading {path.name}", total=None)
        reading.report_to(lambda done, total: bar.update(task, completed=done, total=total))
        # A SQLite diary is written with the standard library afterwards (no SQLAlchemy to
        # load); any other is opened (for a new one: created) while the export is read.
        opened = None if dry_run or quick else _open(db_url(ctx))
        try:
            result = reading.result()
        except ImporterError as exc:
            _close(opened)
            fail(str(exc))
    if dry_run:
        _report(result, None, path)
        console.print("Dry run: nothing was written.")
        return
    stats = store_import(ctx, result.values, SOURCE, opened)
    _report(result, (stats.added, stats.updated, stats.unchanged), path)


class _Reading:
    """`importer.read` in a thread of its own, started first, so this one can load the progress
    bar and (for a diary that is not a SQLite file) open the diary meanwhile.

    A large export is read by worker processes, one per core, and the reading thread mostly
    waits for them; what the command does in the meantime is off the time a person waits.
    """

    def __init__(self, importer: Importer, path: Path) -> None:
        import threading

        self._outcome: list[ImportResult | BaseException] = []
        self._report: Progress | None = None
        self._latest: tuple[int, int | None] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._read, args=(importer, path), name="read-export", daemon=True
        )
        self._thread.start()

    def report_to(self, report: Progress) -> None:
        """Send progress to `report` from now on, starting with the latest news."""
        with self._lock:
            self._report, latest = report, self._latest
        if latest is not None:
            report(*latest)

    def _progress(self, done: int, total: int | None) -> None:
        with self._lock:
            self._latest, report = (done, total), self._report
        if report is not None:
            report(done, total)

    def _read(self, importer: Importer, path: Path) -> None:
        try:
            self._outcome.append(importer.read(path, self._progress))
        except BaseException as exc:  # handed to the caller's thread by `result`
            self._outcome.append(exc)

    def result(self) -> ImportResult:
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def _open(url: str) -> Diary | Exception:
    """The diary, or the error opening it (reported only if the export itself was fine)."""
    from twitchwise.diary import DatabaseFailure, Diary, DiaryError

    try:
        return Diary.open(url)
    except (DiaryError, DatabaseFailure) as exc:
        return exc


def _close(opened: Diary | Exception | None) -> None:
    if opened is not None and not isinstance(opened, Exception):
        opened.close()


def _report(result: ImportResult, changes: tuple[int, int, int] | None, path: Path) -> None:
    from rich.table import Table

    s = result.summary
    if not result.values:
        console.print(
            f"{path.name} holds no sleep, drinks, workouts or other values the diary uses "
            f"({s.records_used} usable records)."
        )
    else:
        span = f"{s.first_day} to {s.last_day}" if s.first_day != s.last_day else f"{s.first_day}"
        console.print(
            f"Read {s.bytes_read / 1e6:,.1f} MB from {path.name}: {s.days:,} days filled "
            f"({span}) from {s.records_used:,} records."
        )
        table = Table("metric", "days", box=None, pad_edge=False)
        for metric, count in s.metrics.items():
            table.add_row(metric, f"{count:,}")
        console.print(table)
    if changes is not None:
        added, updated, unchanged = changes
        console.print(
            f"Diary: {added:,} values added, {updated:,} updated, {unchanged:,} already there."
        )
    if s.skipped_types:
        names = ", ".join(_short(t) for t in s.skipped_types)
        console.print(
            f"Skipped {len(s.skipped_types)} record types the diary does not use: {names}."
        )
    if s.ignored:
        total = sum(s.ignored.values())
        console.print(f"Ignored {total:,} unreadable records:")
        for reason, count in s.ignored.items():
            console.print(f"  {count:,} × {reason}", highlight=False)


def _short(kind: str) -> str:
    for prefix in ("HKQuantityTypeIdentifier", "HKCategoryTypeIdentifier", "HKDataType"):
        kind = kind.removeprefix(prefix)
    return kind
