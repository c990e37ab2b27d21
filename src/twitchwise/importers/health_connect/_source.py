"""Find the Health Connect database (the phone's ``Health Connect.zip`` or the ``.db`` in it),
copy it to a private temporary folder and open the copy read-only.

The export is the phone's own ``healthconnect.db`` copied and zipped as the single entry
``health_connect_export.db`` (AOSP ``ExportManager``), so it is recognised by content: a zip
member or a file that starts with the SQLite header and holds Health Connect's bookkeeping
tables. Reading a copy means the user's file is never touched (SQLite may create ``-wal`` or
``-shm`` files next to a database it opens) and a file that changes while it is read cannot give
a half-old, half-new result.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import quote

from .._base import ImporterError, Progress

SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
MEMBER_NAME = "health_connect_export.db"
REQUIRED_TABLES = ("application_info_table", "device_info_table")
"""Bookkeeping tables every Health Connect database has (since the first schema)."""
CHUNK = 1 << 20
AGAIN = "Export it again on the phone (Settings > Health Connect > Manage data > Export data)."


class HealthConnectError(ImporterError):
    """The file is not a Health Connect export, or it is damaged."""


@dataclass
class Database:
    """An open, read-only copy of the export and what its schema holds."""

    conn: sqlite3.Connection
    name: str
    size: int
    user_version: int
    columns: dict[str, set[str]] = field(default_factory=dict)
    """Every table's columns (generated ones included), by table name."""

    def has(self, table: str, *columns: str) -> bool:
        found = self.columns.get(table)
        return found is not None and all(c in found for c in columns)


def _zip_member(path: Path) -> zipfile.ZipInfo | None:
    """The SQLite member of the zip (by content; ``health_connect_export.db`` first)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = sorted(
                (i for i in zf.infolist() if not i.is_dir() and i.file_size >= 100),
                key=lambda i: (Path(i.filename).name != MEMBER_NAME, -i.file_size),
            )
            for info in infos:
                with zf.open(info) as fh:
                    if fh.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC:
                        return info
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        raise HealthConnectError(
            f"{path.name} is a damaged or incomplete zip ({exc}). {AGAIN}"
        ) from exc
    return None


def sniff(path: Path) -> str | None:
    """``"zip"`` or ``"db"`` when `path` may hold a Health Connect database, else None (cheap)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if head == SQLITE_MAGIC:
        return "db" if _looks_like_hc(path) else None
    if head.startswith(ZIP_MAGIC):
        try:
            return "zip" if _zip_member(path) is not None else None
        except HealthConnectError:
            return None
    return None


def _looks_like_hc(path: Path) -> bool:
    """Whether a SQLite file has Health Connect's tables (opened read-only, never written)."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return all(t in names for t in REQUIRED_TABLES)


@contextmanager
def open_export(path: Path, progress: Progress | None = None) -> Iterator[Database]:
    """Copy the database out of `path` into a temporary folder and open the copy read-only.

    Raises `HealthConnectError` for a missing, damaged or non-Health-Connect file. The copy is
    deleted when the block ends.
    """
    if not path.exists():
        raise HealthConnectError(f"{path}: no such file")
    if path.is_dir():
        raise HealthConnectError(
            f"{path} is a folder; give the Health Connect.zip (or the .db inside it)"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise HealthConnectError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    with tempfile.TemporaryDirectory(prefix="twitchwise-hc-") as tmp:
        copy = Path(tmp) / MEMBER_NAME
        if head.startswith(ZIP_MAGIC):
            info = _zip_member(path)
            if info is None:
                raise HealthConnectError(
                    f"{path.name} holds no Health Connect database "
                    f"(expected one SQLite file, {MEMBER_NAME}). {AGAIN}"
                )
            size = info.file_size
            _room_for(size, Path(tmp), path.name)
            _extract(path, info, copy, progress)
        elif head == SQLITE_MAGIC:
            size = path.stat().st_size
            _room_for(size, Path(tmp), path.name)
            with path.open("rb") as src:
                _copy(src, copy, size, progress, path.name)
        else:
            raise HealthConnectError(
                f"{path.name} is not a Health Connect export "
                "(expected Health Connect.zip or the health_connect_export.db inside it)"
            )
        conn = _connect(copy, path.name)
        try:
            check = IntegrityCheck(copy, path.name)
        except HealthConnectError:
            conn.close()
            raise
        try:
            yield _inspect(conn, path.name, size)
            check.result()
        finally:
            check.cancel()
            conn.close()


def _room_for(size: int, folder: Path, name: str) -> None:
    """Refuse before copying when the temporary folder cannot hold the database."""
    free = shutil.disk_usage(folder).free
    if size > free - (64 << 20):
        raise HealthConnectError(
            f"{name} holds a {size / 1e6:,.0f} MB database, and the temporary folder has only "
            f"{free / 1e6:,.0f} MB free to copy it to; nothing was imported"
        )


def _extract(path: Path, info: zipfile.ZipInfo, dest: Path, progress: Progress | None) -> None:
    try:
        with zipfile.ZipFile(path) as zf, zf.open(info) as src:
            _copy(src, dest, info.file_size, progress, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise HealthConnectError(
            f"{path.name} is damaged or incomplete and was not imported: "
            f"the zip is corrupt or truncated ({exc}). {AGAIN}"
        ) from exc


def _copy(src: IO[bytes], dest: Path, size: int, progress: Progress | None, name: str) -> None:
    done = 0
    try:
        with dest.open("wb") as out:
            while block := src.read(CHUNK):
                out.write(block)
                done += len(block)
                if progress is not None:
                    progress(done, max(size, done))
    except OSError as exc:
        raise HealthConnectError(
            f"{name}: could not make a temporary copy to read ({exc.strerror or exc})"
        ) from exc


def _connect(copy: Path, name: str) -> sqlite3.Connection:
    uri = f"file:{quote(str(copy))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.DatabaseError as exc:
        raise damaged(name, str(exc)) from exc
    return conn


class IntegrityCheck:
    """SQLite's ``quick_check`` of the whole copy, in a thread beside the reading.

    The check reads every page (half the time of an import), and sqlite3 lets other threads run
    while SQLite works, so on two cores it costs little wall time. `result` waits for it and
    raises `HealthConnectError` if the file is damaged anywhere, even in tables not read.
    """

    def __init__(self, copy: Path, name: str) -> None:
        self.name = name
        self._problems: list[str] = []
        self._conn = _connect(copy, name)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            rows = [str(r[0]) for r in self._conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.Error as exc:
            rows = [str(exc)]
        self._problems = [] if rows == ["ok"] else rows

    def result(self) -> None:
        self._thread.join()
        if self._problems:
            raise damaged(self.name, "; ".join(self._problems))

    def cancel(self) -> None:
        if self._thread.is_alive():
            self._conn.interrupt()
        self._thread.join()
        self._conn.close()


def damaged(name: str, why: str) -> HealthConnectError:
    return HealthConnectError(
        f"{name} is damaged or incomplete and was not imported (SQLite says: {why}). {AGAIN}"
    )


def _inspect(conn: sqlite3.Connection, name: str, size: int) -> Database:
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        missing = [t for t in REQUIRED_TABLES if t not in tables]
        if missing or not any(t.endswith("_record_table") for t in tables):
            raise HealthConnectError(
                f"{name} is a SQLite database but not a Health Connect export "
                f"(no {', '.join(missing) or 'record tables'})"
            )
        columns = {
            t: {str(r[1]) for r in conn.execute(f"PRAGMA table_xinfo({_quote(t)})")} for t in tables
        }
    except sqlite3.DatabaseError as exc:
        raise damaged(name, str(exc)) from exc
    return Database(conn, name, size, version, columns)


def _quote(name: str) -> str:
    """A table name as an SQL identifier (names come from the file, so quote them)."""
    return '"' + name.replace('"', '""') + '"'
