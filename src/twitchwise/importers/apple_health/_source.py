"""Find the health export (a zip or the XML itself) and stream its body in chunks.

The XML is found by content, not by name: iPhones localise it (``export.xml``, ``Export.xml``,
``exportar.xml``, ``导出.xml``) and the zip also holds ``export_cda.xml``, workout routes and,
from Macs, ``__MACOSX`` resource forks. The prolog (XML declaration and DTD) is skipped by hand
because iOS 16 wrote a malformed DTD that strict parsers stop at; nothing in it is needed.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from .._base import ImporterError, Progress

CHUNK = 8 << 20
PEEK = 1 << 20
"""How far into a file the ``<HealthData`` root must start (the DTD is about 10 kB)."""

MAX_RUN = 16 << 20
"""Most bytes the body may hold without a ``>``: every element, attribute and gap of an export
is far smaller. A longer run (a 1 GiB attribute, gigabytes of whitespace) is refused, since every
reader (the scanner's carried-over tail, libxml2's push buffer) would have to hold it whole."""
MAX_RATIO = 200
"""Largest uncompressed-to-compressed ratio of a zipped XML (exports compress about 10 to 30
times; a zip bomb of whitespace, thousands of times)."""
MAX_MEMBERS = 200_000
"""Most files a zip may hold: zipfile reads every entry of the directory into memory up front
(about half a kilobyte each), so millions of tiny entries would exhaust memory before any check.
An export holds the XML plus one file per workout route or ECG: thousands at most."""
RATIO_FROM = 32 << 20
"""Uncompressed size from which `MAX_RATIO` applies (a smaller member is harmless)."""

_ZIP_MAGIC = b"PK\x03\x04"
_ROOT = b"<HealthData"
_SKIP_NAMES = re.compile(r"(^|/)(__MACOSX|workout-routes|electrocardiograms|clinical-records)/")
_DECL = re.compile(rb"<\?xml\b[^?>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_SUBSET_END = re.compile(rb"\]\s*>")
_MISC = re.compile(rb"\s+|<!--.*?-->|<\?(?!xml\b).*?\?>", re.DOTALL)


class AppleHealthError(ImporterError):
    """The file is not an Apple Health export, or it is damaged."""


@dataclass(frozen=True)
class ExportFile:
    """Where the export XML is: a plain file, or a member of a zip."""

    path: Path
    member: str | None
    size: int
    """Uncompressed size of the XML in bytes."""
    body_offset: int
    """Byte offset of ``<HealthData``: everything before it is prolog, skipped."""
    body_line: int
    """Line number (1-based) on which ``<HealthData`` starts, for error messages."""

    @property
    def name(self) -> str:
        return f"{self.path.name}:{self.member}" if self.member else self.path.name

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """The raw XML stream, from its first byte."""
        try:
            if self.member is None:
                with self.path.open("rb") as fh:
                    yield cast("IO[bytes]", _RunGuard(fh, self))
            else:
                with zipfile.ZipFile(self.path) as zf, zf.open(self.member) as fh:
                    yield cast("IO[bytes]", _RunGuard(fh, self))
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise damaged(self, f"the zip is corrupt or truncated ({exc})") from exc
        except OSError as exc:
            raise AppleHealthError(f"{self.name}: cannot read it ({exc.strerror or exc})") from exc

    def chunks(self, progress: Progress | None = None, size: int = CHUNK) -> Iterator[bytes]:
        """The body (from ``<HealthData``) in chunks of about `size` bytes."""
        with self.open() as fh:
            skip = self.body_offset
            while skip:
                got = len(fh.read(min(skip, size)))
                if not got:
                    raise damaged(self, "it ends inside its header")
                skip -= got
            done = self.body_offset
            try:
                while block := fh.read(size):
                    done += len(block)
                    yield block
                    if progress is not None:
                        progress(done, self.size)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise damaged(self, f"the zip is corrupt or truncated ({exc})") from exc


class _RunGuard:
    """A read-only view of the XML stream that refuses a run of more than `MAX_RUN` bytes
    without a ``>``, so no reader downstream buffers an unbounded token (see `MAX_RUN`)."""

    def __init__(self, fh: IO[bytes], export: ExportFile) -> None:
        self._fh, self._export, self._run = fh, export, 0

    def read(self, size: int = -1) -> bytes:
        block = self._fh.read(size)
        last = block.rfind(b">")
        self._run = len(block) - last - 1 if last >= 0 else self._run + len(block)
        if self._run > MAX_RUN:
            raise AppleHealthError(
                f"{self._export.name} was not imported: it holds more than {MAX_RUN >> 20} MiB "
                "without markup (a single element or gap that large is not part of an Apple "
                "Health export)"
            )
        return block


def damaged(export: ExportFile, why: str) -> AppleHealthError:
    return AppleHealthError(
        f"{export.name} is damaged or incomplete and was not imported: {why}. "
        "Export it again from the Health app (profile picture > Export All Health Data)."
    )


def locate(path: Path) -> ExportFile:
    """Find the export XML in `path` (a zip or an XML file) or raise `AppleHealthError`."""
    if not path.exists():
        raise AppleHealthError(f"{path}: no such file")
    if path.is_dir():
        raise AppleHealthError(f"{path} is a folder; give the export.zip or export.xml inside it")
    try:
        with path.open("rb") as fh:
            head = fh.read(PEEK)
    except OSError as exc:
        raise AppleHealthError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if head.startswith(_ZIP_MAGIC):
        return _locate_in_zip(path)
    found = _body_start(head)
    if found is None:
        raise AppleHealthError(
            f"{path} is not an Apple Health export (expected export.zip or the export.xml in it)"
        )
    offset, line = found
    return ExportFile(path, None, path.stat().st_size, offset, line)


def _locate_in_zip(path: Path) -> ExportFile:
    _check_member_count(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise AppleHealthError(
            f"{path} is a damaged or incomplete zip ({exc}); export it again from the Health app"
        ) from exc
    with zf:
        best: ExportFile | None = None
        for info in zf.infolist():
            if info.is_dir() or _SKIP_NAMES.search(info.filename) or info.file_size == 0:
                continue
            _check_ratio(path, info)
            try:
                with zf.open(info) as fh:
                    start = fh.read(64)
                    if not start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                        continue
                    head = start + fh.read(PEEK - len(start))
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise AppleHealthError(
                    f"{path} is a damaged or incomplete zip ({info.filename}: {exc}); "
                    "export it again from the Health app"
                ) from exc
            found = _body_start(head)
            if found is not None and (best is None or info.file_size > best.size):
                best = ExportFile(path, info.filename, info.file_size, *found)
    if best is None:
        raise AppleHealthError(
            f"{path} holds no Apple Health export (no XML file with a <HealthData> root)"
        )
    return best


def _check_member_count(path: Path) -> None:
    """Refuse a zip whose directory lists more than `MAX_MEMBERS` files, reading only its end
    record (zipfile's own reader, which also handles zip64)."""
    try:
        with path.open("rb") as fh:
            end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
    except OSError:
        return  # opening it below reports the problem
    if end is None:
        return
    count = int(end[zipfile._ECD_ENTRIES_TOTAL])  # type: ignore[attr-defined]
    if count > MAX_MEMBERS:
        raise AppleHealthError(
            f"{path.name} was not imported: it holds {count:,} files, more than the "
            f"{MAX_MEMBERS:,} an Apple Health export could"
        )


def _check_ratio(path: Path, info: zipfile.ZipInfo) -> None:
    """Refuse a zip bomb before inflating it: the declared size bounds what zipfile will
    inflate, so the ratio of the declared sizes bounds the work."""
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_FROM and ratio > MAX_RATIO:
        raise AppleHealthError(
            f"{path.name} was not imported: {info.filename} would inflate {ratio:,.0f} times "
            f"(to {info.file_size >> 20:,} MiB); an Apple Health export compresses far less, so "
            "this looks like a zip bomb"
        )


def _body_start(head: bytes) -> tuple[int, int] | None:
    """Offset and line of ``<HealthData`` if `head` is the start of a health export."""
    pos = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    decl = _DECL.match(head, pos)
    if decl:
        enc = _ENCODING.search(decl.group())
        if enc and enc.group(1).upper().replace(b"_", b"-") not in (b"UTF-8", b"UTF8"):
            return None
        pos = decl.end()
    while pos < len(head):
        if head.startswith(_ROOT, pos):
            after = head[pos + len(_ROOT) : pos + len(_ROOT) + 1]
            if after and after not in b" \t\r\n/>":
                return None
            return pos, head.count(b"\n", 0, pos) + 1
        misc = _MISC.match(head, pos)
        if misc:
            pos = misc.end()
        elif head.startswith(b"<!DOCTYPE", pos):
            pos = _skip_doctype(head, pos)
            if pos < 0:
                return None
        else:
            return None
    return None


def _skip_doctype(head: bytes, pos: int) -> int:
    """End of the DOCTYPE at `pos`, tolerating the unclosed declarations of iOS 16 exports."""
    close = head.find(b">", pos)
    bracket = head.find(b"[", pos)
    if close < 0:
        return -1
    if bracket < 0 or close < bracket:
        return close + 1
    end = head.find(b"]", bracket)
    while end >= 0:
        after = _SUBSET_END.match(head, end)
        if after:
            return after.end()
        end = head.find(b"]", end + 1)
    return -1
