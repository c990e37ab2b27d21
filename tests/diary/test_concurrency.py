"""Two processes logging at the same moment lose nothing (real processes, SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from twitchwise.diary import Diary

LOGGER = """
import sys, time
from pathlib import Path
from twitchwise.diary import Diary

url, go, n, site = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with Diary.open(url) as diary:
    (go.parent / f"ready-{site}").touch()
    while not go.exists():
        time.sleep(0.005)
    for i in range(n):
        diary.add_twitch(site, count=i + 1)
"""
N = 60


def test_two_processes_logging_lose_nothing(db_url: str, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", LOGGER, db_url, str(go), str(N), site])
        for site in ("left_thigh", "right_calf")
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 2:  # both opened (racing to migrate) the new db
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Diary.open(db_url) as diary:
        twitches = diary.list_twitches()
    assert len(twitches) == 2 * N
    for site in ("left_thigh", "right_calf"):
        assert sorted(t.count for t in twitches if t.site == site) == list(range(1, N + 1))


IMPORTER = """
import sys, time
from pathlib import Path
from twitchwise.diary import Diary
from twitchwise.importers.diary_csv import import_diary_csv

url, go, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
with Diary.open(url) as diary:
    (go.parent / f"ready-{sys.argv[4]}").touch()
    while not go.exists():
        time.sleep(0.005)
    import_diary_csv(diary, folder)
"""


def test_two_simultaneous_imports_of_the_same_files_add_them_once(
    db_url: str, tmp_path: Path
) -> None:
    folder, go = tmp_path / "csv", tmp_path / "go"
    folder.mkdir()
    rows = "".join(
        f"2026-02-{d:02d}T08:{m:02d},left_thigh\n" for d in range(1, 11) for m in range(30)
    )
    (folder / "twitches.csv").write_text("time,site\n" + rows)
    (folder / "days.csv").write_text("date,sleep_hours\n2026-02-01,6\n")
    with Diary.open(db_url):
        pass
    procs = [
        subprocess.Popen([sys.executable, "-c", IMPORTER, db_url, str(go), str(folder), str(n)])
        for n in (1, 2)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 2:
        assert time.monotonic() < deadline and all(p.poll() is None for p in procs)
        time.sleep(0.01)
    go.touch()
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with Diary.open(db_url) as diary:
        assert len(diary.list_twitches()) == 300
        assert len(diary.list_checkins()) == 1
