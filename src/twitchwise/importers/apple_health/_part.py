"""One worker of `_parts`: scan and check the pieces of the body it is given, in one pass.

A worker is launched with the export's path, its part's number and the number of parts. It
finds the body and the cut points itself (`cut_points`: a few small reads near each ideal cut,
the same answer in every worker), says which part it took, and starts on it. When it finishes a
piece it says ``idle`` and waits; the launcher then either hands it the second half of what a
slower worker has left (so both end together, whatever the export holds where) or tells it it
is ``done``. The slower worker, asked to ``stop`` at an offset, ends its piece at the first
top-level element start from there on (never before what it has already read) and says where:
``cut N``. Pieces stay cut at element starts, so the argument in `_parts` (every piece
well-formed exactly when the whole body is) holds for them as it does for the first parts.

This module is all a worker loads besides the scanner and libxml2; the launcher's side is
`_parts`.

Protocol, one line each. Launcher to worker (stdin): ``take START END``, ``stop OFFSET``,
``done``. Worker to launcher (stdout): first ``part START END`` (the bytes of its part), then
``progress DONE POSITION`` (bytes read so far, in all its pieces; where it is in the file),
``idle``, ``cut END`` or ``cut none``, then ``ok N`` followed by N bytes of its pickled
`DayBuilder`, or ``fail``.
"""

from __future__ import annotations

import itertools
import os
import pickle
import select
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, NoReturn

from ._days import DayBuilder
from ._scan import Scanner, Unsupported, first_start
from ._source import AppleHealthError, ExportFile, _RunGuard, locate

if TYPE_CHECKING:
    from lxml import etree

CLOSE = b"</HealthData>"
BLOCK = 1 << 20
"""How much libxml2 is handed at a time: it asks for 4,000 bytes and lxml keeps the rest for
its next requests (tens of thousands fewer Python calls), and a block this size is still in the
processor's cache when it is checked just after being scanned."""
WINDOW = 4 << 20
"""How far past an offset a top-level element start is looked for."""
REPORT_EVERY = 2 << 20
"""How often a worker says how far it is: often enough for a progress bar and for the
launcher to halve what a worker has left about evenly, rarely enough to cost nothing."""


HANDS_OVER = os.name == "posix"
"""Whether workers hand over work: a worker looks for ``stop`` between blocks with select() on
its stdin, which works on pipes on POSIX only."""


class _Discard:
    """A parser target that keeps nothing: libxml2 only checks the syntax."""

    def close(self) -> None:
        return None


def checking_parser() -> etree.XMLParser:
    """libxml2 with an empty target: it checks every tag, attribute, entity and character of
    what it is given without building elements or calling Python (huge_tree: exports exceed
    libxml2's default limits; no entities resolved, no network)."""
    from lxml import etree  # loaded by the processes that check, never by the command itself

    return etree.XMLParser(
        target=_Discard(), huge_tree=True, resolve_entities=False, no_network=True
    )


def start_after(fh: IO[bytes], offset: int) -> int:
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


def cut_points(export: ExportFile, parts: int) -> list[int] | None:
    """Byte offsets ``[body start, cut 1, …, size]``, each cut at a top-level element start
    outside any Correlation; None when the body cannot be cut that way."""
    start, size = export.body_offset, export.size
    cuts = [start]
    with export.path.open("rb") as fh:
        for i in range(1, parts):
            ideal = max(start + (size - start) * i // parts, cuts[-1] + 1)
            at = start_after(fh, ideal)
            if at < 0:
                return None
            cuts.append(ideal + at)
    cuts.append(size)
    return cuts if all(a < b for a, b in itertools.pairwise(cuts)) else None


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
    progress: Callable[[int, int], None] | None = None,
    builder: DayBuilder | None = None,
    poll: Callable[[Piece], None] | None = None,
) -> DayBuilder:
    """Scan and check the body bytes ``[start, end)`` as a part (see `_parts`), into `builder`.

    One pass: libxml2 pulls the part block by block, and each block is scanned just before
    libxml2 gets it, while it is still in the processor's cache (an eighth faster than reading
    the part twice, once per reader). `progress` is called after each block with its length and
    the position reached; `poll` before each block with the `Piece`, which it may `shorten`.
    Raises `AppleHealthError` or `Unsupported` when the part is not what the fast path expects.
    """
    from lxml import etree  # in the worker: the command that starts it never needs lxml

    builder = DayBuilder() if builder is None else builder
    scanner = Scanner(export, builder)
    parser = checking_parser()
    with export.path.open("rb") as raw:
        piece = Piece(export, raw, start, end, root, scanner.feed, progress, poll)
        try:
            etree.parse(piece, parser)
        except etree.XMLSyntaxError as exc:
            raise AppleHealthError(f"part {start}-{piece.end} is not well-formed: {exc}") from exc
    scanner.close()
    return builder


class Piece:
    """libxml2's file-like view of bytes ``[start, end)`` of the export: the root start tag
    first unless the piece starts the body, a closing tag last unless it ends the file, and
    each block handed to `scan` before libxml2 gets it. `shorten` moves the end earlier."""

    def __init__(
        self,
        export: ExportFile,
        raw: IO[bytes],
        start: int,
        end: int,
        root: bytes,
        scan: Callable[[bytes], None],
        progress: Callable[[int, int], None] | None,
        poll: Callable[[Piece], None] | None,
    ) -> None:
        self.export, self.end, self.position = export, end, start
        self._head = b"" if start == export.body_offset else root
        self._tail = b"" if end == export.size else CLOSE
        raw.seek(start)
        self._fh = _RunGuard(raw, export)
        self._scan, self._progress, self._poll = scan, progress, poll

    def read(self, size: int = -1) -> bytes:
        size = BLOCK if size < BLOCK else size
        if self._head:
            out, self._head = self._head[:size], self._head[size:]
            return out
        if self._poll is not None:
            self._poll(self)
        if self.position < self.end:
            block = self._fh.read(min(size, self.end - self.position))
            if not block:
                raise AppleHealthError("the file got shorter while it was read")
            self.position += len(block)
            self._scan(block)
            if self._progress is not None:
                self._progress(len(block), self.position)
            return block
        out, self._tail = self._tail[:size], self._tail[size:]
        return out

    def shorten(self, offset: int) -> int | None:
        """End the piece at the first top-level element start at or after `offset` (and after
        what has been read); the new end, or None when there is none before the current end."""
        low = max(offset, self.position)
        if low >= self.end:
            return None
        with self.export.path.open("rb") as fh:
            found = start_after(fh, low)
        if found < 0 or low + found >= self.end:
            return None
        self.end = low + found
        self._tail = CLOSE
        return self.end


class _Commands:
    """The launcher's lines on a pipe: waited for between pieces, looked for between blocks."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._buffer = b""
        self._lines: list[bytes] = []

    def poll(self) -> bytes | None:
        """The next line if one has arrived, else None (never waits)."""
        if not self._lines and select.select([self._fd], [], [], 0)[0]:
            self._fill()
        return self._lines.pop(0) if self._lines else None

    def wait(self) -> bytes:
        while not self._lines:
            self._fill()
        return self._lines.pop(0)

    def _fill(self) -> None:
        data = os.read(self._fd, 4096)
        if not data:
            raise EOFError("the launcher has gone")
        *lines, self._buffer = (self._buffer + data).split(b"\n")
        self._lines.extend(lines)


class _Worker:
    """The worker's side of the protocol in the module docstring."""

    def __init__(self, export: ExportFile, root: bytes, commands: _Commands, out: IO[bytes]):
        self.export, self.root, self.commands, self.out = export, root, commands, out
        self.builder = DayBuilder()
        self.done = 0
        self._next_report = 0

    def run(self, start: int, end: int) -> None:
        while True:
            read_part(
                self.export,
                start,
                end,
                self.root,
                self._advance,
                self.builder,
                self._look if HANDS_OVER else None,
            )
            self.say(b"idle")
            command = self.commands.wait().split()
            while command[0] == b"stop":  # it came too late: this piece is finished
                self.say(b"cut none")
                command = self.commands.wait().split()
            if command[0] != b"take":
                return
            start, end = int(command[1]), int(command[2])

    def _advance(self, step: int, position: int) -> None:
        self.done += step
        if self.done >= self._next_report:
            self.say(b"progress %d %d" % (self.done, position))
            self._next_report = self.done + REPORT_EVERY

    def _look(self, piece: Piece) -> None:
        line = self.commands.poll()
        if line is None:
            return
        command = line.split()
        if command[0] != b"stop":
            raise Unsupported(f"unexpected command {line!r} while reading")
        end = piece.shorten(int(command[1]))
        self.say(b"cut none" if end is None else b"cut %d" % end)

    def say(self, line: bytes) -> None:
        self.out.write(line + b"\n")
        self.out.flush()


def _main(args: list[str], commands: int, out: IO[bytes]) -> int:
    path, index, count = args[0], int(args[1]), int(args[2])
    try:
        export = locate(Path(path))
        cuts = cut_points(export, count) if export.member is None else None
        if cuts is None:
            raise Unsupported("a body that does not split into parts")
        start, end = cuts[index], cuts[index + 1]
        worker = _Worker(export, root_tag(export), _Commands(commands), out)
        worker.say(b"part %d %d" % (start, end))
        worker.run(start, end)
    except (AppleHealthError, Unsupported, OSError, RecursionError, EOFError):
        out.write(b"fail\n")
        out.flush()
        return 1
    payload = pickle.dumps(worker.builder, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(b"ok %d\n" % len(payload))
    out.write(payload)
    out.flush()
    return 0


def run_worker() -> NoReturn:
    """The worker process's whole life. It ends with `os._exit` once its answer is flushed,
    as multiprocessing's workers do: the launcher waits for the exit, and tearing down an
    interpreter that has loaded lxml is time nobody needs (nothing is left to clean up)."""
    code = _main(sys.argv[1:], sys.stdin.fileno(), sys.stdout.buffer)
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    run_worker()
