"""`erase` erases: no copy of an erased note stays in the database files (issue 10, item 5).

A plain DELETE leaves the text in free pages and, on SQLite, in the `-wal` file while any other
connection (a running web app) keeps the database open; on PostgreSQL in dead row versions.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from twitchwise.cli import app as cli
from twitchwise.diary import Diary
from twitchwise.uploads import upload_dir

MARKER = "zebra-marker-7b3e"


def _fill(diary: Diary, n: int = 200) -> None:
    for i in range(n):
        diary.add_twitch("left_thigh", note=f"{MARKER} note {i} " + "private " * 20)


def _sqlite_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))


def test_sqlite_erase_leaves_no_copy_in_the_file_or_wal_while_another_app_reads(
    tmp_path: Path,
) -> None:
    db = tmp_path / "diary.db"
    url = f"sqlite:///{db}"
    with Diary.open(url) as server, Diary.open(url) as cli_side:
        _fill(server)
        assert server.list_twitches()  # the "server" has read: its connection stays pooled
        assert MARKER.encode() in _sqlite_bytes(db)
        cli_side.erase()
        assert cli_side.list_twitches() == [] and server.list_twitches() == []
        assert MARKER.encode() not in _sqlite_bytes(db)
        wal = db.with_name("diary.db-wal")
        assert not wal.exists() or wal.stat().st_size == 0


def test_a_single_delete_is_overwritten_too(tmp_path: Path) -> None:
    """secure_delete: deleting one entry does not leave its note in a free page."""
    db = tmp_path / "diary.db"
    with Diary.open(f"sqlite:///{db}") as diary:
        twitch = diary.add_twitch("left_thigh", note=MARKER + " single")
        diary.add_twitch("left_thigh", note="other")
        diary.delete_twitch(twitch.id)
        diary.engine.dispose()  # checkpoints the WAL on close
    assert (MARKER + " single").encode() not in _sqlite_bytes(db)


def test_cli_erase_removes_waiting_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # not the machine's real uploads
    leftover = upload_dir() / "import-1-leftover.zip"
    assert leftover.parent.parent == tmp_path
    leftover.write_bytes(b"an export")
    monkeypatch.setenv("TWITCHWISE_DB", f"sqlite:///{tmp_path / 'diary.db'}")
    result = CliRunner().invoke(cli, ["erase", "--yes"])
    assert result.exit_code == 0, result.output
    assert not leftover.exists()


@pytest.mark.postgres
def test_postgres_erase_leaves_no_copy_in_the_table_files(postgres_url: str) -> None:
    with Diary.open(postgres_url) as diary:
        _fill(diary, 50)
        diary.erase()
        assert diary.list_twitches() == []
    conninfo = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn:
        data_dir = str(conn.execute("SHOW data_directory").fetchone()[0])  # type: ignore[index]
        files = [
            str(conn.execute("SELECT pg_relation_filepath(%s)", (t,)).fetchone()[0])  # type: ignore[index]
            for t in ("twitches", "checkins", "assessments")
        ]
        conn.execute("CHECKPOINT")  # the table files on disk, not only in shared buffers
    for relative in files:
        path = Path(data_dir) / relative
        found = subprocess.run(["grep", "-c", MARKER, str(path)], capture_output=True, text=True)
        assert found.stdout.strip() in ("", "0"), f"{MARKER} still in {path}"
