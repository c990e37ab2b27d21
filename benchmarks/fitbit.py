"""Benchmark: twitchwise's Fitbit import against pandas ``read_json`` + ``groupby``.

Writes a year of a Fitbit user's Google Takeout export in the shapes of real ones
(docs/android.md, FORMAT_NOTES): one ``steps-*.json`` per 30 days with about 16,000 minute rows,
a ``sleep-*.json`` per 30 days, ``exercise-N.json`` with 100 logs per file, ``water_logs-0.json``
and ``Your Profile/Profile.csv`` with the time zone, zipped as Takeout does. Then it times, each
in a fresh process from the zip: twitchwise's `read_export`, and what a user would write with
pandas (``read_json`` of every file, steps converted from UTC to the profile's zone, ``groupby``
per day; it merges no duplicate logs). It prints wall time, MB/s of JSON, CPU time and peak
memory, the fastest of ``--repeat`` alternating runs of each.

    python benchmarks/fitbit.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from apple_health import Run, measure  # noqa: E402

ROOT = "Takeout/Fitbit/Global Export Data"

TWITCHWISE = """
import json, sys
from twitchwise.importers.fitbit import read_export
r = read_export(sys.argv[1])
s = r.summary
print(json.dumps({"days": s.days, "values": s.values, "records": s.records_used}))
"""

PANDAS = """
import io, json, sys, zipfile
import pandas as pd
out = {}
with zipfile.ZipFile(sys.argv[1]) as zf:
    names = zf.namelist()
    zone = pd.read_csv(io.BytesIO(zf.read(
        [n for n in names if n.endswith("Profile.csv")][0])))["timezone"][0]
    frames = {k: [] for k in ("steps", "sleep", "exercise", "water")}
    for n in names:
        base = n.rsplit("/", 1)[-1]
        for k in frames:
            if base.startswith(k if k != "water" else "water_logs"):
                frames[k].append(pd.read_json(io.BytesIO(zf.read(n)), dtype=False))
steps = pd.concat(frames["steps"])
steps["t"] = pd.to_datetime(steps.dateTime, format="%m/%d/%y %H:%M:%S", utc=True)
steps["day"] = steps.t.dt.tz_convert(zone).dt.date
out["steps"] = steps.value.astype(float).groupby(steps.day).sum()
sleep = pd.concat(frames["sleep"])
out["sleep"] = (sleep.minutesAsleep / 60).groupby(sleep.dateOfSleep).sum()
ex = pd.concat(frames["exercise"])
ex["day"] = pd.to_datetime(ex.startTime, format="%m/%d/%y %H:%M:%S").dt.date
out["exercise"] = (ex.activeDuration / 60000).groupby(ex.day).sum()
water = pd.concat(frames["water"])
out["water"] = (water.waterAmount / 1000).groupby(water.date).sum()
print(json.dumps({k: len(v) for k, v in out.items()}))
"""


def generate(out: Path, days: int, seed: int = 3) -> int:
    """Write the Takeout zip; returns the bytes of JSON in it."""
    rnd = random.Random(seed)
    first = date(2025, 1, 1)
    files: dict[str, object] = {}
    log_id = 10_000
    for block in range(0, days, 30):
        start = first + timedelta(days=block)
        steps, sleep = [], []
        for d in range(min(30, days - block)):
            day = start + timedelta(days=d)
            t0 = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
            for m in sorted(rnd.sample(range(16 * 60), 533)):
                t = t0 + timedelta(minutes=m)
                steps.append(
                    {"dateTime": t.strftime("%m/%d/%y %H:%M:%S"), "value": str(rnd.randint(1, 130))}
                )
            bed = datetime(day.year, day.month, day.day) - timedelta(minutes=rnd.randint(30, 150))
            in_bed = rnd.randint(360, 540)
            log_id += 1
            sleep.append(
                {
                    "logId": log_id,
                    "dateOfSleep": day.isoformat(),
                    "startTime": bed.strftime("%Y-%m-%dT%H:%M:%S.000"),
                    "endTime": (bed + timedelta(minutes=in_bed)).strftime("%Y-%m-%dT%H:%M:%S.000"),
                    "duration": in_bed * 60_000,
                    "minutesAsleep": in_bed - rnd.randint(20, 60),
                    "minutesAwake": 30,
                    "timeInBed": in_bed,
                    "efficiency": 92,
                    "type": "stages",
                    "logType": "auto_detected",
                    "mainSleep": True,
                    "levels": {
                        "summary": {},
                        "data": [
                            {
                                "dateTime": bed.strftime("%Y-%m-%dT%H:%M:%S.000"),
                                "level": "light",
                                "seconds": 30 * 60,
                            }
                            for _ in range(16)
                        ],
                    },
                }
            )
        files[f"{ROOT}/steps-{start}.json"] = steps
        files[f"{ROOT}/sleep-{start}.json"] = sleep
    exercise, water = [], []
    for d in range(days):
        day = first + timedelta(days=d)
        log_id += 1
        ms = rnd.randint(20, 70) * 60_000
        exercise.append(
            {
                "logId": log_id,
                "activityName": "Walk",
                "activityTypeId": 90013,
                "startTime": datetime(day.year, day.month, day.day, 18).strftime(
                    "%m/%d/%y %H:%M:%S"
                ),
                "duration": ms,
                "activeDuration": ms,
                "steps": 3000,
                "calories": 200,
                "logType": "auto_detected",
            }
        )
        for _ in range(4):
            log_id += 1
            water.append(
                {
                    "id": log_id,
                    "date": day.strftime("%m/%d/%y"),
                    "waterAmount": 250.0,
                    "measurementUnit": "MILLILITER",
                }
            )
    for n in range(0, len(exercise), 100):
        files[f"{ROOT}/exercise-{n}.json"] = exercise[n : n + 100]
    files[f"{ROOT}/water_logs-0.json"] = water
    total = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Takeout/Fitbit/Your Profile/Profile.csv", "id,timezone\nX,Europe/Berlin\n")
        for name, data in files.items():
            text = json.dumps(data)
            total += len(text)
            zf.writestr(name, text)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "takeout-20260101T000000Z-001.zip"
        size = generate(export, args.days)
        mb = size / 1e6
        print(f"{args.days} days: {mb:.1f} MB of JSON, zip {export.stat().st_size / 1e6:.1f} MB")
        tools = (("twitchwise read_export", TWITCHWISE), ("pandas read_json+groupby", PANDAS))
        best: dict[str, Run] = {}
        for _ in range(args.repeat):
            for name, code in tools:
                run = measure(name, [sys.executable, "-c", code, str(export)])
                if name not in best or run.seconds < best[name].seconds:
                    best[name] = run
        print(f"fastest of {args.repeat} runs each:")
        for r in (best[name] for name, _ in tools):
            print(
                f"{r.name:26} {r.seconds:6.2f} s  {mb / r.seconds:7.1f} MB/s  "
                f"CPU {r.cpu:5.2f} s  peak {r.peak_mb:6.1f} MB   {r.note}"
            )


if __name__ == "__main__":
    main()
