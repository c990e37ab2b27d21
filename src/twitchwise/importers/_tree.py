"""A zip or a folder seen the same way: a list of files that can be read by their path.

Account exports (Fitbit through Google Takeout, Garmin) arrive as a zip, or as the folder
someone unzipped; the importers only need "which files are there" and "give me this one".
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from ._base import ImporterError

ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE = 512 << 20
"""Larger than any single JSON file of a real account export; a bigger one is refused unread
(a zip can claim to unpack to far more than it holds)."""
MAX_FILES = 200_000
"""More entries than any real export has; a folder beyond it is not an export (e.g. a home)."""


@dataclass(frozen=True)
class Entry:
    name: str
    """Path inside the zip or folder, with ``/`` separators."""
    size: int


class Tree:
    """The files of a zip or a folder. `read` raises `ImporterError` for a damaged zip."""

    def __init__(self, path: Path, entries: list[Entry], is_zip: bool) -> None:
        self.path, self.entries, self.is_zip = path, entries, is_zip

    @classmethod
    def open(cls, path: Path, again: str) -> Tree:
        """List `path`; `again` tells the user how to make the export again."""
        if not path.exists():
            raise ImporterError(f"{path}: no such file or folder")
        if path.is_dir():
            entries = []
            for root, _dirs, files in os.walk(path):
                for f in files:
                    full = Path(root) / f
                    entries.append(Entry(full.relative_to(path).as_posix(), full.stat().st_size))
                    if len(entries) > MAX_FILES:
                        raise ImporterError(f"{path} holds too many files to be an export")
            return cls(path, entries, False)
        try:
            with path.open("rb") as fh:
                head = fh.read(4)
        except OSError as exc:
            raise ImporterError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
        if head != ZIP_MAGIC:
            return cls(path, [], False)
        try:
            with zipfile.ZipFile(path) as zf:
                entries = [Entry(i.filename, i.file_size) for i in zf.infolist() if not i.is_dir()]
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImporterError(
                f"{path.name} is a damaged or incomplete zip ({exc}). {again}"
            ) from exc
        return cls(path, entries, True)

    def read(self, name: str, again: str) -> bytes:
        size = next((e.size for e in self.entries if e.name == name), 0)
        if size > MAX_FILE:
            raise ImporterError(
                f"{name} unpacks to {size / 1e6:,.0f} MB, more than any file of a real export; "
                "it was not read and nothing was imported"
            )
        try:
            if not self.is_zip:
                return (self.path / name).read_bytes()
            with zipfile.ZipFile(self.path) as zf:
                return zf.read(name)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise ImporterError(
                f"{self.path.name} is damaged or incomplete and was not imported: "
                f"{name} cannot be unpacked ({exc}). {again}"
            ) from exc
        except OSError as exc:
            raise ImporterError(f"{name}: cannot read it ({exc.strerror or exc})") from exc

    def head(self, name: str, size: int = 64) -> bytes:
        """The first bytes of a file (for recognising it), or b"" if it cannot be read."""
        try:
            if not self.is_zip:
                with (self.path / name).open("rb") as fh:
                    return fh.read(size)
            with zipfile.ZipFile(self.path) as zf, zf.open(name) as fh:
                return fh.read(size)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError):
            return b""
