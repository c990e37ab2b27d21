"""Where uploaded files wait to be imported, and how they are removed.

An upload holds a person's whole health export, so no copy may outlive its use: each file lives
in a private folder (0700) and carries the id of the process that wrote it. The process removes
its own files when the import ends or the app stops; files of processes that are gone (a crash,
kill -9) are removed when the app starts, and `erase` removes them all.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_NAME = re.compile(r"import-(\d+)-")


def upload_dir() -> Path:
    """The private folder for uploads (created 0700, owned by this user)."""
    user = getattr(os, "getuid", lambda: "user")()
    folder = Path(tempfile.gettempdir()) / f"twitchwise-uploads-{user}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def new_upload(suffix: str = "") -> tuple[int, Path]:
    """A new private file (0600) for an upload: its open descriptor and its path."""
    fd, name = tempfile.mkstemp(prefix=f"import-{os.getpid()}-", suffix=suffix, dir=upload_dir())
    return fd, Path(name)


def remove_uploads(*, everything: bool = False, own: bool = False) -> int:
    """Remove uploads left by processes that are gone; with `own` this process's too, with
    `everything` every upload. Returns how many files were removed."""
    removed = 0
    for path in upload_dir().glob("import-*"):
        found = _NAME.match(path.name)
        pid = int(found.group(1)) if found else -1
        mine = pid == os.getpid()
        if everything or (own and mine) or (not mine and not _alive(pid)):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill would end the process there; keep the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True
