"""Restoring a backup: check everything first (zip, manifest, format, hashes, every cell), then
write all of it in one transaction, or nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Table

from twitchwise.diary import Diary, DiaryError, Problem

from ._codec import CellError, from_cell, from_json
from ._format import FORMAT, FORMAT_VERSION, MANIFEST, MAX_FILE_BYTES, BackupError, sha256


@dataclass(frozen=True)
class CheckedBackup:
    """A backup that passed every check: its manifest and the rows to write, by table."""

    manifest: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]

    @property
    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.rows.items()}


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise BackupError(f"is damaged: {name} is missing", file=name) from None
    if info.file_size > MAX_FILE_BYTES:
        raise BackupError(f"is too large ({info.file_size} bytes)", file=name)
    try:
        with archive.open(info) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except (RuntimeError, NotImplementedError) as exc:  # encrypted, or an unknown compression
        raise BackupError(f"cannot be read: {name} ({exc})", file=name) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise BackupError(f"is damaged: {name} cannot be read ({exc})", file=name) from None
    if len(data) > MAX_FILE_BYTES:
        raise BackupError("is too large", file=name)
    return data


def _manifest(archive: zipfile.ZipFile) -> dict[str, Any]:
    if MANIFEST not in archive.namelist():
        raise BackupError(f"is not a twitchwise backup: it holds no {MANIFEST}")
    try:
        manifest = json.loads(_member(archive, MANIFEST).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BackupError("is damaged: it is not JSON", file=MANIFEST) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"is not a twitchwise backup: {MANIFEST} is not ours")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BackupError("is damaged: format_version is not a positive number", file=MANIFEST)
    if version > FORMAT_VERSION:
        raise BackupError(
            f"was made by a newer twitchwise (backup format {version}; this version reads "
            f"format {FORMAT_VERSION} and older): update twitchwise to restore it"
        )
    files = manifest.get("files")
    if not isinstance(files, list) or not all(_entry_ok(f) for f in files):
        raise BackupError("is damaged: files is not a list of files", file=MANIFEST)
    return manifest


def _entry_ok(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and all(isinstance(entry.get(k), str) for k in ("name", "table", "sha256"))
        and isinstance(entry.get("rows"), int)
    )


def _check_members(archive: zipfile.ZipFile, files: list[dict[str, Any]]) -> None:
    names = archive.namelist()
    if len(names) != len(set(names)):
        raise BackupError("is damaged or altered: a file appears twice in the zip")
    listed = {f["name"] for f in files} | {MANIFEST}
    extra = sorted(set(archive.namelist()) - listed)
    if extra:
        raise BackupError(f"is damaged or altered: {', '.join(extra)} is not in the manifest")
    tables = [f["table"] for f in files]
    twice = sorted({t for t in tables if tables.count(t) > 1})
    if twice:
        raise BackupError(f"is damaged: table {twice[0]} is listed twice", file=MANIFEST)


def _columns(table: Table, header: list[str], name: str) -> list[Column[Any]]:
    known = {c.name: c for c in table.columns}
    unknown = [h for h in header if h not in known]
    if unknown:
        raise BackupError(
            f"has columns this version does not know ({', '.join(unknown)}): "
            "was it made by a newer twitchwise?",
            file=name,
        )
    if len(set(header)) < len(header):
        raise BackupError("is damaged: a column appears twice", file=name)
    return [known[h] for h in header]


def _csv_rows(table: Table, data: str, name: str, problems: list[Problem]) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(data, newline=""))
    header = next(reader, None)
    if header is None:
        raise BackupError("is damaged: no header row", file=name)
    columns = _columns(table, header, name)
    rows = []
    for cells in reader:
        line = reader.line_num
        if len(cells) != len(columns):
            problems.append(
                Problem("row", f"{len(cells)} cells, expected {len(columns)}", name, line)
            )
            continue
        row = {}
        for column, cell in zip(columns, cells, strict=True):
            try:
                row[column.name] = from_cell(column, cell)
            except CellError as exc:
                problems.append(Problem(column.name, str(exc), name, line))
        rows.append(row)
    return rows


def _jsonl_rows(
    table: Table, data: str, name: str, problems: list[Problem]
) -> list[dict[str, Any]]:
    rows = []
    for line, text in enumerate(data.splitlines(), start=1):
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            record = None
        if not isinstance(record, dict):
            problems.append(Problem("row", "is not a JSON object", name, line))
            continue
        row = {}
        for column in _columns(table, list(record), name):
            try:
                row[column.name] = from_json(column, record[column.name])
            except CellError as exc:
                problems.append(Problem(column.name, str(exc), name, line))
        rows.append(row)
    return rows


def _table_rows(
    archive: zipfile.ZipFile, entry: dict[str, Any], tables: Mapping[str, Table]
) -> list[dict[str, Any]]:
    name, table_name = entry["name"], entry["table"]
    table = tables.get(table_name)
    if table is None:
        raise BackupError(
            f"holds table {table_name!r}, which this version does not know: "
            "was it made by a newer twitchwise?",
            file=name,
        )
    data = _member(archive, name)
    if sha256(data) != entry["sha256"]:
        raise BackupError(
            "is damaged or altered: its SHA-256 does not match the manifest", file=name
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BackupError("is damaged: not UTF-8 text", file=name) from None
    problems: list[Problem] = []
    parse = _jsonl_rows if name.endswith(".jsonl") else _csv_rows
    rows = parse(table, text, name, problems)
    if problems:
        raise DiaryError.from_problems(problems)
    if len(rows) != entry["rows"]:
        raise BackupError(f"holds {len(rows)} rows, the manifest says {entry['rows']}", file=name)
    return rows


def read_backup(source: Path | IO[bytes], tables: list[Table]) -> CheckedBackup:
    """Check a backup completely and return its rows; BackupError says what is wrong."""
    try:
        archive = zipfile.ZipFile(source)
    except FileNotFoundError:
        raise BackupError(f"{source} does not exist") from None
    except IsADirectoryError:
        raise BackupError(f"{source} is a folder, not a backup file") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise BackupError("is not a zip file: not a twitchwise backup, or cut short") from None
    with archive:
        manifest = _manifest(archive)
        _check_members(archive, manifest["files"])
        by_name = {t.name: t for t in tables}
        rows = {f["table"]: _table_rows(archive, f, by_name) for f in manifest["files"]}
    return CheckedBackup(manifest, rows)


def restore_backup(
    diary: Diary, source: Path | IO[bytes], *, replace: bool = False
) -> CheckedBackup:
    """Check `source`, then make `diary` hold exactly its content, in one transaction.

    Without `replace` only an empty diary is written to. A table the backup lacks (one added in a
    later version) ends up empty; a column it lacks takes the table's default.
    """
    checked = read_backup(source, diary.tables())
    diary.replace_tables(checked.rows, replace=replace)
    return checked
