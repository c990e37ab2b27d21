"""Well-formedness of the whole body, skipped records included, with libxml2 and no tree.

libxml2 with an empty parser target checks every tag, attribute, entity and character without
building elements or calling Python, at roughly twice the speed of a tree-building parse. For
large files it runs in a second process, reading the file on its own, while the scanner reads
the records in this one: on two cores the check then costs no wall time.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .._base import Progress
from ._part import checking_parser
from ._source import CHUNK, AppleHealthError, ExportFile, damaged

if TYPE_CHECKING:
    from lxml import etree


class Checker:
    """Feed chunks in order; `close` raises `AppleHealthError` if the body is not well-formed."""

    def __init__(self, export: ExportFile) -> None:
        self.export = export
        self._parser = checking_parser()

    def feed(self, chunk: bytes) -> None:
        from lxml import etree

        try:
            self._parser.feed(chunk)
        except etree.XMLSyntaxError as exc:
            raise damaged(self.export, describe(exc, self.export)) from exc

    def close(self) -> None:
        from lxml import etree

        try:
            self._parser.close()
        except etree.XMLSyntaxError as exc:
            raise damaged(self.export, describe(exc, self.export)) from exc

    def tee(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Pass `chunks` through, checking each; checks the end once they are exhausted."""
        for chunk in chunks:
            self.feed(chunk)
            yield chunk
        self.close()


class _Counting:
    """A file-like view of the body for libxml2's pull parser, reporting progress."""

    def __init__(self, fh: IO[bytes], done: int, total: int, progress: Progress | None) -> None:
        self._fh, self._done, self._total, self._progress = fh, done, total, progress
        self._next_report = done

    def read(self, size: int = -1) -> bytes:
        # libxml2 asks for 4,000 bytes at a time; lxml keeps the rest of a larger block for
        # its next requests, which saves tens of thousands of Python calls.
        block = self._fh.read(size if size < 0 else max(size, READ_BLOCK))
        self._done += len(block)
        if self._progress is not None and (self._done >= self._next_report or not block):
            self._progress(self._done, self._total)
            self._next_report = self._done + REPORT_EVERY
        return block


REPORT_EVERY = 8 << 20
READ_BLOCK = 1 << 20


def check_whole(export: ExportFile, progress: Progress | None = None) -> None:
    """Check the whole body, reading it itself: libxml2 pulls, which is faster than pushing
    chunks to it (the push parser looks ahead for complete tags)."""
    from lxml import etree

    parser = checking_parser()
    with export.open() as fh:
        skip = export.body_offset
        while skip:
            got = len(fh.read(min(skip, CHUNK)))
            if not got:
                raise damaged(export, "it ends inside its header")
            skip -= got
        try:
            etree.parse(_Counting(fh, export.body_offset, export.size, progress), parser)
        except etree.XMLSyntaxError as exc:
            raise damaged(export, describe(exc, export)) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise damaged(export, f"the zip is corrupt or truncated ({exc})") from exc


_POSITION = re.compile(r",? line \d+, column \d+\s*$")


def describe(exc: etree.XMLSyntaxError, export: ExportFile) -> str:
    """libxml2's message, with the line counted from the top of the file (it counts from the
    ``<HealthData`` root, where reading starts)."""
    msg = _POSITION.sub("", str(exc.msg or exc).strip()).rstrip(".")
    line = exc.lineno
    if not line:
        return msg
    column = exc.position[1] if exc.position else 0
    where = f"line {line + export.body_line - 1}" + (f", column {column}" if column else "")
    return f"{msg} (at {where})"


class BackgroundCheck:
    """`Checker` over the whole body in a child Python process that reads the file itself.

    A plain subprocess (not multiprocessing) so it works whatever the caller's main module is,
    and the parent's threads (a progress bar, a web server) are never forked. It reports
    ``progress N`` lines, then ``ok`` or ``error "<message>"``.
    """

    def __init__(self, export: ExportFile) -> None:
        self.export = export
        self._done = export.body_offset
        self._message: str | None = None
        self._ok = False
        spec = json.dumps(
            {
                "path": str(export.path),
                "member": export.member,
                "size": export.size,
                "body_offset": export.body_offset,
                "body_line": export.body_line,
            }
        )
        self._proc = subprocess.Popen(
            [sys.executable, "-m", __name__, spec],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._finished = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            if line.startswith("progress "):
                self._done = int(line.split()[1])
            elif line.startswith("error "):
                self._message = json.loads(line[6:])
            elif line.startswith("ok"):
                self._ok = True
        self._finished.set()

    @property
    def bytes_done(self) -> int:
        return self._done

    def wait(self, timeout: float | None = None) -> bool:
        """True once the check has finished (it may still have found a problem)."""
        return self._finished.wait(timeout)

    def result(self) -> None:
        """Block until the check ends; raise `AppleHealthError` if the body is damaged."""
        self._finished.wait()
        code = self._proc.wait()
        self._reader.join()
        self._close()
        if self._message is not None:
            raise AppleHealthError(self._message)
        if not self._ok:
            raise damaged(self.export, f"the file check stopped unexpectedly (exit code {code})")

    def cancel(self) -> None:
        if self._proc.poll() is None:
            self._proc.terminate()
        self._proc.wait()
        self._reader.join()
        self._close()

    def _close(self) -> None:
        if self._proc.stdout is not None:
            self._proc.stdout.close()


def _main(spec: str) -> int:
    raw = json.loads(spec)
    export = ExportFile(
        Path(raw["path"]), raw["member"], raw["size"], raw["body_offset"], raw["body_line"]
    )

    def progress(done: int, _total: int | None) -> None:
        print(f"progress {done}", flush=True)

    try:
        check_whole(export, progress)
    except AppleHealthError as exc:
        print("error " + json.dumps(str(exc)), flush=True)
        return 1
    print("ok", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1]))
