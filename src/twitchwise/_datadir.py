"""Where the person's diary lives by default, without loading pydantic-settings.

`twitchwise log` runs while someone waits; building `Settings` only to learn this path would cost
more than the rest of the command's own work. `twitchwise.settings` re-exports it.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path


def default_db_url() -> str:
    """SQLite in the platform's user data folder (e.g. ~/.local/share/twitchwise/diary.db)."""
    folder: Path = user_data_path("twitchwise", appauthor=False, ensure_exists=True)
    return f"sqlite:///{folder / 'diary.db'}"


SQLITE_SUFFIXES = (".db", ".sqlite", ".sqlite3")


def db_url(value: str) -> str:
    """A database URL as given, or a file path as a `sqlite:///` URL (absolute).

    A path is text without `scheme://` that has a folder in it or ends in .db/.sqlite/.sqlite3;
    anything else stays as given, so a typo is refused by name instead of becoming a new file.
    """
    text = value.strip()
    if "://" in text or not text:
        return text
    if "/" in text or "\\" in text or text.startswith("~") or text.endswith(SQLITE_SUFFIXES):
        return f"sqlite:///{Path(text).expanduser().resolve()}"
    return text
