"""Each traceback the attack found is now one clear line (issue 10, items 6 and 11)."""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from twitchwise.cli import app
from twitchwise.diary import Diary, DiaryError


def corrupt(db: Path) -> None:
    """A diary whose pages were overwritten: the header and the schema are fine, the twitches'
    pages are not (found with SQLite's dbstat, so a new table moving the schema's pages about
    does not change what is damaged)."""
    with Diary.open(f"sqlite:///{db}") as diary:
        for _ in range(300):
            diary.add_twitch("left_thigh", note="n" * 300)
    with sqlite3.connect(db) as conn:
        pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'twitches'")]
    conn.close()
    with db.open("r+b") as fh:
        for page in sorted(pages)[1:]:  # all but the root: the rows themselves
            fh.seek((page - 1) * 4096)
            fh.write(os.urandom(4096))


def run(args: list[str], db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{db}", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["log", "left_thigh", "--at", "99999999999 min ago"], "at: '99999999999 min ago' is too"),
        (["diary", "edit", "99999999999999999999", "--note", "x"], "id: no twitch with id"),
        (["diary", "delete", "99999999999999999999"], "id: no twitch with id"),
    ],
)
def test_out_of_range_input_is_one_line(tmp_path: Path, args: list[str], expected: str) -> None:
    code, output = run(args, tmp_path / "diary.db")
    assert code == 2 and expected in output and "Traceback" not in output


@pytest.mark.parametrize("args", [["export", "diary", "out"], ["insights"], ["diary"]])
def test_a_damaged_database_file_is_one_line(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "diary.db"
    corrupt(db)
    if args[0] == "export":
        args = [*args[:2], str(tmp_path / "out")]
    code, output = run(args, db)
    assert code == 2 and "Traceback" not in output
    assert "db: the diary's database file is damaged" in output


def test_a_naive_time_in_a_dst_gap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: 02:30 on the night the clocks go forward was silently stored as 03:30."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        with Diary.memory() as diary:
            with pytest.raises(DiaryError, match="did not exist"):
                diary.add_twitch("left_thigh", datetime(2026, 3, 29, 2, 30))
            kept = diary.add_twitch("left_thigh", datetime(2026, 3, 29, 3, 30))
            assert kept.time.hour == 3
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
