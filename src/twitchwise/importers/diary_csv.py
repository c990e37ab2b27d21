"""The diary CSV (docs/reference/diary-format.md): `twitches.csv`, `days.csv` and
`day_values.csv` (values imported from other apps, with their source) in one folder.

Import checks every row of both files first and reports every bad cell with its file, line and
column; only a clean folder is written, in one transaction, so an error or a crash leaves the
diary as it was. Re-importing the same files changes nothing. Export writes what import reads,
value for value.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from twitchwise.diary import CheckIn, DayValue, Diary, DiaryError, ImportStats, Problem, Twitch
from twitchwise.diary._validate import check_checkin, check_day, check_day_value, check_twitch

TWITCHES_FILE = "twitches.csv"
DAYS_FILE = "days.csv"
DAY_VALUES_FILE = "day_values.csv"
DAY_VALUE_COLUMNS: tuple[str, ...] = ("date", "metric", "value", "source")
TWITCH_COLUMNS: tuple[str, ...] = ("time", "site", "intensity", "count", "duration_s", "note")
DAY_FILE_COLUMNS: tuple[str, ...] = (
    "date",
    "sleep_hours",
    "caffeine_mg",
    "alcohol_drinks",
    "water_litres",
    "stress_level",
    "exercise_minutes",
    "hard_exercise",
    "symptoms",
    "medications",
    "notes",
)
_REQUIRED = {
    TWITCHES_FILE: ("time", "site"),
    DAYS_FILE: ("date",),
    DAY_VALUES_FILE: DAY_VALUE_COLUMNS,
}
_LISTS = ("symptoms", "medications")
_TEXT_CELLS = ("note", "notes", "medications")
"""Cells of free text, the only ones that can start like a spreadsheet formula."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP CSV injection)."""
FORMULA_GUARD = "'"


def neutralise_formula_text(text: str) -> str:
    """A free-text cell that a spreadsheet would run as a formula, made inert by a leading `'`.

    A cell that already starts with `'` gets one too, so `restore_formula_text` can always remove
    exactly one and the round trip stays lossless.
    """
    if text.startswith((*FORMULA_STARTS, FORMULA_GUARD)):
        return FORMULA_GUARD + text
    return text


def restore_formula_text(text: str) -> str:
    """Undo `neutralise_formula_text`: drop one leading `'`."""
    return text.removeprefix(FORMULA_GUARD)


@dataclass
class DiaryFiles:
    """A checked folder: clean twitch fields and check-ins, ready to store."""

    twitches: list[dict[str, Any]] = field(default_factory=list)
    days: list[dict[str, Any]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    day_values: dict[str, dict[tuple[date, str], float]] = field(default_factory=dict)
    """Imported values by source: {source: {(day, metric): value}}."""


# -- reading --------------------------------------------------------------------------------


def _records(
    text: str, name: str, allowed: Sequence[str], problems: list[Problem]
) -> Iterable[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) per data row; header and shape problems go to `problems`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.append(_csv_problem(exc, name, 1))
        return
    if header is None:
        problems.append(Problem("header", "the file is empty (no header row)", name, 1))
        return
    header = [h.strip() for h in header]
    bad = [h for h in header if h not in allowed]
    for column in bad:
        problems.append(
            Problem(
                column or "(empty)", f"unknown column; {name} has: {', '.join(allowed)}", name, 1
            )
        )
    for column in sorted({h for h in header if header.count(h) > 1}):
        problems.append(Problem(column, "appears twice in the header", name, 1))
    for column in _REQUIRED[name]:
        if column not in header:
            problems.append(Problem(column, "required column is missing", name, 1))
    if bad or len(set(header)) < len(header):
        return
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:  # nothing after a broken row can be trusted to be a row
            problems.append(_csv_problem(exc, name, line))
            return
        if cells is None:
            return
        start, line = line, reader.line_num + 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) > len(header):
            problems.append(
                Problem("row", f"{len(cells)} cells but the header has {len(header)}", name, start)
            )
            continue
        yield start, dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=True))


def _csv_problem(exc: csv.Error, name: str, line: int) -> Problem:
    """The csv module's refusal as a problem at the row where it starts."""
    reason = str(exc)
    if "end of data" in reason:
        reason = (
            'a quoted cell is never closed (a closing " is missing), so the rows after it '
            "would be read as part of it"
        )
    elif "field larger than field limit" in reason:
        reason = f"a cell is longer than {csv.field_size_limit():,} characters"
    elif "expected after" in reason:
        reason = 'a quoted cell has text after its closing " (write "" for a quote inside it)'
    return Problem("row", reason, name, line)


def _located(found: Iterable[Problem], name: str, line: int) -> list[Problem]:
    return [Problem(p.field, p.message, name, line) for p in found]


def parse_twitches(
    text: str, problems: list[Problem], name: str = TWITCHES_FILE
) -> list[dict[str, Any]]:
    """Clean twitch fields for each row of a twitches.csv text; bad cells go to `problems`."""
    rows = []
    for line, record in _records(text, name, TWITCH_COLUMNS, problems):
        values: dict[str, Any] = {
            k: v.strip() for k, v in record.items() if k != "note" and v.strip()
        }
        if record.get("note"):
            values["note"] = restore_formula_text(record["note"])
        missing = [c for c in _REQUIRED[name] if c not in values]
        if missing:
            problems.extend(Problem(c, "is empty; a twitch needs one", name, line) for c in missing)
            continue
        clean, found = check_twitch(values)
        problems.extend(_located(found, name, line))
        if not found:
            rows.append(clean)
    return rows


def _day_values(record: dict[str, str]) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems = []
    for column, cell in record.items():
        if column == "date":
            continue
        if column in _TEXT_CELLS:
            cell = restore_formula_text(cell)
        if column in _LISTS:
            values[column] = tuple(p.strip() for p in cell.split(";") if p.strip())
        elif column == "notes":
            values[column] = cell or None
        elif column == "hard_exercise":
            if cell.strip() not in ("", "0", "1"):
                problems.append(Problem(column, f"must be 1, 0 or empty (got {cell!r})"))
            values[column] = None if not cell.strip() else cell.strip() == "1"
        else:
            values[column] = cell.strip() or None
    return values, problems


def parse_days(text: str, problems: list[Problem], name: str = DAYS_FILE) -> list[dict[str, Any]]:
    """Clean check-ins (columns plus `day`) for each row of a days.csv text."""
    rows = []
    seen: dict[date, int] = {}
    for line, record in _records(text, name, DAY_FILE_COLUMNS, problems):
        found: list[Problem] = []
        try:
            day = check_day(record["date"])
        except DiaryError as exc:
            found.extend(exc.problems)
            day = None
        if day in seen:
            found.append(Problem("date", f"{day} already has a row (line {seen[day]})"))
        values, cell_problems = _day_values(record)
        found.extend(cell_problems)
        clean, more = check_checkin({k: v for k, v in values.items() if k != "hard_exercise"})
        found.extend(more)
        problems.extend(_located(found, name, line))
        if day is not None and not found:
            seen[day] = line
            rows.append({"day": day, **clean, "hard_exercise": values.get("hard_exercise")})
    return rows


def _day_value_row(
    record: dict[str, str], line: int, name: str
) -> tuple[str, date, str, float] | list[Problem]:
    """(source, day, metric, value) of one day_values.csv row, or its problems."""
    found: list[Problem] = []
    cells = {k: v.strip() for k, v in record.items()}
    for column in DAY_VALUE_COLUMNS:
        if not cells.get(column):
            found.append(Problem(column, "is empty; an imported value needs one", name, line))
    if found:
        return found
    source, metric = restore_formula_text(cells["source"]), cells["metric"]
    if len(source) > 64:
        found.append(Problem("source", "name the source in 1 to 64 characters", name, line))
    day: date | None = None
    try:
        day = check_day(cells["date"])
    except DiaryError as exc:
        found.extend(_located(exc.problems, name, line))
    try:
        value = float(cells["value"])
    except ValueError:
        found.append(Problem("value", f"is not a number: {cells['value']!r}", name, line))
        return found
    reason = check_day_value(metric, value)
    if reason:
        found.append(Problem("metric" if "lower_snake" in reason else "value", reason, name, line))
    if found or day is None:
        return found
    return source, day, metric, value


def parse_day_values(
    text: str, problems: list[Problem], name: str = DAY_VALUES_FILE
) -> dict[str, dict[tuple[date, str], float]]:
    """Imported values of a day_values.csv text, by source; a value twice is a problem."""
    by_source: dict[str, dict[tuple[date, str], float]] = {}
    seen: dict[tuple[str, date, str], int] = {}
    for line, record in _records(text, name, DAY_VALUE_COLUMNS, problems):
        row = _day_value_row(record, line, name)
        if isinstance(row, list):
            problems.extend(row)
            continue
        source, day, metric, value = row
        if (source, day, metric) in seen:
            earlier = seen[(source, day, metric)]
            problems.append(Problem("metric", f"already has a row (line {earlier})", name, line))
            continue
        seen[(source, day, metric)] = line
        by_source.setdefault(source, {})[(day, metric)] = value
    return by_source


def _read_day_values(folder: Path, found: DiaryFiles, problems: list[Problem]) -> None:
    """day_values.csv, when the folder has one: folders written before it existed still import."""
    path = folder / DAY_VALUES_FILE
    if not path.is_file():
        return
    found.files.append(DAY_VALUES_FILE)
    text = _read_text(path, problems)
    if text is not None:
        found.day_values = parse_day_values(text, problems)


def _read_text(path: Path, problems: list[Problem]) -> str | None:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem("encoding", "is not UTF-8 text", path.name, line))
        return None


def read_diary_folder(folder: Path) -> DiaryFiles:
    """Check both files of `folder`: clean rows, or a DiaryError listing every problem."""
    if not folder.is_dir():
        raise DiaryError("DIR", f"{folder} is not a folder")
    found = DiaryFiles()
    problems: list[Problem] = []
    for name, parse in ((TWITCHES_FILE, parse_twitches), (DAYS_FILE, parse_days)):
        path = folder / name
        if not path.is_file():
            continue
        found.files.append(name)
        text = _read_text(path, problems)
        if text is not None:
            rows = parse(text, problems)
            if name == TWITCHES_FILE:
                found.twitches = rows
            else:
                found.days = rows
    _read_day_values(folder, found, problems)
    if not found.files:
        raise DiaryError(
            "DIR", f"{folder} holds none of {TWITCHES_FILE}, {DAYS_FILE}, {DAY_VALUES_FILE}"
        )
    if problems:
        raise DiaryError.from_problems(problems)
    return found


def import_diary_csv(diary: Diary, folder: Path) -> ImportStats:
    """Check, then store, the diary CSV files in `folder` (all or nothing; idempotent)."""
    files = read_diary_folder(folder)
    return diary.import_entries(files.twitches, files.days, files.day_values)


# -- writing --------------------------------------------------------------------------------


def format_number(value: float | int | None) -> str:
    """Shortest text that reads back as the same number (`7`, `6.5`, `0.1`)."""
    if value is None:
        return ""
    if isinstance(value, int) or value.is_integer():
        return str(int(value))
    return repr(float(value))


def format_time(twitch: Twitch) -> str:
    """ISO 8601, with the offset only when one was given; seconds only when there are any."""
    time: datetime = twitch.time if twitch.explicit_offset else twitch.time.replace(tzinfo=None)
    spec = "minutes"
    if time.microsecond:
        spec = "microseconds"
    elif time.second:
        spec = "seconds"
    return time.isoformat(timespec=spec)


def twitch_rows(twitches: Iterable[Twitch]) -> Iterable[list[str]]:
    for t in twitches:
        yield [
            format_time(t),
            t.site,
            format_number(t.intensity),
            format_number(t.count),
            format_number(t.duration_s),
            neutralise_formula_text(t.note or ""),
        ]


def day_rows(checkins: Iterable[CheckIn]) -> Iterable[list[str]]:
    for c in checkins:
        hard = "" if c.hard_exercise is None else str(int(c.hard_exercise))
        numbers = [
            format_number(c.sleep_hours),
            format_number(c.caffeine_mg),
            format_number(c.alcohol_drinks),
            format_number(c.water_litres),
            format_number(c.stress_level),
            format_number(c.exercise_minutes),
        ]
        lists = [";".join(c.symptoms), neutralise_formula_text(";".join(c.medications))]
        yield [c.day.isoformat(), *numbers, hard, *lists, neutralise_formula_text(c.notes or "")]


def day_value_rows(values: Iterable[tuple[str, DayValue]]) -> Iterable[list[str]]:
    """day_values.csv rows from `Diary.list_day_values()`: date, metric, value, source."""
    for source, item in values:
        yield [
            item.day.isoformat(),
            item.metric,
            format_number(item.value),
            neutralise_formula_text(source),
        ]


def _write_atomically(path: Path, header: Sequence[str], rows: Iterable[list[str]]) -> int:
    """Write to a temporary file beside `path`, then rename: a crash never leaves half a file."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow(row)
                count += 1
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


@dataclass(frozen=True)
class ExportStats:
    twitches: int
    days: int
    folder: Path
    day_values: int = 0


def export_diary_csv(diary: Diary, folder: Path) -> ExportStats:
    """Write the whole diary to `folder`/twitches.csv and days.csv (the folder is created)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DiaryError("DIR", f"cannot create {folder}: {exc.strerror}") from None
    twitches = _write_atomically(
        folder / TWITCHES_FILE, TWITCH_COLUMNS, twitch_rows(diary.iter_twitches())
    )
    days = _write_atomically(folder / DAYS_FILE, DAY_FILE_COLUMNS, day_rows(diary.list_checkins()))
    values = _write_atomically(
        folder / DAY_VALUES_FILE, DAY_VALUE_COLUMNS, day_value_rows(diary.list_day_values())
    )
    return ExportStats(twitches=twitches, days=days, folder=folder, day_values=values)


__all__ = [
    "DAYS_FILE",
    "DAY_FILE_COLUMNS",
    "DAY_VALUES_FILE",
    "DAY_VALUE_COLUMNS",
    "TWITCHES_FILE",
    "TWITCH_COLUMNS",
    "DiaryFiles",
    "ExportStats",
    "day_value_rows",
    "export_diary_csv",
    "import_diary_csv",
    "neutralise_formula_text",
    "parse_day_values",
    "parse_days",
    "parse_twitches",
    "read_diary_folder",
    "restore_formula_text",
]
