"""Benchmark: twitchwise's Apple Health import against healthkit-to-sqlite, on the same export.

Generates realistic exports with benchmarks/generate_apple_health.py, in two shapes (``mixed``:
mostly types the diary skips; ``watch``: mostly steps and active energy, heart-rate samples with
a MetadataEntry child, phone and watch samples interleaved), by default at about 200 MB and at
about 1 GB of XML each (``--size-mb 200`` for one size), then for each shape and size times, in
the same run:

- twitchwise, the whole command as a person runs it: ``twitchwise import apple-health FILE`` in a
  fresh process (Python start-up and imports included) writing to a fresh SQLite diary (so the
  schema is created too);
- twitchwise: `read_export` alone (scan, well-formedness check, per-day values), in a fresh process;
- healthkit-to-sqlite: the PyPI tool people use for this, installed in benchmarks/.venv (created
  here with ``python -m venv`` on first run, never in the project's own environment);
- with ``--alternatives``: the generic parsers twitchwise could have been built on (lxml
  iterparse filtered to Record/Workout, stdlib expat, libxml2 with no tree) and a bare line
  scan, the ceiling for anything written in Python.

For each it prints wall time, MB/s of XML, the CPU time of the whole process tree (user + system,
children included), the CPU time of the top process and of the busiest single process (sampled
every 20 ms), the "2-core" bound max(busiest, tree CPU / 2) with its MB/s, and the peak memory of
the tree (resident set sampled every 20 ms), then the ratios. On a machine shared with other work
the wall-clock time includes waiting for a CPU; the CPU times do not, so compare those across
runs and machines. twitchwise's command uses three processes on a two-core machine (the command,
and a worker per core that scans and checks its part of the file), so on an idle two-core
machine its wall-clock time is about the 2-core bound, not its CPU time.

Before timing, the project's modules (and those of ``--compare-src``) are compiled to bytecode,
as installing them does (`bytecode.py`): otherwise a shell with PYTHONDONTWRITEBYTECODE=1 makes
every process compile them from source on every run, which no installed copy does.

    python benchmarks/apple_health.py                       # 200 MB and 1 GB, both shapes
    python benchmarks/apple_health.py --size-mb 1024 --shapes watch
    python benchmarks/apple_health.py --size-mb 100 --alternatives --skip-healthkit
    python benchmarks/apple_health.py --skip-healthkit --compare-src /tmp/before/src
    python benchmarks/apple_health.py --size-mb 200 --repeat 8 --compare-src /tmp/before/src
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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

from bytecode import compile_trees  # noqa: E402
from generate_apple_health import generate  # noqa: E402


@dataclass
class Run:
    name: str
    seconds: float
    cpu: float
    peak_mb: float
    note: str = ""
    main_cpu: float = 0.0
    """CPU time of the top process alone (sampled; the tree's other processes run beside it)."""
    busiest_cpu: float = 0.0
    """CPU time of the busiest single process of the tree (sampled every 20 ms)."""


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


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process so far, in clock ticks (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            data = fh.read()
    except OSError:
        return 0
    fields = data[data.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def measure(name: str, cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run `cmd`: wall time, CPU time (its whole tree) and peak resident memory of the tree."""
    peak = main_ticks = 0
    ticks: dict[int, int] = {}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, main_ticks
            while not done.is_set():
                tree = _tree(proc.pid)
                peak = max(peak, sum(_rss_kb(p) for p in tree))
                for p in tree:
                    ticks[p] = max(ticks.get(p, 0), _cpu_ticks(p))
                main_ticks = max(main_ticks, ticks.get(proc.pid, 0))
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
    main_cpu = min(cpu, main_ticks / TICK)
    busiest = min(cpu, max(ticks.values(), default=0) / TICK)
    return Run(name, seconds, cpu, peak / 1024, lines[-1] if lines else "", main_cpu, busiest)


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


TWITCHWISE_CLI = Path(sys.executable).parent / "twitchwise"
LAUNCH = "import sys; sys.argv[0] = 'twitchwise'; from twitchwise.cli import main; main()"
"""What the console script does, for running another checkout through PYTHONPATH."""
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
    parser.add_argument(
        "--size-mb",
        default="200,1024",
        help="XML sizes to generate and time, comma-separated (default: 200 MB and 1 GB)",
    )
    parser.add_argument("--shapes", default="mixed,watch", help="comma-separated: mixed, watch")
    parser.add_argument("--alternatives", action="store_true", help="also time generic parsers")
    parser.add_argument("--skip-healthkit", action="store_true", help="only time twitchwise")
    parser.add_argument("--zip", action="store_true", help="also time twitchwise on a zipped copy")
    parser.add_argument(
        "--compare-src", type=Path, help="also time the command from another checkout's src"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="then run the command (and --compare-src's) this many more times, taking turns, "
        "and print the median and range: one run hides a spread of a tenth",
    )
    args = parser.parse_args()

    OUT.mkdir(exist_ok=True)
    compile_trees(args.compare_src)
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start\n"
        "(MB/s is wall-clock; cpu is user+sys of the whole process tree; main and busiest are "
        "the CPU time\n of the top process and of the busiest single process, sampled every "
        "20 ms; 2-core = max(busiest,\n cpu / 2), the least wall-clock time the same work needs "
        "on an idle two-core machine, and MB/s of it)",
        flush=True,
    )
    for size_mb in (float(size) for size in args.size_mb.split(",")):
        for shape in args.shapes.split(","):
            bench_shape(shape.strip(), size_mb, args)
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


def export_for(shape: str, size_mb: float) -> Path:
    name = f"export-{size_mb:g}mb.xml" if shape == "mixed" else f"export-{shape}-{size_mb:g}mb.xml"
    xml = OUT / name
    if not xml.exists():
        print(f"generating {xml.name}...", flush=True)
        t = time.perf_counter()
        generate(xml, size_mb, shape=shape)
        print(f"  {xml.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.0f} s", flush=True)
    return xml


def bench_shape(shape: str, size_mb: float, args: argparse.Namespace) -> None:
    xml = export_for(shape, size_mb)
    size = xml.stat().st_size
    print(
        f"\n== shape {shape}: {xml} ({size / 1e6:.1f} MB), load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        db = f"sqlite:///{Path(folder) / 'diary.db'}"
        cmd = [str(TWITCHWISE_CLI), "--db", db, "import", "apple-health", str(xml)]
        run = measure("twitchwise import apple-health (command)", cmd)
        run.note = ""
        runs.append(run)
        report(run, size)
        if args.compare_src is not None:
            before = {**os.environ, "PYTHONPATH": str(args.compare_src)}
            db = f"sqlite:///{Path(folder) / 'before.db'}"
            cmd = [sys.executable, "-c", LAUNCH, "--db", db, "import", "apple-health", str(xml)]
            run = measure("(before) import apple-health (command)", cmd, before)
            run.note = ""
            report(run, size)
    if args.repeat > 1:
        repeated(xml, size, args)
    run = measure("twitchwise read_export", [sys.executable, "-c", TWITCHWISE, str(xml)])
    runs.append(run)
    found = json.loads(run.note)
    run.note = f"{found['days']} days, {found['values']} values, {found['records']} records"
    report(run, size)

    if args.zip:
        zipped = xml.with_suffix(".zip")
        if not zipped.exists():
            print(f"zipping to {zipped.name}...", flush=True)
            with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.write(xml, "apple_health_export/export.xml")
        run = measure("read_export (export.zip)", [sys.executable, "-c", TWITCHWISE, str(zipped)])
        run.note = ""
        report(run, size)

    if not args.skip_healthkit:
        tool = ensure_healthkit_to_sqlite()
        db_file = OUT / "healthkit.db"
        db_file.unlink(missing_ok=True)
        run = measure("healthkit-to-sqlite", [str(tool), "--xml", "-s", str(xml), str(db_file)])
        runs.append(run)
        db_file.unlink(missing_ok=True)
        report(run, size)
    if args.alternatives:
        for name, code in ALTERNATIVES.items():
            run = measure(name, [sys.executable, "-c", code, str(xml)])
            run.note = ""
            runs.append(run)
            report(run, size)

    print()
    for ours in runs[:2]:
        for other in runs[2:]:
            print(
                f"{ours.name} vs {other.name}: {other.seconds / ours.seconds:.1f}x faster by "
                f"wall-clock, {other.cpu / ours.cpu:.1f}x less CPU, "
                f"{two_core_bound(other) / max(two_core_bound(ours), 1e-3):.1f}x by the "
                "two-core bound"
            )


def repeated(xml: Path, size: int, args: argparse.Namespace) -> None:
    """The whole command `args.repeat` times, and the `--compare-src` checkout's taking turns with
    it (so both meet the same drift of the machine), each into a fresh diary."""
    versions: dict[str, dict[str, str] | None] = {"twitchwise import apple-health (command)": None}
    if args.compare_src is not None:
        before = {**os.environ, "PYTHONPATH": str(args.compare_src)}
        versions["(before) import apple-health (command)"] = before
    seconds: dict[str, list[float]] = {name: [] for name in versions}
    for _ in range(args.repeat):
        for name, env in versions.items():
            with tempfile.TemporaryDirectory() as folder:
                db = f"sqlite:///{Path(folder) / 'diary.db'}"
                head = [str(TWITCHWISE_CLI)] if env is None else [sys.executable, "-c", LAUNCH]
                cmd = [*head, "--db", db, "import", "apple-health", str(xml)]
                seconds[name].append(measure(name, cmd, env).seconds)
    for name, times in seconds.items():
        middle = statistics.median(times)
        print(
            f"{name}, {len(times)} runs: median {middle:.3f} s ({size / middle / 1e6:.1f} MB/s), "
            f"fastest {min(times):.3f} s, slowest {max(times):.3f} s",
            flush=True,
        )


def two_core_bound(run: Run) -> float:
    """The wall-clock time the run's CPU work needs at least on an idle two-core machine: all of
    it shared over both cores, and never less than its busiest process."""
    return max(run.busiest_cpu, run.cpu / 2)


def report(run: Run, size: int) -> None:
    note = f"  ({run.note})" if run.note else ""
    bound = two_core_bound(run)
    print(
        f"{run.name:42s} {run.seconds:7.2f} s {size / 1e6 / run.seconds:7.1f} MB/s "
        f"cpu {run.cpu:6.2f} s  main {run.main_cpu:5.2f} s  busiest {run.busiest_cpu:5.2f} s  "
        f"2-core {bound:5.2f} s {size / 1e6 / max(bound, 1e-3):6.1f} MB/s  "
        f"peak {run.peak_mb:4.0f} MB{note}",
        flush=True,
    )


if __name__ == "__main__":
    main()
