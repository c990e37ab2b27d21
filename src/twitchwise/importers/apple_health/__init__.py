"""Apple Health import: an export.zip (or the XML in it) to per-day diary values."""

from __future__ import annotations

from ._parts import start_early
from ._read import AppleHealthImporter, read_export
from ._source import AppleHealthError

__all__ = ["AppleHealthError", "AppleHealthImporter", "read_export", "start_early"]
