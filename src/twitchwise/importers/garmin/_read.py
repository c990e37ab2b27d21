"""Garmin Connect account export (``DI_CONNECT/...``) to diary day values: sleep only, for now.

What is known about the real layout comes from one real export (GARMIN_NOTES in the project's
fixtures): ``DI_CONNECT/DI-Connect-Wellness/<from>_<to>_<userId>_sleepData.json`` is a JSON list
with one entry per night: ``calendarDate`` (the day the night ends, Garmin's own convention),
``sleepStartTimestampGMT``/``sleepEndTimestampGMT`` and the night's totals in seconds
(``deepSleepSeconds``, ``lightSleepSeconds``, ``remSleepSeconds`` (missing on some nights),
``awakeSleepSeconds``, ``unmeasurableSeconds``), and naps in ``napList`` (``napTimeSec``,
``calendarDate``). Entries carrying only ``retro`` (and naps) are days without a night. In that
real export the stage seconds add up to the span between the GMT start and end, and
``calendarDate`` is the date of waking.

Asleep time is deep + light + REM (awake and unmeasurable time are not sleep), plus naps on their
own day. The daily summaries (``UDSFile_*.json``: steps), activities
(``*_summarizedActivities.json``) and hydration logs have not been seen in a real export the
project could check, so they are not read; the summary says so rather than guessing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .._base import DayValue, ImporterError, ImportResult, ImportSummary, Progress, register
from .._tree import Tree

AGAIN = (
    "Request the export again (Garmin account > Data management > Export your data) and give "
    "twitchwise the zip it sends you."
)
SLEEP = re.compile(r"(^|/)DI_CONNECT/DI-Connect-Wellness/[^/]*_sleepData\.json$")
UNREAD = {
    "daily summaries (steps, UDSFile)": re.compile(r"(^|/)UDSFile_[^/]*\.json$"),
    "activities (summarizedActivities)": re.compile(r"_summarizedActivities\.json$"),
    "hydration logs": re.compile(r"(^|/)HydrationLogFile_[^/]*\.json$"),
}
EARLIEST = date(1900, 1, 1)
PARTS = ("deepSleepSeconds", "lightSleepSeconds", "remSleepSeconds")


class GarminError(ImporterError):
    """The file or folder is not a Garmin export, or it is damaged."""


class BadEntry(ValueError):
    pass


def _sleep_files(tree: Tree) -> list[str]:
    return sorted(e.name for e in tree.entries if SLEEP.search(e.name))


def detect(path: Path) -> bool:
    try:
        tree = Tree.open(path, AGAIN)
    except ImporterError:
        return False
    return any(tree.head(n).lstrip()[:1] == b"[" for n in _sleep_files(tree)[:3])


def _seconds(entry: dict[str, Any], key: str) -> float:
    value = entry.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 86400:
        raise BadEntry(f"{key} is not a number of seconds in a day")
    return float(value)


class Builder:
    def __init__(self, today: date | None) -> None:
        self.latest = (today or date.today()) + timedelta(days=1)
        self.nights: dict[date, float] = {}
        self.naps: dict[tuple[date, str], float] = {}
        self.ignored: Counter[str] = Counter()
        self.used = 0

    def _day(self, text: Any) -> date:
        day = date.fromisoformat(text)
        if not EARLIEST <= day <= self.latest:
            raise BadEntry(f"date {text!r} is out of range")
        return day

    def add(self, entry: Any) -> None:
        try:
            if not isinstance(entry, dict):
                raise BadEntry("not a JSON object")
            for nap in entry.get("napList") or []:
                if not isinstance(nap, dict):
                    raise BadEntry("a nap that is not a JSON object")
                day = self._day(nap["calendarDate"])
                start = str(nap.get("napStartTimestampGMT", ""))
                self.naps[day, start] = _seconds(nap, "napTimeSec")
            if not any(k in entry for k in PARTS):
                return
            day = self._day(entry["calendarDate"])
            asleep = sum(_seconds(entry, k) for k in PARTS)
            if asleep > 86400:
                raise BadEntry("more than 24 hours asleep")
            # A night found in two overlapping files counts once.
            self.nights[day] = max(self.nights.get(day, 0.0), asleep)
        except BadEntry as exc:
            self.ignored[f"sleep: {exc}"] += 1
        except KeyError as exc:
            self.ignored[f"sleep: no {exc.args[0]}"] += 1
        except (TypeError, ValueError):
            self.ignored["sleep: a value of the wrong kind"] += 1
        else:
            self.used += 1

    def values(self) -> dict[date, float]:
        out = dict(self.nights)
        for (day, _start), seconds in self.naps.items():
            out[day] = out.get(day, 0.0) + seconds
        return {d: s for d, s in out.items() if s > 0}


def read_export(
    path: str | Path, progress: Progress | None = None, *, today: date | None = None
) -> ImportResult:
    """Read a Garmin export (zip or unzipped folder) into per-day sleep, writing nothing."""
    path = Path(path)
    try:
        tree = Tree.open(path, AGAIN)
    except ImporterError as exc:
        raise GarminError(str(exc)) from exc
    names = _sleep_files(tree)
    if not names:
        raise GarminError(
            f"{path.name} is not a Garmin export twitchwise can read (no "
            "DI_CONNECT/DI-Connect-Wellness/..._sleepData.json in it)"
        )
    sizes = {e.name: e.size for e in tree.entries}
    total, done, builder = sum(sizes[n] for n in names) or 1, 0, Builder(today)
    for name in names:
        try:
            data = json.loads(tree.read(name, AGAIN))
        except ImporterError as exc:
            raise GarminError(str(exc)) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise GarminError(
                f"{path.name} is damaged or incomplete and was not imported: {name} is not "
                f"valid JSON ({exc}). {AGAIN}"
            ) from exc
        if not isinstance(data, list):
            raise GarminError(
                f"{name} is not a list of nights as in the Garmin exports twitchwise knows; "
                "its layout may have changed, so nothing was imported"
            )
        for entry in data:
            builder.add(entry)
        done += sizes[name]
        if progress is not None:
            progress(done, total)
    notes = [
        f"{what} were not read: their layout has not been confirmed from a real Garmin export "
        f"({count} files)."
        for what, pattern in UNREAD.items()
        if (count := sum(1 for e in tree.entries if pattern.search(e.name)))
    ]
    values = [
        DayValue(d, "sleep_hours", round(s / 3600, 6)) for d, s in sorted(builder.values().items())
    ]
    summary = ImportSummary.of(
        values,
        order=("sleep_hours",),
        bytes_read=total,
        records_used=builder.used,
        ignored=builder.ignored,
        notes=notes,
    )
    return ImportResult(values, summary)


class GarminImporter:
    """The Garmin importer, registered as ``garmin``."""

    name = "garmin"
    label = "Garmin Connect"

    def detect(self, path: Path) -> bool:
        return detect(Path(path))

    def read(self, path: Path, progress: Progress | None = None) -> ImportResult:
        return read_export(path, progress)


register(GarminImporter())
