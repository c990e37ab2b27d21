"""Backup and restore: the whole diary in one zip of CSV and JSON Lines files with a manifest
(docs/reference/backup-format.md). A restore checks everything before it writes anything."""

from __future__ import annotations

from ._format import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    app_version,
    describe_counts,
)
from ._restore import CheckedBackup, read_backup, restore_backup
from ._write import BackupSummary, backup_bytes, write_backup

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MANIFEST",
    "BackupError",
    "BackupSummary",
    "CheckedBackup",
    "app_version",
    "backup_bytes",
    "describe_counts",
    "read_backup",
    "restore_backup",
    "write_backup",
]
