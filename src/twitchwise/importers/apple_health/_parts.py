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
  totals add, means add their sums and counts, intervals are concatenated and sorted later).

This is only a faster way to the same answer. Anything unusual in any part (a damaged byte, a
layout the scanner hands over, a cut in an odd place, a worker that cannot start) makes
`read_in_parts` return None, and `read_export` reads the file the ordinary way, one reader, which
gives the same error message, with the same line number, as it always did.
"""

from __future__ import annotations

import itertools
import json
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .._base import Progress
from ._days import DayBuilder
from ._scan import Scanner, Unsupported, first_start
from ._source import AppleHealthError, ExportFile, _RunGuard
from ._validate import _Discard

PARTS_FROM = 24 << 20
"""From this size of a plain export.xml on, `read_export` reads it in parts."""
MAX_PARTS = 4
WINDOW = 4 << 20
"""How far past the ideal cut point a top-level element start is looked for."""
_CLOSE = b"</HealthData>"
BLOCK = 1 << 20


def part_count() -> int:
    """One part per core this process may use (at most `MAX_PARTS`); 1 means do not split."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_PARTS))


def cut_points(export: ExportFile, parts: int) -> list[int] | None:
    """Byte offsets ``[body start, cut 1, …, size]``, each cut at a top-level element start
    outside any Correlation; None when the body cannot be cut that way."""
    start, size = export.body_offset, export.size
    cuts = [start]
    with export.path.open("rb") as fh:
        for i in range(1, parts):
            ideal = max(start + (size - start) * i // parts, cuts[-1] + 1)
            at = _start_after(fh, ideal)
            if at < 0:
                return None
            cuts.append(ideal + at)
    cuts.append(size)
    return cuts if all(a < b for a, b in itertools.pairwise(cuts)) else None


def _start_after(fh: IO[bytes], offset: int) -> int:
    """How far past `offset` the first top-level element start is (-1: none within `WINDOW`).

    Usually a few hundred bytes, so a small window is tried before the whole of it; a start
    found in the window's second half is looked at again in a larger one, so that the close
    of a Correlation around it (which makes it not top-level) is in view.
    """
    size = 64 << 10
    while True:
        fh.seek(offset)
        at = first_start(fh.read(size))
        if size >= WINDOW or 0 <= at < size // 2:
            return at
        size = min(size * 8, WINDOW)


def root_tag(export: ExportFile) -> bytes:
    """The ``<HealthData …>`` start tag, put in front of every part but the first."""
    with export.path.open("rb") as fh:
        fh.seek(export.body_offset)
        head = fh.read(64 << 10)
    end = head.find(b">")
    if end < 0 or head[end - 1 : end] == b"/":
        raise Unsupported("an unusual root element")
    return head[: end + 1]


def read_part(
    export: ExportFile,
    start: int,
    end: int,
    root: bytes,
    progress: Progress | None = None,
) -> DayBuilder:
    """Scan and check the body bytes ``[start, end)`` as a part (see the module docstring).

    One pass: libxml2 pulls the part block by block, and each block is scanned just before
    libxml2 gets it, while it is still in the processor's cache (an eighth faster than reading
    the part twice, once per reader). Raises `AppleHealthError` or `Unsupported` when the part
    is not what the fast path expects.
    """
    from lxml import etree  # in the worker: the command that starts it never needs lxml

    first, last = start == export.body_offset, end == export.size
    builder = DayBuilder()
    scanner = Scanner(export, builder)
    parser = etree.XMLParser(
        target=_Discard(), huge_tree=True, resolve_entities=False, no_network=True
    )
    head = b"" if first else root
    tail = b"" if last else _CLOSE
    with export.path.open("rb") as raw:
        raw.seek(start)
        body = _Joined(head, _RunGuard(raw, export), end - start, tail, scanner.feed, progress)
        try:
            etree.parse(body, parser)
        except etree.XMLSyntaxError as exc:
            raise AppleHealthError(f"part {start}-{end} is not well-formed: {exc}") from exc
    scanner.close()
    return builder


class _Joined:
    """A file-like object for libxml2's pull parser: `head`, then `length` bytes of `fh`,
    each block handed to `scan` first, then `tail`."""

    def __init__(
        self,
        head: bytes,
        fh: _RunGuard,
        length: int,
        tail: bytes,
        scan: Callable[[bytes], None],
        progress: Progress | None,
    ) -> None:
        self._head, self._fh, self._left, self._tail = head, fh, length, tail
        self._scan, self._progress = scan, progress

    def read(self, size: int = -1) -> bytes:
        # libxml2 asks for 4,000 bytes at a time; lxml keeps whatever more it is given for the
        # next requests, so larger blocks save tens of thousands of Python calls (10% of the
        # check's time), and blocks no larger than the processor's cache keep one pass cheap.
        size = BLOCK if size < BLOCK else size
        if self._head:
            out, self._head = self._head[:size], self._head[size:]
            return out
        if self._left > 0:
            block = self._fh.read(min(size, self._left))
            if not block:
                raise AppleHealthError("the file got shorter while it was read")
            self._left -= len(block)
            self._scan(block)
            if self._progress is not None:
                self._progress(len(block), None)
            return block
        out, self._tail = self._tail[:size], self._tail[size:]
        return out


def read_in_parts(
    export: ExportFile, progress: Progress | None = None, parts: int | None = None
) -> DayBuilder | None:
    """The export's `DayBuilder`, read by one worker process per part; None when the file is
    not a plain XML body that splits cleanly, or when any part is not as expected."""
    parts = part_count() if parts is None else parts
    if export.member is not None or parts < 2:
        return None
    try:
        cuts = cut_points(export, parts)
        root = root_tag(export)
    except (OSError, Unsupported):
        return None
    if cuts is None:
        return None
    workers: list[_Worker] = []
    try:
        for start, end in itertools.pairwise(cuts):
            workers.append(_Worker(export, start, end, root))
        while not all(w.finished.wait(0.1) for w in workers):
            if progress is not None:
                progress(export.body_offset + sum(w.done for w in workers), export.size)
        builders = [w.result() for w in workers]
    except OSError:
        builders = [None]
    finally:
        for w in workers:
            w.stop()
    if any(b is None for b in builders):
        return None
    merged = DayBuilder()
    for builder in builders:
        assert builder is not None
        merged.merge(builder)
    if progress is not None:
        progress(export.size, export.size)
    return merged


_LAUNCH = """
import sys, types, twitchwise
base = twitchwise.__path__[0] + "/importers"
for name, path in (("importers", base), ("importers.apple_health", base + "/apple_health")):
    package = types.ModuleType("twitchwise." + name)
    package.__path__ = [path]
    sys.modules[package.__name__] = package
from twitchwise.importers.apple_health._parts import _main
raise SystemExit(_main(sys.argv[1], sys.stdout.buffer))
"""
"""How a worker starts: ``python -m`` would run `twitchwise.importers`' ``__init__``, which loads
and registers every importer (Health Connect, Fitbit, Garmin); a worker needs only this package's
modules, so it puts bare package objects in their place (half of a worker's start-up time)."""


class _Worker:
    """One part in a child Python process: ``progress N`` lines, then ``ok N`` and N bytes of
    pickled `DayBuilder`, or ``fail``. A plain subprocess (not multiprocessing), so it works
    whatever the caller's main module is and never forks the parent's threads."""

    def __init__(self, export: ExportFile, start: int, end: int, root: bytes) -> None:
        spec = json.dumps(
            {
                "path": str(export.path),
                "size": export.size,
                "body_offset": export.body_offset,
                "body_line": export.body_line,
                "start": start,
                "end": end,
                "root": root.decode("latin-1"),
            }
        )
        self.done = 0
        self.finished = threading.Event()
        self._payload: bytes | None = None
        self._proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCH, spec],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        out = self._proc.stdout
        assert out is not None
        try:
            for line in iter(out.readline, b""):
                if line.startswith(b"progress "):
                    self.done = int(line.split()[1])
                elif line.startswith(b"ok "):
                    self._payload = out.read(int(line.split()[1]))
                    break
        finally:
            self.finished.set()

    def result(self) -> DayBuilder | None:
        self.finished.wait()
        self._reader.join()
        if self._proc.wait() != 0 or self._payload is None:
            return None
        builder = pickle.loads(self._payload)
        return builder if isinstance(builder, DayBuilder) else None

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait()
        self._reader.join()
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def _main(spec: str, out: IO[bytes]) -> int:
    raw = json.loads(spec)
    export = ExportFile(Path(raw["path"]), None, raw["size"], raw["body_offset"], raw["body_line"])
    done = 0
    next_report = 0

    def progress(step: int, _total: int | None) -> None:
        nonlocal done, next_report
        done += step
        if done >= next_report:
            out.write(b"progress %d\n" % done)
            out.flush()
            next_report = done + (4 << 20)

    try:
        builder = read_part(
            export, raw["start"], raw["end"], raw["root"].encode("latin-1"), progress
        )
    except (AppleHealthError, Unsupported, RecursionError):
        out.write(b"fail\n")
        return 1
    payload = pickle.dumps(builder, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(b"ok %d\n" % len(payload))
    out.write(payload)
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1], sys.stdout.buffer))
