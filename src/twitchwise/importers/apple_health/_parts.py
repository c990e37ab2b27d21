"""A large export.xml read in parts at once, one process per core, each scanning and checking
its own byte range.

A single reader keeps one core busy with the scan and, beside it, another with libxml2's
well-formedness check; the scan is then the long pole. Cut the body at top-level element starts
instead, and each part can be scanned *and* checked on its own:

- part ``i`` is checked as ``<HealthData …>`` + its bytes + ``</HealthData>`` (the real root start
  tag in front of every part but the first, a closing tag after every part but the last). When
  every cut is at the start of a top-level element, the whole body is well-formed exactly when
  every part is: a cut that falls anywhere else (inside a comment, a CDATA section or a
  Correlation) leaves its part unbalanced, so that part fails;
- each part's `DayBuilder` is sent back pickled, and the builders are merged (sums add, per-source
  totals add, means add their sums and counts, intervals are concatenated and sorted later);
- a worker that finishes early takes over the second half of what the slowest one has left,
  cut at an element start the same way (`_part`): an export's halves rarely cost the same
  (sleep records, workouts and the types the diary uses sit wherever the phone wrote them).

Each worker is given the file, its part's number and the number of parts, and cuts the body
itself (`_part.cut_points`), so a command can start its workers before it has loaded anything
else (`start_early`); the launcher checks that the parts they took cover the body end to end.

This is only a faster way to the same answer. Anything unusual in any part (a damaged byte, a
layout the scanner hands over, a cut in an odd place, a worker that cannot start) makes
`read_in_parts` return None, and `read_export` reads the file the ordinary way, one reader, which
gives the same error message, with the same line number, as it always did.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .._base import Progress
from ._days import DayBuilder
from ._part import HANDS_OVER
from ._source import _ZIP_MAGIC, ExportFile

PARTS_FROM = 24 << 20
"""From this size of a plain export.xml on, `read_export` reads it in parts."""
MAX_PARTS = 4
STEAL_FROM = 4 << 20
"""A worker with less than this left to read is not asked to share it (splitting costs a
round trip and a second parser; 4 MiB is about 25 ms of reading)."""


def part_count() -> int:
    """One part per core this process may use (at most `MAX_PARTS`); 1 means do not split."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PARTS))


def start_early(path: str | os.PathLike[str]) -> None:
    """Start the workers for the plain export.xml at `path` now, for a `read_in_parts` to come.

    A command that will read a large export calls this first thing, before it loads the rest
    of itself: the workers then start and read on the other cores meanwhile instead of after
    it (on two busy cores, a few hundredths of a second of the whole import; more with more
    cores). The workers are kept for the
    `read_in_parts` of the same file (same device, inode, size and modification time);
    workers nobody takes are stopped when the process exits. Anything unexpected (not a
    regular file, too small, a zip, one core, no process to start) starts nothing.
    """
    if not HANDS_OVER:  # workers that are never taken stop only by looking at their stdin
        return
    try:
        info = os.stat(path)
        with open(path, "rb") as fh:
            zipped = fh.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    except OSError:
        return
    parts = part_count()
    if not stat.S_ISREG(info.st_mode) or info.st_size < PARTS_FROM or zipped or parts < 2:
        return
    started = _launch(Path(path), parts)
    if started is not None:
        if not _EARLY:
            atexit.register(_stop_early)
        _EARLY[_identity(info)] = started


_EARLY: dict[tuple[int, ...], tuple[list[_Worker], queue.Queue[tuple[_Worker, bytes]]]] = {}
"""Workers started by `start_early`, by the identity of their file, until a reader takes them."""


def _identity(info: os.stat_result) -> tuple[int, ...]:
    return info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns


def _stop_early() -> None:
    while _EARLY:
        workers, _events = _EARLY.popitem()[1]
        for w in workers:
            w.stop()


def _launch(
    path: Path, parts: int
) -> tuple[list[_Worker], queue.Queue[tuple[_Worker, bytes]]] | None:
    """One worker per part of `path`, started; None (and none left running) if one cannot be."""
    events: queue.Queue[tuple[_Worker, bytes]] = queue.Queue()
    workers: list[_Worker] = []
    try:
        for index in range(parts):
            workers.append(_Worker(path, index, parts, events))
    except OSError:
        for w in workers:
            w.stop()
        return None
    return workers, events


def _take_early(
    export: ExportFile, parts: int
) -> tuple[list[_Worker], queue.Queue[tuple[_Worker, bytes]]] | None:
    """The workers `start_early` started for this very file, if any (and for as many parts).
    Any others are stopped: they were started for a file that is not being read after all."""
    if not _EARLY:
        return None
    try:
        started = _EARLY.pop(_identity(export.path.stat()), None)
    except OSError:
        started = None
    _stop_early()
    if started is not None and len(started[0]) != parts:
        for w in started[0]:
            w.stop()
        return None
    return started


def read_in_parts(
    export: ExportFile, progress: Progress | None = None, parts: int | None = None
) -> DayBuilder | None:
    """The export's `DayBuilder`, read by one worker process per part; None when the file is
    not a plain XML body that splits cleanly, or when any part is not as expected."""
    parts = part_count() if parts is None else parts
    if export.member is not None or parts < 2:
        return None
    started = _take_early(export, parts) or _launch(export.path, parts)
    if started is None:
        return None
    workers, events = started
    try:
        builders = _Crew(workers, events).run(
            None
            if progress is None
            else lambda done: progress(export.body_offset + done, export.size)
        )
    except OSError:
        builders = None
    finally:
        for w in workers:
            w.stop()
    if builders is None or not _tiled(export, [w.part for w in workers]):
        return None
    merged = DayBuilder()
    for builder in builders:
        merged.merge(builder)
    if progress is not None:
        progress(export.size, export.size)
    return merged


def _tiled(export: ExportFile, parts: list[tuple[int, int] | None]) -> bool:
    """Whether the parts the workers took cover the body exactly, end to end. Each worker cuts
    the file itself; should it have changed between their looks, they may disagree."""
    edge = export.body_offset
    for part in parts:
        if part is None or part[0] != edge:
            return False
        edge = part[1]
    return edge == export.size


class _Crew:
    """The launcher's side of the protocol in `_part`: hand the second half of the slowest
    worker's rest to whichever worker is idle, one hand-over at a time, until nobody has
    `STEAL_FROM` bytes left; then tell every worker it is done and collect the builders."""

    def __init__(self, workers: list[_Worker], events: queue.Queue[tuple[_Worker, bytes]]):
        self.workers, self.events = workers, events
        self.idle: list[_Worker] = []
        self.asked: _Worker | None = None
        """The worker asked to stop early, whose ``cut`` reply is awaited."""

    def run(self, progress: Callable[[int], None] | None) -> list[DayBuilder] | None:
        builders: dict[_Worker, DayBuilder] = {}
        while len(builders) < len(self.workers):
            try:
                worker, event = self.events.get(timeout=0.1)
            except queue.Empty:
                if progress is not None:
                    progress(sum(w.done for w in self.workers))
                continue
            if event == b"idle":
                self.idle.append(worker)
            elif event.startswith(b"cut "):
                self._handed_over(worker, event[4:])
            elif event == b"ok" and worker.builder is not None:
                builders[worker] = worker.builder
                continue
            else:  # "fail", or the worker ended without an answer
                return None
            self._assign()
        return [builders[w] for w in self.workers]

    def _handed_over(self, worker: _Worker, end: bytes) -> None:
        assert worker is self.asked
        self.asked = None
        if end != b"none":
            thief = self.idle.pop(0)
            thief.take(int(end), worker.end)
            worker.end = int(end)

    def _assign(self) -> None:
        if self.asked is not None or not self.idle:
            return
        busy = [w for w in self.workers if w not in self.idle]
        slowest = max(busy, key=lambda w: w.end - w.position, default=None)
        if slowest is not None:
            left = slowest.end - slowest.position
            if HANDS_OVER and left >= STEAL_FROM:
                self.asked = slowest
                slowest.send(b"stop %d" % (slowest.position + left // 2))
            return
        for w in self.idle:
            w.finish()
        self.idle.clear()


_LAUNCH = """
import sys, types, twitchwise
base = twitchwise.__path__[0] + "/importers"
for name, path in (("importers", base), ("importers.apple_health", base + "/apple_health")):
    package = types.ModuleType("twitchwise." + name)
    package.__path__ = [path]
    sys.modules[package.__name__] = package
from twitchwise.importers.apple_health._part import run_worker
run_worker()
"""
"""How a worker starts: ``python -m`` would run `twitchwise.importers`' ``__init__``, which loads
and registers every importer (Health Connect, Fitbit, Garmin); a worker needs only `_part` and
what it uses, so it puts bare package objects in their place (half of a worker's start-up)."""


class _Worker:
    """One worker process (`_part`), as seen from the launcher: what it says is read by a
    thread and put on `events`; ``part`` and ``progress`` lines only update `part`, `done` and
    `position`. A plain subprocess (not multiprocessing), so it works whatever the caller's
    main module is and never forks the parent's threads."""

    def __init__(
        self, path: Path, index: int, parts: int, events: queue.Queue[tuple[_Worker, bytes]]
    ) -> None:
        self.part: tuple[int, int] | None = None
        """The bytes ``[start, end)`` the worker took first, once it has said so."""
        self.position = self.end = 0
        self.done = 0
        self.builder: DayBuilder | None = None
        self._events = events
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, os.fspath(path), str(index), str(parts)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.PIPE,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def take(self, start: int, end: int) -> None:
        self.position, self.end = start, end
        self.send(b"take %d %d" % (start, end))

    def finish(self) -> None:
        self.send(b"done")

    def send(self, line: bytes) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        stdin.write(line + b"\n")
        stdin.flush()

    def _read(self) -> None:
        out = self._proc.stdout
        assert out is not None
        said = b"gone"
        try:
            for line in iter(out.readline, b""):
                if line.startswith(b"progress "):
                    _, done, position = line.split()
                    self.done, self.position = int(done), int(position)
                elif line.startswith(b"part "):
                    _, start, end = line.split()
                    self.part = int(start), int(end)
                    self.position, self.end = self.part
                elif line.startswith(b"ok "):
                    self.builder = _unpickle(out, int(line.split()[1]))
                    said = b"ok"
                    break
                else:
                    self._events.put((self, line.strip()))
        finally:
            self._events.put((self, said))

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait()
        self._reader.join()
        for pipe in (self._proc.stdin, self._proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a request the worker never read
                    pipe.close()


def _unpickle(out: IO[bytes], length: int) -> DayBuilder | None:
    payload = out.read(length)
    if len(payload) != length:
        return None
    builder = pickle.loads(payload)
    return builder if isinstance(builder, DayBuilder) else None
