"""Cells of every column type survive a backup exactly, in CSV and in JSON Lines; the backup
takes its columns from the tables, so a column added later travels without a code change."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from diary_sample import fill
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
)

from twitchwise.backup import backup_bytes, restore_backup
from twitchwise.backup._codec import CellError, from_cell, from_json, to_cell, to_json
from twitchwise.diary import Diary

TABLE = Table(
    "sample",
    MetaData(),
    Column("b", Boolean),
    Column("i", Integer),
    Column("f", Float),
    Column("d", Date),
    Column("t", DateTime),
    Column("j", JSON),
    Column("s", String(10)),
    Column("required", String(10), nullable=False),
)
VALUES: dict[str, list[Any]] = {
    "b": [True, False, None],
    "i": [0, -7, 2**40, None],
    "f": [0.1, 1e-300, 6.5, 200.0, None],
    "d": [date(2026, 3, 2), None],
    "t": [datetime(2026, 3, 2, 7, 15, 0, 123456), datetime(2026, 3, 2, 7, 15), None],
    "j": [[], ["a", "b,c"], {"x": [1, 2.5, None]}, "text", None],
    "s": ['say "hi",\nthen =1+2', "ü", None],
    "required": ["", "x"],
}


@pytest.mark.parametrize(("name", "value"), [(n, v) for n, vs in VALUES.items() for v in vs])
def test_every_type_round_trips(name: str, value: Any) -> None:
    column = TABLE.c[name]
    assert from_cell(column, to_cell(column, value)) == value
    assert from_json(column, json.loads(json.dumps(to_json(column, value)))) == value


@pytest.mark.parametrize(
    ("name", "cell"),
    [("b", "yes"), ("i", "1.5"), ("f", "nan"), ("f", "inf"), ("d", "2026-13-01"), ("j", "[")],
)
def test_bad_cells_are_refused(name: str, cell: str) -> None:
    with pytest.raises(CellError):
        from_cell(TABLE.c[name], cell)


def test_a_backup_holds_every_column_of_every_table(diary: Diary) -> None:
    fill(diary)
    data, _ = backup_bytes(diary)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        headers = {
            f["table"]: archive.read(f["name"]).decode().splitlines()[0]
            for f in manifest["files"]
            if f["name"].endswith(".csv")
        }
    tables = {t.name: [c.name for c in t.columns] for t in diary.tables()}
    assert {f["table"]: f["columns"] for f in manifest["files"]} == tables
    assert all(header.split(",") == tables[name] for name, header in headers.items())


def test_a_column_an_older_backup_lacks_takes_its_default(diary: Diary) -> None:
    fill(diary)
    data, _ = backup_bytes(diary)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    table = list(csv.reader(io.StringIO(files["twitches.csv"].decode(), newline="")))
    keep = [i for i, name in enumerate(table[0]) if name != "duration_s"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([[r[i] for i in keep] for r in table])
    files["twitches.csv"] = out.getvalue().encode()
    for entry in manifest["files"]:
        entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    older = io.BytesIO()
    with zipfile.ZipFile(older, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    older.seek(0)
    restore_backup(diary, older, replace=True)
    assert [t.duration_s for t in diary.list_twitches()] == [None, None, None]
    assert len(diary.list_twitches()) == 3
