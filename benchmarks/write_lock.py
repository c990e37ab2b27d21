"""Benchmark: how long an import holds the diary's write lock, and how long a twitch logged at
the same moment waits for it.

An import stores everything in one transaction (all or nothing), so on SQLite it holds the write
lock while it writes. The web app waits up to `TWITCHWISE_DB_WAIT_S` (5 s) for that lock before it
answers 503; this prints, for imports of several shapes, the time the write transaction took and
the wait of a twitch logged from a second connection while it ran, against that 5 s.

    python benchmarks/write_lock.py                # the default shapes
    python benchmarks/write_lock.py --repeat 3
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from twitchwise.diary import DayValue, Diary
from twitchwise.diary._validate import check_twitch

WEB_WAIT_S = 5.0
METRICS = ("sleep_hours", "steps", "caffeine_mg", "exercise_minutes", "water_litres")


def twitches(n: int) -> list[dict[str, Any]]:
    """`n` checked twitches, seven minutes apart (as a diary CSV import would pass them)."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        clean, problems = check_twitch(
            {"time": (start + timedelta(minutes=7 * i)).isoformat(), "site": "left_thigh"}
        )
        assert not problems, problems
        rows.append(clean)
    return rows


def day_values(years: int) -> list[DayValue]:
    """Five measures a day for `years` years, as an Apple Health or Health Connect import."""
    first = date(2026, 1, 1) - timedelta(days=365 * years)
    days = [first + timedelta(days=k) for k in range(365 * years)]
    return [DayValue(day, metric, 7.0) for day in days for metric in METRICS]


def measure(write: Callable[[Diary], object]) -> tuple[float, float]:
    """Seconds the import's write took, and the longest wait of a twitch logged meanwhile."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'diary.db'}"
        with Diary.open(url) as importer, Diary.open(url) as other:
            other.add_twitch("right_calf")  # both connections open and warm
            waits: list[float] = []
            started = threading.Event()

            def run() -> float:
                t0 = time.perf_counter()
                started.set()
                write(importer)
                return time.perf_counter() - t0

            result: list[float] = []
            thread = threading.Thread(target=lambda: result.append(run()))
            thread.start()
            started.wait()
            while thread.is_alive():
                t0 = time.perf_counter()
                other.add_twitch("right_calf")
                waits.append(time.perf_counter() - t0)
                time.sleep(0.05)
            thread.join()
            return result[0], max(waits, default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    shapes: list[tuple[str, Callable[[Diary], object]]] = []
    for years in (1, 10):
        values = day_values(years)
        shapes.append(
            (
                f"{years} year(s) of imported values ({len(values):,})",
                lambda d, v=values: d.import_day_values(v, source="apple-health"),
            )
        )
    for n in (10_000, 100_000):
        rows = twitches(n)
        shapes.append((f"diary CSV of {n:,} twitches", lambda d, r=rows: d.import_entries(r, [])))
    print(f"{'import':<40} {'write s':>8} {'twitch waited s':>16}   (web app waits {WEB_WAIT_S} s)")
    for name, write in shapes:
        best = min((measure(write) for _ in range(args.repeat)), key=lambda r: r[0])
        print(f"{name:<40} {best[0]:>8.2f} {best[1]:>16.2f}")


if __name__ == "__main__":
    main()
