"""What a backup file is: the names, the format version and the manifest, shared by both ends."""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version

from twitchwise.diary import DiaryError, Problem

FORMAT = "twitchwise-backup"
FORMAT_VERSION = 1
"""Raised only when a backup of the new format could not be restored by the old reader; a new
column or table is not a new format (restore fills what a backup lacks from the table's rules)."""
MANIFEST = "manifest.json"
JSONL_TABLES = frozenset({"assessments", "experiments"})
"""Tables whose rows are nested documents; every other table is a CSV file."""
MAX_FILE_BYTES = 256 * 1024 * 1024
"""No diary comes near this; it stops a crafted zip from filling memory."""


class BackupError(DiaryError):
    """A backup that cannot be written or restored; nothing was changed."""

    def __init__(self, message: str, *, field: str = "FILE", file: str | None = None) -> None:
        super().__init__(field, message, problems=[Problem(field, message, file)])


TABLE_LABELS = {
    "twitches": "twitches",
    "checkins": "check-ins",
    "day_values": "imported values",
    "assessments": "assessments",
    "experiments": "experiments",
}


def describe_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    """(label, rows) per table, in words a person reads; a later table shows its own name."""
    return [(TABLE_LABELS.get(name, name.replace("_", " ")), n) for name, n in counts.items()]


def file_name(table: str) -> str:
    return f"{table}.jsonl" if table in JSONL_TABLES else f"{table}.csv"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def app_version() -> str:
    try:
        return version("twitchwise")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"
