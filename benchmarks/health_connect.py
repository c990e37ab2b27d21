"""Benchmark: twitchwise's Health Connect import against pandas ``read_sql`` + ``groupby``.

Generates a year of a watch-wearer's Health Connect export with
benchmarks/generate_health_connect.py (a watch and a phone counting steps, hourly heart-rate
series, nightly staged sleep, daily workouts, coffee and water logged in two apps), zips it as
the phone does (``Health Connect.zip`` holding ``health_connect_export.db``), then in the same
run times, each in a fresh process starting from the zip:

- twitchwise: `read_export` (copy out, integrity check, every metric, the summary; everything an
  import does except the diary write);
- pandas: what a user would write by hand: unzip, ``pd.read_sql`` of the steps, nutrition,
  hydration, exercise, sleep session and sleep stage tables, then ``groupby`` per local day
  (it merges nothing: overlapping sessions and copied drinks are counted twice).

It prints wall time, MB/s of database, CPU time and peak memory of the process tree for the
fastest of ``--repeat`` alternating runs of each (the machine may be busy with other work).
The goal is a year in under 2 s for twitchwise.

    python benchmarks/health_connect.py             # a year
    python benchmarks/health_connect.py --days 1095 # three years
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from apple_health import Run, measure  # noqa: E402
from generate_health_connect import write, year  # noqa: E402

TWITCHWISE = """
import json, sys
from twitchwise.importers.health_connect import read_export
r = read_export(sys.argv[1])
s = r.summary
print(json.dumps({"days": s.days, "values": s.values, "records": s.records_used}))
"""

PANDAS = """
import json, sqlite3, sys, tempfile, zipfile
import pandas as pd
DAY = 86_400_000
with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(sys.argv[1]) as zf:
    db = zf.extract("health_connect_export.db", tmp)
    con = sqlite3.connect(db)
    q = lambda sql: pd.read_sql(sql, con)
    out = {}
    steps = q("SELECT app_info_id, device_info_id, start_time, start_zone_offset, count"
              " FROM steps_record_table")
    steps["day"] = (steps.start_time + 1000 * steps.start_zone_offset) // DAY
    out["steps"] = steps.groupby(["day", "app_info_id", "device_info_id"])["count"].sum() \\
        .groupby("day").max()
    for table, col in (("nutrition_record_table", "caffeine"),
                       ("hydration_record_table", "volume")):
        df = q(f"SELECT start_time, start_zone_offset, {col} FROM {table}")
        df["day"] = (df.start_time + 1000 * df.start_zone_offset) // DAY
        out[col] = df.groupby("day")[col].sum()
    ex = q("SELECT start_time, end_time, start_zone_offset FROM exercise_session_record_table")
    ex["day"] = (ex.start_time + 1000 * ex.start_zone_offset) // DAY
    out["exercise"] = ((ex.end_time - ex.start_time) / 60000).groupby(ex.day).sum()
    stages = q("SELECT parent_key, stage_start_time, stage_end_time, stage_type"
               " FROM sleep_stages_table")
    sessions = q("SELECT row_id, end_time, end_zone_offset FROM sleep_session_record_table")
    sl = stages[stages.stage_type.isin([2, 4, 5, 6])].merge(
        sessions, left_on="parent_key", right_on="row_id")
    sl["day"] = (sl.end_time + 1000 * sl.end_zone_offset) // DAY
    out["sleep"] = ((sl.stage_end_time - sl.stage_start_time) / 3_600_000).groupby(sl.day).sum()
    con.close()
print(json.dumps({k: len(v) for k, v in out.items()}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each, alternating; the fastest is shown"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "health_connect_export.db"
        print(f"generating {args.days} days...", flush=True)
        write(year(args.days), db, 18)
        export = Path(tmp) / "Health Connect.zip"
        with zipfile.ZipFile(export, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(db, db.name)
        mb = db.stat().st_size / 1e6
        print(
            f"{args.days} days: database {mb:.1f} MB, zip {export.stat().st_size / 1e6:.1f} MB; "
            f"Python {sys.version.split()[0]}",
            flush=True,
        )
        tools = (("twitchwise read_export", TWITCHWISE), ("pandas read_sql+groupby", PANDAS))
        best: dict[str, Run] = {}
        for _ in range(args.repeat):
            for name, code in tools:
                run = measure(name, [sys.executable, "-c", code, str(export)])
                if name not in best or run.seconds < best[name].seconds:
                    best[name] = run
        runs = [best[name] for name, _ in tools]
        print(f"fastest of {args.repeat} runs each:")
        for r in runs:
            print(
                f"{r.name:26} {r.seconds:6.2f} s  {mb / r.seconds:7.1f} MB/s  "
                f"CPU {r.cpu:5.2f} s  peak {r.peak_mb:6.1f} MB   {r.note}"
            )
        print(f"twitchwise / pandas wall time: {runs[0].seconds / runs[1].seconds:.2f}")
        print(f"goal (a year under 2 s): {'met' if runs[0].seconds < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
