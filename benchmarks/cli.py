"""Benchmark: how long a person waits for the `twitchwise` command, against `python -c pass`.

    .venv/bin/python benchmarks/cli.py [--repeat 15]

Each command runs in a fresh process, as a person runs it, against a fresh SQLite diary in a
temporary folder (created and migrated before timing; the first `log` of a new diary also creates
its tables, which is a one-off). Commands are interleaved round by round, so a change in machine
load hits all of them alike. For each it prints the median wall-clock time, the median CPU time
(user + system of the process and its children, from `wait4`) and both as a ratio to
`python -c pass` on the same interpreter. On a shared machine the wall-clock time includes waiting
for a CPU; the CPU time does not, so it is the figure to compare between runs.

With ``--compare-src DIR`` (the ``src`` folder of another checkout, e.g. from
``git archive <commit> src | tar -x -C /tmp/before``) the same commands also run from that tree,
in the same rounds, so a before/after comparison sees the same machine load.

Before timing, the project's modules (and those of ``--compare-src``) are compiled to bytecode,
as installing them does (`bytecode.py`).

The issue's target: `--help` and `log` under 0.3 s on an idle two-core machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bytecode import compile_trees

TARGET_S = 0.3
BIN = Path(sys.executable).parent
COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "twitchwise --help": ["twitchwise", "--help"],
    "twitchwise log --help": ["twitchwise", "log", "--help"],
    "twitchwise log left_thigh": ["twitchwise", "log", "left_thigh", "--intensity", "2"],
    "twitchwise checkin --sleep-hours 7": ["twitchwise", "checkin", "--sleep-hours", "7"],
    "twitchwise diary": ["twitchwise", "diary"],
    "twitchwise insights": ["twitchwise", "insights"],
}


LAUNCH = "import sys; sys.argv[0] = 'twitchwise'; from twitchwise.cli import main; main()"
"""What the console script does, for running another source tree through PYTHONPATH."""
BEFORE = "(before) "


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one fresh process running `cmd`."""
    if cmd[0] == "twitchwise":
        cmd = [str(BIN / "twitchwise"), *cmd[1:]]
    elif cmd[0] == BEFORE:
        cmd = [sys.executable, "-c", LAUNCH, *cmd[2:]]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        assert proc.stderr is not None
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr.read().decode()[-2000:]}")
    if proc.stderr is not None:
        proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command")
    parser.add_argument("--compare-src", type=Path, help="also time another checkout's src")
    args = parser.parse_args()
    compile_trees(args.compare_src)
    commands = dict(COMMANDS)
    if args.compare_src is not None:
        for name, cmd in COMMANDS.items():
            if cmd[0] == "twitchwise":
                commands[BEFORE + name] = [BEFORE, *cmd]

    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "TWITCHWISE_DB": f"sqlite:///{Path(folder) / 'diary.db'}"}
        run_once(COMMANDS["twitchwise log left_thigh"], env)  # create and migrate the diary
        before = {**env, "PYTHONPATH": str(args.compare_src)} if args.compare_src else env
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for cmd in commands.values():  # warm-up: bytecode caches, the OS's file cache
            run_once(cmd, before if cmd[0] == BEFORE else env)
        load_before = os.getloadavg()[0]
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                times[name].append(run_once(cmd, before if cmd[0] == BEFORE else env))
        load_after = os.getloadavg()[0]

    print(
        f"twitchwise start-up: {args.repeat} fresh processes per command, interleaved; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
        f"{load_before:.1f} before, {load_after:.1f} after\n"
    )
    base_wall = statistics.median(w for w, _ in times["python -c pass"])
    base_cpu = statistics.median(c for _, c in times["python -c pass"])
    print(f"{'command':45s} {'wall':>8s} {'x pass':>7s} {'CPU':>8s} {'x pass':>7s}")
    for name, samples in times.items():
        wall = statistics.median(w for w, _ in samples)
        cpu = statistics.median(c for _, c in samples)
        mark = ""
        if name in ("twitchwise --help", "twitchwise log left_thigh"):
            mark = "  target met" if cpu < TARGET_S else f"  over the {TARGET_S} s target"
        print(
            f"{name:45s} {wall:7.3f}s {wall / base_wall:6.1f}x {cpu:7.3f}s "
            f"{cpu / max(base_cpu, 1e-3):6.1f}x{mark}"
        )
    print(
        "\n(medians; CPU = user + system time of the process; the target is judged on CPU time, "
        "which machine load does not inflate the way it does wall-clock time)"
    )


if __name__ == "__main__":
    main()
