"""Writing a backup: every table of the diary into one zip, with a manifest that vouches for it."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from twitchwise.diary import Diary

from ._codec import to_cell, to_json
from ._format import (
    FORMAT,
    FORMAT_VERSION,
    JSONL_TABLES,
    MANIFEST,
    BackupError,
    app_version,
    file_name,
    sha256,
)


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds: rows per table."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _csv_bytes(table: Table, rows: Sequence[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = list(table.columns)
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([to_cell(c, row.get(c.name)) for c in columns])
    return out.getvalue().encode("utf-8")


def _jsonl_bytes(table: Table, rows: Sequence[dict[str, Any]]) -> bytes:
    lines = [
        json.dumps(
            {c.name: to_json(c, row.get(c.name)) for c in table.columns},
            ensure_ascii=False,
            allow_nan=False,
        )
        for row in rows
    ]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def backup_bytes(diary: Diary) -> tuple[bytes, BackupSummary]:
    """The whole diary as the bytes of a backup zip (a consistent snapshot)."""
    snapshot = diary.all_rows()
    files: list[dict[str, Any]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in diary.tables():
            rows = snapshot[table.name]
            data = (_jsonl_bytes if table.name in JSONL_TABLES else _csv_bytes)(table, rows)
            name = file_name(table.name)
            archive.writestr(name, data)
            files.append(
                {
                    "name": name,
                    "table": table.name,
                    "rows": len(rows),
                    "sha256": sha256(data),
                    "columns": [c.name for c in table.columns],
                }
            )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "created_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "counts": {f["table"]: f["rows"] for f in files},
            "files": files,
        }
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return buffer.getvalue(), BackupSummary({f["table"]: f["rows"] for f in files})


def write_backup(diary: Diary, path: Path) -> BackupSummary:
    """Write the backup to `path` through a temporary file, so a crash never leaves half a zip
    under the name of a backup."""
    data, summary = backup_bytes(diary)
    folder = path.parent
    if not folder.is_dir():
        raise BackupError(f"folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise BackupError(f"cannot write to {folder}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise BackupError(f"cannot write {path}: {exc.strerror}") from None
    return summary
