"""A crash mid-import leaves the diary as it was: the real CLI is killed inside its transaction.

The importing process runs `twitchwise import diary` with a SQLAlchemy listener that, at the first
commit after both twitches and check-ins were written, drops a marker file and waits; the test then
SIGKILLs it. An import that committed in parts (per row, or per file) would already have committed
some rows at that point, and the comparison with the snapshot would fail.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from twitchwise.diary import Diary

IMPORTER = """
import sys, time
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.engine import Engine

url, folder, marker = sys.argv[1], sys.argv[2], Path(sys.argv[3])
written = set()

@event.listens_for(Engine, "before_cursor_execute")
def _seen(conn, cursor, statement, parameters, context, executemany):
    words = statement.split()
    if words[:3] == ["INSERT", "INTO", "twitches"]:
        written.add("twitches")
    if words[:3] in (["INSERT", "INTO", "checkins"], ["UPDATE", "checkins", "SET"]):
        written.add("checkins")

@event.listens_for(Engine, "commit")
def _hang(conn):
    if written == {"twitches", "checkins"}:  # every kind of row is written, none committed yet
        marker.touch()
        time.sleep(600)

from twitchwise.cli import app
app(["--db", url, "import", "diary", folder])
"""


def _snapshot(url: str) -> tuple[object, ...]:
    with Diary.open(url) as diary:
        twitches = [replace(t, id=0) for t in diary.list_twitches()]
        return twitches, diary.list_checkins(), diary.list_day_values()


def test_killed_import_leaves_the_diary_as_before(db_url: str, tmp_path: Path) -> None:
    with Diary.open(db_url) as diary:
        diary.add_twitch("eyelid")
        diary.save_checkin(date(2026, 1, 5), sleep_hours=7)
    before = _snapshot(db_url)
    folder = tmp_path / "in"
    folder.mkdir()
    rows = "".join(
        f"2026-02-{d:02d}T08:{m:02d},left_thigh,2,1,,\n" for d in range(1, 29) for m in range(60)
    )
    (folder / "twitches.csv").write_text("time,site,intensity,count,duration_s,note\n" + rows)
    (folder / "days.csv").write_text("date,sleep_hours\n2026-01-05,4\n2026-02-01,6\n")
    marker = tmp_path / "inside-transaction"
    proc = subprocess.Popen([sys.executable, "-c", IMPORTER, db_url, str(folder), str(marker)])
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, "the import ended before reaching its commit"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _snapshot(db_url) == before
    with Diary.open(db_url) as diary:  # not locked, not damaged: the import can simply be rerun
        diary.add_twitch("left_calf")
        assert len(diary.list_twitches()) == 2
