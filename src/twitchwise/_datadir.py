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
