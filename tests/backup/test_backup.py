"""Backup and restore: lossless, all or nothing, and refusing damaged, foreign or newer files."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from diary_sample import fill

from twitchwise.backup import BackupError, backup_bytes, read_backup, restore_backup, write_backup
from twitchwise.diary import Diary, DiaryError

DATA = Path(__file__).parent.parent / "data" / "backup"


def _contents(data: bytes) -> dict[str, bytes]:
    """Every file of a backup but the manifest's creation time."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    manifest.pop("created_at")
    files["manifest.json"] = json.dumps(manifest).encode()
    return files


def _rebuild(data: bytes, change: dict[str, bytes | None], *, rehash: bool = True) -> bytes:
    """A copy of a backup with files changed (None drops one), the manifest fixed to match."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    for name, new in change.items():
        if new is None:
            files.pop(name)
            manifest["files"] = [f for f in manifest["files"] if f["name"] != name]
        else:
            files[name] = new
    if rehash:
        import hashlib

        for entry in manifest["files"]:
            entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
    if "manifest.json" not in change:
        files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.fixture
def full(diary: Diary) -> Diary:
    fill(diary)
    return diary


def test_backup_holds_every_table_with_counts_and_hashes(full: Diary) -> None:
    data, summary = backup_bytes(full)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
    assert manifest["format"] == "twitchwise-backup" and manifest["format_version"] == 1
    assert manifest["counts"] == {
        "assessments": 2,
        "checkins": 2,
        "day_values": 5,
        "experiments": 2,
        "twitches": 3,
    }
    assert summary.counts == manifest["counts"] == full.row_counts()
    assert names == {f["name"] for f in manifest["files"]} | {"manifest.json"}
    assert {"twitches.csv", "checkins.csv", "day_values.csv", "assessments.jsonl"} <= names


def test_restore_then_backup_gives_the_same_content(full: Diary, sqlite_url: str) -> None:
    data, _ = backup_bytes(full)
    with Diary.open(sqlite_url.replace("diary.db", "copy.db")) as copy:
        restore_backup(copy, io.BytesIO(data))
        assert copy.all_rows() == full.all_rows()
        assert _contents(backup_bytes(copy)[0]) == _contents(data)
        assert copy.list_twitches() == full.list_twitches()
    # and into the same kind of database (SQLite or PostgreSQL), replacing what is there
    full.add_twitch("neck", datetime(2026, 4, 1, 9, 0))
    restore_backup(full, io.BytesIO(data), replace=True)
    assert _contents(backup_bytes(full)[0]) == _contents(data)


def test_sqlite_backup_restores_into_postgresql(
    sqlite_url: str, postgres_url: str, tmp_path: Path
) -> None:
    with Diary.open(sqlite_url) as source:
        fill(source)
        write_backup(source, tmp_path / "b.zip")
        expected = source.all_rows()
        expected_twitches = source.list_twitches()
    with Diary.open(postgres_url) as target:
        restore_backup(target, tmp_path / "b.zip")
        assert target.all_rows() == expected
        assert target.list_twitches() == expected_twitches
        # ids continue after the restored ones: the next entry does not collide
        added = target.add_twitch("neck", datetime(2026, 3, 5, 9, 0))
        assert added.id == max(t.id for t in expected_twitches) + 1


def test_refuses_a_diary_that_is_not_empty_unless_replacing(full: Diary) -> None:
    data, _ = backup_bytes(full)
    before = full.all_rows()
    with pytest.raises(DiaryError, match="not empty"):
        restore_backup(full, io.BytesIO(data))
    full.add_twitch("neck", datetime(2026, 4, 1, 9, 0))
    restore_backup(full, io.BytesIO(data), replace=True)
    assert full.all_rows() == before


def _refused(diary: Diary, data: bytes, match: str) -> None:
    before = diary.all_rows()
    with pytest.raises(DiaryError, match=match):
        restore_backup(diary, io.BytesIO(data), replace=True)
    assert diary.all_rows() == before


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda d: b"twitches,are,fun\n", "not a zip file"),
        (lambda d: d[: len(d) // 2], "not a zip file"),
        (lambda d: b"", "not a zip file"),
        (lambda d: _rebuild(d, {"twitches.csv": b"x"}, rehash=False), "SHA-256 does not match"),
        (lambda d: _rebuild(d, {"manifest.json": None}), "not a twitchwise backup"),
        (lambda d: _rebuild(d, {"manifest.json": b"{"}), "is not JSON"),
        (lambda d: _rebuild(d, {"manifest.json": b'{"format": "x"}'}), "not a twitchwise"),
        (lambda d: _rebuild(d, {"notes.txt": b"hi"}), "not in the manifest"),
    ],
)
def test_refuses_damaged_or_foreign_files_and_changes_nothing(
    full: Diary, damage: Any, match: str
) -> None:
    _refused(full, damage(backup_bytes(full)[0]), match)


def test_refuses_a_backup_of_a_newer_format(full: Diary) -> None:
    data, _ = backup_bytes(full)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest["format_version"] = 2
    newer = _rebuild(data, {"manifest.json": json.dumps(manifest).encode()})
    _refused(full, newer, "newer twitchwise")


def test_a_flipped_byte_inside_the_zip_is_caught(full: Diary) -> None:
    data = bytearray(backup_bytes(full)[0])
    spot = data.index(b"twitches.csv") + 40  # inside the compressed data of the first file
    data[spot] ^= 0xFF
    _refused(full, bytes(data), "damaged|not a zip|SHA-256")


def test_bad_cells_are_named_by_file_line_and_column(full: Diary) -> None:
    data, _ = backup_bytes(full)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("twitches.csv").decode()
    lines = text.split("\r\n")
    lines[1] = lines[1].replace(",4,", ",four,", 1)
    bad = _rebuild(data, {"twitches.csv": "\r\n".join(lines).encode()})
    _refused(full, bad, r"twitches.csv line 2, column count: is not a whole number")


def test_rows_breaking_a_table_rule_write_nothing(full: Diary) -> None:
    """Two rows with one id: only the database can tell, inside the transaction; it rolls back."""
    data, _ = backup_bytes(full)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        text = archive.read("day_values.csv").decode()
    header, first, *rest = text.split("\r\n")
    twice = [header, first, first.replace("sleep_hours", "steps", 1), *rest]
    manifest_rows = len([line for line in twice[1:] if line])
    bad = _rebuild(data, {"day_values.csv": "\r\n".join(twice).encode()})
    with zipfile.ZipFile(io.BytesIO(bad)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    for entry in manifest["files"]:
        if entry["name"] == "day_values.csv":
            entry["rows"] = manifest_rows
    bad = _rebuild(bad, {"manifest.json": json.dumps(manifest).encode()})
    _refused(full, bad, "day_values: the rows break a rule")


def test_an_older_backup_without_a_table_leaves_that_table_empty(diary: Diary) -> None:
    fill(diary)
    data, _ = backup_bytes(diary)
    older = _rebuild(data, {"experiments.jsonl": None})
    checked = read_backup(io.BytesIO(older), diary.tables())
    assert "experiments" not in checked.rows
    restore_backup(diary, io.BytesIO(older), replace=True)
    assert diary.list_experiments() == []
    assert len(diary.list_twitches()) == 3


def test_the_kept_backup_of_format_1_restores(diary: Diary) -> None:
    """A backup made by version 0.1.0 (format 1) must restore in every later version."""
    checked = restore_backup(diary, DATA / "twitchwise-backup-format-1.zip")
    assert checked.manifest["format_version"] == 1
    counts = {"twitches": 3, "checkins": 2, "day_values": 5, "assessments": 2, "experiments": 2}
    assert {k: diary.row_counts()[k] for k in counts} == counts
    notes = [t.note for t in diary.list_twitches()]
    assert 'after coffee, "again"\nsecond line' in notes and "=1+2" in notes
    assert diary.list_day_values(source="other-app")[0][1].value == 10001


def test_write_backup_refuses_a_missing_folder(full: Diary, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="does not exist"):
        write_backup(full, tmp_path / "nope" / "b.zip")


def _zip(files: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files:
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_with_a_file_twice_or_an_encrypted_file_is_refused(full: Diary) -> None:
    data, _ = backup_bytes(full)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = [(name, archive.read(name)) for name in archive.namelist()]
    with pytest.warns(UserWarning, match="Duplicate name"):
        twice = _zip([*files, ("twitches.csv", b"id\r\n")])
    _refused(full, twice, "appears twice")
    locked = bytearray(data)
    central = locked.index(b"PK\x01\x02")  # the first file's central directory entry
    locked[central + 8] |= 0x1  # its flags now say "encrypted": reading needs a password
    _refused(full, bytes(locked), "cannot be read")


def test_rows_an_entry_could_never_hold_are_refused_by_table_row_and_column(full: Diary) -> None:
    data, _ = backup_bytes(full)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        twitches = archive.read("twitches.csv").decode()
        checkins = archive.read("checkins.csv").decode()
    bad = _rebuild(
        data,
        {
            "twitches.csv": twitches.replace("left_calf", "knee").encode(),
            "checkins.csv": checkins.replace(",6.5,", ",25.0,").encode(),
        },
    )
    _refused(full, bad, r"twitches line 1, column site: .*knee")
    with pytest.raises(DiaryError) as caught:
        read_and_restore = restore_backup(full, io.BytesIO(bad), replace=True)
        del read_and_restore
    assert [(p.file, p.line, p.field) for p in caught.value.problems] == [
        ("twitches", 1, "site"),
        ("checkins", 1, "sleep_hours"),
    ]
