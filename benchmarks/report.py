"""Benchmark: the time to make the doctor report (build + PDF) for one and ten years of diary.

Fills a temporary SQLite diary with the same seeded synthetic data as tests/report (check-ins
on most days, a few twitches a day, Apple Health sleep and steps every day, an assessment and a
caffeine experiment), then times, for the whole diary, `build_report` (the diary reads, the
engine's red-flag screen, the trend, factor insights and the experiment report) and
`render_pdf` (WeasyPrint) separately, best of `--repeat` runs. Goal: under 2 s for a year.

    python benchmarks/report.py               # 1 and 10 years
    python benchmarks/report.py --years 1 --repeat 5
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.report._diaries import fill  # noqa: E402
from twitchwise.diary import Diary  # noqa: E402
from twitchwise.report import build_report, render_pdf  # noqa: E402


def timed(repeat: int, diary: Diary, start: date, end: date) -> tuple[float, float]:
    """Best-of-`repeat` seconds for build_report and for render_pdf."""
    build_times, pdf_times = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = build_report(diary, start, end)
        t1 = time.perf_counter()
        render_pdf(report)
        t2 = time.perf_counter()
        build_times.append(t1 - t0)
        pdf_times.append(t2 - t1)
    return min(build_times), min(pdf_times)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--years", type=int, nargs="*", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    today = date.today()
    print(f"cores available: {len(os.sched_getaffinity(0))}; load average "
          f"{os.getloadavg()[0]:.1f}; best of {args.repeat} runs")  # fmt: skip
    print(f"{'diary':>9} {'days':>6} {'twitches':>9} {'build s':>8} {'pdf s':>7} {'total s':>8}")
    for years in args.years:
        days = 365 * years
        with tempfile.TemporaryDirectory() as tmp:
            diary = Diary.open(f"sqlite:///{Path(tmp) / 'diary.db'}")
            fill(diary, today, days)
            twitches = len(diary.list_twitches())
            built, drawn = timed(args.repeat, diary, today - timedelta(days=days - 1), today)
            diary.close()
        label = f"{years} year{'s' * (years != 1)}"
        print(f"{label:>9} {days:>6} {twitches:>9} {built:8.2f} {drawn:7.2f} {built + drawn:8.2f}")


if __name__ == "__main__":
    main()
