"""Benchmark: twitchwise's Apple Health import against healthkit-to-sqlite, on the same export.

Generates a realistic export (default about 1 GB of XML; ``--size-mb`` for smaller runs) with
benchmarks/generate_apple_health.py, then in the same run times:

- twitchwise: `read_export` (the full import minus the diary write: scan, well-formedness
  check, per-day values), in a fresh process;
- healthkit-to-sqlite: the PyPI tool people use for this, installed in benchmarks/.venv (created
  here with ``python -m venv`` on first run, never in the project's own environment);
- with ``--alternatives``: the generic parsers twitchwise could have been built on (lxml
  iterparse filtered to Record/Workout, stdlib expat, libxml2 with no tree) and a bare line
  scan, the ceiling for anything written in Python.

For each it prints wall time, MB/s of XML and the peak memory of the whole process tree
(resident set sampled every 20 ms, children included), then the speed ratio.

    python benchmarks/apple_health.py                 # 1 GB: generate once, then a few minutes
    python benchmarks/apple_health.py --size-mb 100 --alternatives
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import venv
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BENCH_VENV = HERE / ".venv"
sys.path.insert(0, str(HERE))

from generate_apple_health import generate  # noqa: E402


@dataclass
class Run:
    name: str
    seconds: float
    cpu: float
    peak_mb: float
    note: str = ""


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return pids


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(name: str, cmd: list[str]) -> Run:
    """Run `cmd`: wall time, CPU time (its whole tree) and peak resident memory of the tree."""
    peak = 0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, sum(_rss_kb(p) for p in _tree(proc.pid)))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed ({proc.returncode}):\n{err.read().decode()[-2000:]}")
        lines = out.read().decode().strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    return Run(name, seconds, cpu, peak / 1024, lines[-1] if lines else "")


def ensure_healthkit_to_sqlite() -> Path:
    tool = BENCH_VENV / "bin" / "healthkit-to-sqlite"
    if not tool.exists():
        print(f"creating {BENCH_VENV} with healthkit-to-sqlite (first run only)...", flush=True)
        venv.create(BENCH_VENV, with_pip=True)
        subprocess.run(
            [
                str(BENCH_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "-q",
                "healthkit-to-sqlite",
            ],
            check=True,
        )
    return tool


TWITCHWISE = """
import json, sys
from twitchwise.importers.apple_health import read_export
r = read_export(sys.argv[1])
s = r.summary
print(json.dumps({"days": s.days, "values": s.values, "records": s.records_used}))
"""

ALTERNATIVES = {
    "lxml iterparse (Record, Workout)": """
import sys
from lxml import etree
n = 0
for _, el in etree.iterparse(sys.argv[1], tag=("Record", "Workout"), huge_tree=True):
    if el.get("type") == "HKQuantityTypeIdentifierStepCount":
        n += 1
    el.clear()
    while el.getprevious() is not None:
        del el.getparent()[0]
print(n)
""",
    "stdlib expat (start-element handler)": """
import sys, pyexpat
n = 0
def start(name, attrs):
    global n
    if name == "Record" and attrs.get("type") == "HKQuantityTypeIdentifierStepCount":
        n += 1
p = pyexpat.ParserCreate()
p.StartElementHandler = start
with open(sys.argv[1], "rb") as fh:
    p.ParseFile(fh)
print(n)
""",
    "libxml2, no tree (well-formedness only)": """
import sys
from lxml import etree
class Discard:
    def close(self): return None
p = etree.XMLParser(target=Discard(), huge_tree=True)
with open(sys.argv[1], "rb") as fh:
    while block := fh.read(1 << 23):
        p.feed(block)
p.close()
print("ok")
""",
    "bare Python line scan (no parsing)": """
import sys
n = 0
with open(sys.argv[1], "rb") as fh:
    for line in fh:
        if b"StepCount" in line:
            n += 1
print(n)
""",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=1024.0, help="XML size to generate")
    parser.add_argument("--alternatives", action="store_true", help="also time generic parsers")
    parser.add_argument("--skip-healthkit", action="store_true", help="only time twitchwise")
    parser.add_argument("--zip", action="store_true", help="also time twitchwise on a zipped copy")
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    xml = OUT / f"export-{args.size_mb:g}mb.xml"
    if not xml.exists():
        print(f"generating {xml.name}...", flush=True)
        t = time.perf_counter()
        generate(xml, args.size_mb)
        print(f"  {xml.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.0f} s", flush=True)
    size = xml.stat().st_size
    load = os.getloadavg()[0]
    print(
        f"export: {xml} ({size / 1e6:.1f} MB); {os.cpu_count()} CPUs, load average {load:.1f}\n"
        "(MB/s is wall-clock; cpu is user+sys of the whole process tree)\n",
        flush=True,
    )

    runs: list[Run] = []
    run = measure("twitchwise", [sys.executable, "-c", TWITCHWISE, str(xml)])
    runs.append(run)
    found = json.loads(run.note)
    run.note = f"{found['days']} days, {found['values']} values, {found['records']} records"
    report(run, size)

    if args.zip:
        zipped = OUT / f"export-{args.size_mb:g}mb.zip"
        if not zipped.exists():
            print(f"zipping to {zipped.name}...", flush=True)
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(xml, "apple_health_export/export.xml")
        run = measure("twitchwise (export.zip)", [sys.executable, "-c", TWITCHWISE, str(zipped)])
        run.note = ""
        report(run, size)

    if not args.skip_healthkit:
        tool = ensure_healthkit_to_sqlite()
        db = OUT / "healthkit.db"
        db.unlink(missing_ok=True)
        run = measure("healthkit-to-sqlite", [str(tool), "--xml", "-s", str(xml), str(db)])
        runs.append(run)
        db.unlink(missing_ok=True)
        report(run, size)
    if args.alternatives:
        for name, code in ALTERNATIVES.items():
            run = measure(name, [sys.executable, "-c", code, str(xml)])
            run.note = ""
            runs.append(run)
            report(run, size)

    ours = runs[0]
    print()
    for other in runs[1:]:
        cpu = other.cpu / ours.cpu
        cpu_text = f"{cpu:.1f}x less CPU" if cpu >= 1 else f"{1 / cpu:.1f}x more CPU"
        print(
            f"twitchwise: {other.seconds / ours.seconds:.1f}x the speed of {other.name}, {cpu_text}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")


def report(run: Run, size: int) -> None:
    note = f"  ({run.note})" if run.note else ""
    print(
        f"{run.name:40s} {run.seconds:7.2f} s {size / 1e6 / run.seconds:7.1f} MB/s "
        f"cpu {run.cpu:7.2f} s  peak {run.peak_mb:5.0f} MB{note}",
        flush=True,
    )


if __name__ == "__main__":
    main()
