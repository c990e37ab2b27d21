"""`read_export`: locate the export, read its records, check the file, build the day values."""

from __future__ import annotations

from pathlib import Path

from .._base import ImportResult, Progress, register
from ._days import DayBuilder
from ._parts import PARTS_FROM, read_in_parts
from ._scan import Unsupported, scan
from ._source import AppleHealthError, ExportFile, locate
from ._validate import BackgroundCheck, Checker

PARALLEL_FROM = 48 << 20
"""From this XML size on, the well-formedness check runs in a second process."""


def read_export(
    path: str | Path, progress: Progress | None = None, *, parallel: bool | None = None
) -> ImportResult:
    """Read an Apple Health export (zip or XML) into per-day values, writing nothing.

    The whole file is read and checked before anything is returned, so a damaged or truncated
    export raises `AppleHealthError` and the caller has nothing half-done to undo. `progress`
    is called with (bytes of XML read, total bytes of XML) as reading advances. `parallel`
    forces the use of other processes (True: a plain export.xml is read in parts, one per core,
    a zip is checked in a second process) or keeps everything in this one (False).
    """
    export = locate(Path(path))
    split = parallel if parallel is not None else export.size >= PARTS_FROM
    if split and export.member is None:
        found = read_in_parts(export, progress)
        if found is not None:
            values = found.values()
            return ImportResult(values, found.summary(values, export.size))
        parallel = False  # something unusual (or one core): the ordinary way says what
    if parallel is None:
        parallel = export.size >= PARALLEL_FROM
    builder = DayBuilder()
    try:
        if parallel:
            _scan_with_background_check(export, builder, progress)
        else:
            checker = Checker(export)
            scan(export, checker.tee(export.chunks(progress)), builder)
    except Unsupported:
        from ._reference import read_reference  # lxml's pull parser: loaded only when needed

        builder = DayBuilder()
        read_reference(export, export.chunks(progress), builder)
    values = builder.values()
    return ImportResult(values, builder.summary(values, export.size))


def _scan_with_background_check(
    export: ExportFile, builder: DayBuilder, progress: Progress | None
) -> None:
    try:
        check = BackgroundCheck(export)
    except OSError:
        checker = Checker(export)
        scan(export, checker.tee(export.chunks(progress)), builder)
        return
    try:
        if progress is None:
            scan(export, export.chunks(), builder)
        else:

            def both(done: int, total: int | None) -> None:
                progress(min(done, check.bytes_done), total)

            scan(export, export.chunks(both), builder)
            while not check.wait(0.1):
                progress(check.bytes_done, export.size)
    except BaseException:
        check.cancel()
        raise
    check.result()
    if progress is not None:
        progress(export.size, export.size)


class AppleHealthImporter:
    """The Apple Health importer, registered as ``apple-health``."""

    name = "apple-health"
    label = "Apple Health"

    def detect(self, path: Path) -> bool:
        try:
            locate(Path(path))
        except AppleHealthError:
            return False
        return True

    def read(self, path: Path, progress: Progress | None = None) -> ImportResult:
        return read_export(path, progress)


register(AppleHealthImporter())
