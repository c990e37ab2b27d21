"""The small interface every importer follows, and the registry the CLI and web app look in.

An importer turns one export file (Apple Health today; Health Connect, Fitbit or Google Fit
later) into per-day values for the diary. It never writes: it parses everything first and hands
back a complete `ImportResult`, so the caller can store it in one transaction and a damaged file
can never leave half an import behind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from twitchwise.diary._entries import DayValue as DayValue  # the one type; importers make it

Progress = Callable[[int, int | None], None]
"""Called as ``progress(bytes_done, bytes_total)``; ``bytes_total`` is None when unknown."""


class ImporterError(ValueError):
    """The file cannot be imported; the message says why in words a user can act on."""


@dataclass
class ImportSummary:
    """What an import found, for the closing report (CLI) or the result page (web)."""

    bytes_read: int = 0
    records_used: int = 0
    days: int = 0
    values: int = 0
    metrics: dict[str, int] = field(default_factory=dict)
    """Days filled per metric."""
    skipped_types: list[str] = field(default_factory=list)
    """Record types present in the file that the diary does not use."""
    ignored: dict[str, int] = field(default_factory=dict)
    """Records of a used type that could not be read, counted by reason."""
    first_day: date | None = None
    last_day: date | None = None
    notes: list[str] = field(default_factory=list)
    """What could not be read and why (a newer export format, a missing table or column)."""

    @classmethod
    def of(
        cls,
        values: Sequence[DayValue],
        *,
        order: Sequence[str],
        bytes_read: int,
        records_used: int,
        ignored: Counter[str],
        skipped_types: Sequence[str] = (),
        notes: Sequence[str] = (),
    ) -> ImportSummary:
        """The summary of `values`: the days they cover and the days filled per metric, the
        metrics listed in `order` (every importer counts these the same way)."""
        days = sorted({v.day for v in values})
        filled = Counter(v.metric for v in values)
        return cls(
            bytes_read=bytes_read,
            records_used=records_used,
            days=len(days),
            values=len(values),
            metrics={m: filled[m] for m in order if filled[m]},
            skipped_types=list(skipped_types),
            ignored=dict(ignored.most_common()),
            first_day=days[0] if days else None,
            last_day=days[-1] if days else None,
            notes=list(notes),
        )


@dataclass
class ImportResult:
    values: list[DayValue]
    summary: ImportSummary


@runtime_checkable
class Importer(Protocol):
    """What the CLI and web app need from an importer."""

    name: str
    """Short id used on the command line and as the diary's import source (``apple-health``)."""
    label: str
    """Human name (``Apple Health``)."""

    def detect(self, path: Path) -> bool:
        """Cheaply tell whether `path` looks like this importer's export (no full parse)."""
        ...

    def read(self, path: Path, progress: Progress | None = None) -> ImportResult:
        """Parse the whole export; raise `ImporterError` when it cannot be imported."""
        ...


class DaySink(Protocol):
    """Where values go: `twitchwise.diary.Diary` (its `import_day_values` is all or nothing)."""

    def import_day_values(self, values: Iterable[DayValue], source: str) -> Any: ...


def import_into(
    sink: DaySink, importer: Importer, path: Path, progress: Progress | None = None
) -> tuple[ImportResult, Any]:
    """Read `path` completely with `importer`, then store its values in one call.

    The diary is only touched once the whole file has been read and checked, so a damaged file
    leaves it as it was. Returns the read result and what the sink reports (the diary's
    `ImportStats`: added, updated, unchanged).
    """
    result = importer.read(path, progress)
    stats = sink.import_day_values(result.values, source=importer.name)
    return result, stats


_REGISTRY: dict[str, Importer] = {}
PACKAGES = {
    "apple-health": "apple_health",
    "health-connect": "health_connect",
    "fitbit": "fitbit",
    "garmin": "garmin",
}
"""The built-in importers' packages under `twitchwise.importers`, by importer name; each
registers itself when imported, and is imported when first needed (`_load`)."""


def _load(name: str | None = None) -> None:
    """Import the built-in importer `name` (all of them for None) unless it is registered."""
    from importlib import import_module

    for key, package in PACKAGES.items():
        if (name is None or key == name) and key not in _REGISTRY:
            import_module(f"twitchwise.importers.{package}")


def register(importer: Importer) -> Importer:
    """Make `importer` available under its name (registering the same name again replaces it)."""
    _REGISTRY[importer.name] = importer
    return importer


def get_importer(name: str) -> Importer:
    _load(name)
    try:
        return _REGISTRY[name]
    except KeyError:
        _load()
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ImporterError(f"unknown importer {name!r} (known: {known})") from None


def available_importers() -> list[Importer]:
    _load()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def detect_importer(path: Path) -> Importer | None:
    """The first registered importer that recognises `path`, if any."""
    for importer in available_importers():
        if importer.detect(path):
            return importer
    return None
