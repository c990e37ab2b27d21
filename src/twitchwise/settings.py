"""Settings in one place: where the diary lives, read from the environment or given by the caller.

Built by whoever needs them (CLI callback, web app factory), never at import time.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_db_url() -> str:
    """SQLite in the platform's user data folder (e.g. ~/.local/share/twitchwise/diary.db)."""
    folder: Path = user_data_path("twitchwise", appauthor=False, ensure_exists=True)
    return f"sqlite:///{folder / 'diary.db'}"


class Settings(BaseSettings):
    """twitchwise settings; each can be set as TWITCHWISE_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="TWITCHWISE_", extra="ignore")

    db: str = Field(default_factory=default_db_url, description="SQLAlchemy URL of the diary")
    host: str = Field("127.0.0.1", description="address the web app listens on")
    port: int = Field(8000, ge=1, le=65535, description="port the web app listens on")

    @field_validator("db")
    @classmethod
    def _path_is_sqlite(cls, value: str) -> str:
        """A plain path (`/path/diary.db`), as the README invites, is a SQLite file."""
        return db_url(value)


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
