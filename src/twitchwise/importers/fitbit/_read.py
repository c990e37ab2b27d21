"""Fitbit account data (Google Takeout or the older "MyFitbitData" export) to diary day values.

The files are found by name anywhere in the zip or folder, so both layouts work:
``Takeout/Fitbit/Global Export Data/sleep-2024-01-01.json`` and
``MyFitbitData/<Name>/Sleep/sleep-2017-01-01.json`` (or one folder per metric). Shapes and units
are those in the project's FORMAT_NOTES (taken from real exports, values removed):

- ``sleep-YYYY-MM-DD.json``: a list of sleep logs; ``dateOfSleep`` is the day the person woke,
  ``minutesAsleep`` Fitbit's own asleep total (awake and restless excluded). Logs that overlap
  (the same night logged twice, e.g. automatically and by hand) count once: the longest.
- ``exercise-N.json``: activity logs; ``activeDuration`` (ms, pauses excluded) or ``duration``;
  ``startTime`` "MM/DD/YY HH:MM:SS" taken as local time; copies (same start) count once, and
  partly overlapping logs as their joint span.
- ``water_logs-N.json``: ``date`` "MM/DD/YY", ``waterAmount`` with ``measurementUnit``
  (``MILLILITER`` is the only unit seen in real files; others are ignored and counted).
- ``steps-YYYY-MM-DD.json`` are minute counts whose ``dateTime`` is UTC (checked against the same
  export's CSVs). They are put on local days in the time zone of the Fitbit profile
  (``Profile.csv``, column ``timezone``, an IANA name such as ``Europe/Paris``); the summary says
  so, since days spent in another zone shift. Without a profile time zone they are not imported,
  rather than put on UTC days.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .._base import DayValue, ImporterError, ImportResult, ImportSummary, Progress, register
from .._tree import Tree
from ..apple_health._days import METRICS, _workout_minutes

AGAIN = (
    "Download the export again (Google Takeout > Fitbit, or fitbit.com > Settings > "
    "Data export > Request data)."
)
SLEEP = re.compile(r"(^|/)sleep-\d{4}-\d\d-\d\d\.json$")
EXERCISE = re.compile(r"(^|/)exercise-\d+\.json$")
WATER = re.compile(r"(^|/)water_logs-[\d-]+\.json$")
STEPS = re.compile(r"(^|/)steps-\d{4}-\d\d-\d\d\.json$")
PROFILE = re.compile(r"(^|/)Profile\.csv$")
OTHER_JSON = re.compile(r"(^|/)([a-z_]+?)-[\d-]+\.json$")
WATER_UNITS = {"MILLILITER": 0.001, "LITER": 1.0}
EARLIEST = date(1900, 1, 1)


_STAMP = re.compile(r"\d\d/\d\d/\d\d (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
EPOCH = date(1970, 1, 1)


def _offset(zone: ZoneInfo, utc: datetime) -> float:
    offset = utc.astimezone(zone).utcoffset()
    return offset.total_seconds() if offset is not None else 0.0


def profile_zone(tree: Tree) -> ZoneInfo | None:
    """The time zone of the Fitbit profile (``Profile.csv``, column ``timezone``), if known."""
    for entry in tree.entries:
        if not PROFILE.search(entry.name) or entry.size > 1 << 20:
            continue
        try:
            rows = list(csv.DictReader(io.StringIO(tree.read(entry.name, AGAIN).decode())))
        except (ImporterError, UnicodeDecodeError, csv.Error):
            continue
        name = (rows[0].get("timezone") or "").strip() if rows else ""
        try:
            return ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


class FitbitError(ImporterError):
    """The file or folder is not a Fitbit export, or it is damaged."""


class BadEntry(ValueError):
    """One log cannot be read; counted and skipped."""


def _files(tree: Tree) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"sleep": [], "exercise": [], "water": [], "steps": []}
    for e in tree.entries:
        if "__MACOSX/" in e.name:
            continue
        for kind, pattern in (("sleep", SLEEP), ("exercise", EXERCISE), ("water", WATER)):
            if pattern.search(e.name):
                found[kind].append(e.name)
        if STEPS.search(e.name):
            found["steps"].append(e.name)
    for names in found.values():
        names.sort()
    return found


def detect(path: Path) -> bool:
    """A zip or folder with Fitbit's sleep, exercise, water or step JSON lists in it."""
    try:
        tree = Tree.open(path, AGAIN)
    except ImporterError:
        return False
    for names in _files(tree).values():
        for name in names[:3]:
            if tree.head(name).lstrip()[:1] == b"[":
                return True
    return False


class Builder:
    def __init__(self, today: date | None) -> None:
        self.latest = (today or date.today()) + timedelta(days=1)
        self.sleep: dict[int | str, tuple[date, datetime, datetime, float]] = {}
        self.exercise: dict[int | str, tuple[float, float, float, date]] = {}
        self.water: dict[int | str, tuple[date, float]] = {}
        self.steps: dict[str, float] = {}
        self._dates: set[str] = set()
        """Steps by their UTC minute ("MM/DD/YY HH:MM:SS"; a minute in two files counts once)."""
        self.ignored: Counter[str] = Counter()
        self.used = 0

    def _day(self, day: date, text: str) -> date:
        if not EARLIEST <= day <= self.latest:
            raise BadEntry(f"date {text!r} is out of range")
        return day

    def add(self, kind: str, item: Any, n: int) -> None:
        handler: Callable[[dict[str, Any], int], None] = getattr(self, f"_{kind}")
        try:
            if not isinstance(item, dict):
                raise BadEntry("not a JSON object")
            handler(item, n)
        except BadEntry as exc:
            self.ignored[f"{kind}: {exc}"] += 1
        except KeyError as exc:
            self.ignored[f"{kind}: no {exc.args[0]}"] += 1
        except (TypeError, ValueError, OverflowError):
            self.ignored[f"{kind}: a value of the wrong kind"] += 1
        else:
            self.used += 1

    def _sleep(self, item: dict[str, Any], n: int) -> None:
        day = self._day(date.fromisoformat(item["dateOfSleep"]), item["dateOfSleep"])
        start = datetime.fromisoformat(item["startTime"])
        end = datetime.fromisoformat(item["endTime"])
        minutes = item["minutesAsleep"]
        if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes < 0:
            raise BadEntry("minutesAsleep is not a number ≥ 0")
        if end < start:
            raise BadEntry("ends before it starts")
        self.sleep[item.get("logId", f"#{n}")] = (day, start, end, float(minutes))

    def _exercise(self, item: dict[str, Any], n: int) -> None:
        start = datetime.strptime(item["startTime"], "%m/%d/%y %H:%M:%S")
        ms = item.get("activeDuration", item["duration"])
        if isinstance(ms, bool) or not isinstance(ms, int | float) or ms < 0:
            raise BadEntry("duration is not a number ≥ 0")
        total = item.get("duration", ms)
        day = self._day(start.date(), item["startTime"])
        t0 = (start - datetime(1970, 1, 1)).total_seconds()
        self.exercise[item.get("logId", f"#{n}")] = (t0, t0 + float(total) / 1000, ms / 60000, day)

    def _water(self, item: dict[str, Any], n: int) -> None:
        day = self._day(datetime.strptime(item["date"], "%m/%d/%y").date(), item["date"])
        unit = item.get("measurementUnit", "MILLILITER")
        factor = WATER_UNITS.get(unit)
        if factor is None:
            raise BadEntry(f"unknown unit {unit!r}")
        amount = item["waterAmount"]
        if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
            raise BadEntry("waterAmount is not a number ≥ 0")
        self.water[item.get("id", f"#{n}")] = (day, float(amount) * factor)

    def _steps(self, item: dict[str, Any], n: int) -> None:
        stamp, value = item["dateTime"], float(item["value"])
        if not isinstance(stamp, str) or _STAMP.match(stamp) is None:
            raise BadEntry(f"unreadable dateTime {stamp!r}")
        if stamp[:8] not in self._dates:  # the time is checked by _STAMP, the date once here
            datetime.strptime(stamp[:8], "%m/%d/%y")
            self._dates.add(stamp[:8])
        if not 0 <= value < 1e6:
            raise BadEntry("value is not a number of steps")
        self.steps[stamp] = value

    def add_steps(self, items: list[Any]) -> None:
        """`add` for a whole steps file (tens of thousands of rows): the common case inline."""
        steps, dates, match = self.steps, self._dates, _STAMP.match
        for n, item in enumerate(items):
            try:
                stamp, value = item["dateTime"], float(item["value"])
                fast = stamp[:8] in dates and match(stamp) is not None and 0 <= value < 1e6
            except (TypeError, KeyError, ValueError):
                fast = False
            if fast:
                steps[stamp] = value
                self.used += 1
            else:
                self.add("steps", item, n)

    def step_days(self, zone: ZoneInfo) -> dict[date, float]:
        """Steps per local day in `zone`; the zone's offset is looked up once per UTC hour."""
        offsets: dict[str, float] = {}
        out: dict[date, float] = {}
        for stamp, value in self.steps.items():
            hour = stamp[:11]
            off = offsets.get(hour)
            if off is None:
                utc = datetime(
                    2000 + int(stamp[6:8]),
                    int(stamp[:2]),
                    int(stamp[3:5]),
                    int(stamp[9:11]),
                    tzinfo=UTC,
                )
                off = offsets[hour] = utc.timestamp() + _offset(zone, utc)
            seconds = off + int(stamp[12:14]) * 60 + int(stamp[15:17])
            day = EPOCH + timedelta(days=int(seconds // 86400))
            if EARLIEST <= day <= self.latest:
                out[day] = out.get(day, 0.0) + value
        return out

    def values(self) -> dict[tuple[str, date], float]:
        out: dict[tuple[str, date], float] = {}
        for day, litres in self.water.values():
            out["water_litres", day] = out.get(("water_litres", day), 0.0) + litres
        # A log copied (tracker and manual, or two files) starts at the same second: keep one,
        # the longest active time; partly overlapping logs then count as their joint span.
        by_start: dict[float, tuple[float, float, float, date]] = {}
        for log in self.exercise.values():
            if log[0] not in by_start or log[2] > by_start[log[0]][2]:
                by_start[log[0]] = log
        for day, minutes in _workout_minutes(list(by_start.values())).items():
            out["exercise_minutes", day] = minutes
        for day, minutes in _sleep_minutes(list(self.sleep.values())).items():
            if minutes > 0:
                out["sleep_hours", day] = minutes / 60
        return out


def _sleep_minutes(logs: list[tuple[date, datetime, datetime, float]]) -> dict[date, float]:
    """Asleep minutes per wake day; overlapping logs are one sleep, counted by the longest."""
    totals: dict[date, float] = {}
    group: list[tuple[date, datetime, datetime, float]] = []
    group_end: datetime | None = None

    def flush() -> None:
        if group:
            best = max(group, key=lambda g: g[3])
            totals[best[0]] = totals.get(best[0], 0.0) + best[3]
            group.clear()

    for log in sorted(logs, key=lambda g: (g[1], g[2])):
        if group_end is not None and log[1] < group_end:
            group.append(log)
            group_end = max(group_end, log[2])
            continue
        flush()
        group.append(log)
        group_end = log[2]
    flush()
    return totals


def read_export(
    path: str | Path, progress: Progress | None = None, *, today: date | None = None
) -> ImportResult:
    """Read a Fitbit export (zip or unzipped folder) into per-day values, writing nothing.

    Every used file is parsed before anything is returned; a file that is not valid JSON (a
    cut-off download) raises `FitbitError`, so nothing half-read is ever stored.
    """
    path = Path(path)
    try:
        tree = Tree.open(path, AGAIN)
    except ImporterError as exc:
        raise FitbitError(str(exc)) from exc
    files = _files(tree)
    if not any(files[k] for k in ("sleep", "exercise", "water", "steps")):
        raise FitbitError(
            f"{path.name} is not a Fitbit export (no sleep-*.json, exercise-*.json or "
            "water_logs-*.json files in it)"
        )
    sizes = {e.name: e.size for e in tree.entries}
    zone = profile_zone(tree) if files["steps"] else None
    kinds = ("sleep", "exercise", "water", "steps") if zone else ("sleep", "exercise", "water")
    used = [(k, n) for k in kinds for n in files[k]]
    total = sum(sizes[n] for _, n in used) or 1
    builder, done = Builder(today), 0
    for kind, name in used:
        try:
            data = json.loads(tree.read(name, AGAIN))
        except ImporterError as exc:
            raise FitbitError(str(exc)) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise FitbitError(
                f"{path.name} is damaged or incomplete and was not imported: {name} is not "
                f"valid JSON ({exc}). {AGAIN}"
            ) from exc
        if not isinstance(data, list):
            raise FitbitError(f"{name} is not a list of logs, as Fitbit writes them. {AGAIN}")
        if kind == "steps":
            builder.add_steps(data)
        else:
            for n, item in enumerate(data):
                builder.add(kind, item, n)
        done += sizes[name]
        if progress is not None:
            progress(done, total)
    notes = []
    found = builder.values()
    if zone is not None:
        for day, steps in builder.step_days(zone).items():
            found["steps", day] = steps
        notes.append(
            f"Steps were put on days in your Fitbit profile's time zone ({zone.key}): Fitbit "
            "stores them in UTC, so days you spent in another time zone may be shifted."
        )
    elif files["steps"]:
        notes.append(
            f"Steps were not imported ({len(files['steps'])} files): Fitbit writes them in UTC "
            "and this export has no profile time zone (Profile.csv), so they would land on "
            "the wrong days. Fitbit's steps in Health Connect carry the time zone: import a "
            "Health Connect export for them."
        )
    values = sorted(
        (DayValue(d, m, round(v, 6)) for (m, d), v in found.items()),
        key=lambda dv: (dv.day, METRICS.index(dv.metric)),
    )
    return ImportResult(values, _summary(values, builder, tree, files, total, notes))


def _summary(
    values: list[DayValue],
    builder: Builder,
    tree: Tree,
    files: dict[str, list[str]],
    size: int,
    notes: list[str],
) -> ImportSummary:
    used = {n for names in files.values() for n in names}
    skipped = sorted(
        {
            m.group(2)
            for e in tree.entries
            if e.name not in used and (m := OTHER_JSON.search(e.name)) is not None
        }
    )
    return ImportSummary.of(
        values,
        order=METRICS,
        bytes_read=size,
        records_used=builder.used,
        ignored=builder.ignored,
        skipped_types=skipped,
        notes=notes,
    )


class FitbitImporter:
    """The Fitbit importer, registered as ``fitbit``."""

    name = "fitbit"
    label = "Fitbit (Google Takeout)"

    def detect(self, path: Path) -> bool:
        return detect(Path(path))

    def read(self, path: Path, progress: Progress | None = None) -> ImportResult:
        return read_export(path, progress)


register(FitbitImporter())
