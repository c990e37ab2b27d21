"""Settings in one place: where the diary lives, read from the environment or given by the caller.

Built by whoever needs them (CLI callback, web app factory), never at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from twitchwise._datadir import db_url, default_db_url


class Settings(BaseSettings):
    """twitchwise settings; each can be set as TWITCHWISE_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="TWITCHWISE_", extra="ignore")

    db: str = Field(default_factory=default_db_url, description="SQLAlchemy URL of the diary")
    host: str = Field("127.0.0.1", description="address the web app listens on")
    port: int = Field(8000, ge=1, le=65535, description="port the web app listens on")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="Host names the web app answers to besides 127.0.0.1, localhost and ::1 "
        "(a DNS-rebinding page uses its own name, so every other name is refused)",
    )
    db_wait_s: float = Field(
        5,
        gt=0,
        le=60,
        description="web app: how long a request waits for a SQLite diary another program is "
        "writing (a long import) before it answers 503 with Retry-After",
    )
    max_upload_mb: int = Field(
        4096, ge=1, le=1024 * 1024, description="largest upload the import page accepts (MiB)"
    )
    push_contact: str = Field(
        "mailto:twitchwise@localhost",
        pattern=r"^(mailto:\S+@\S+|https://\S+)$",
        description="the contact (mailto: or https:) in Web Push reminders' VAPID claim; Apple's "
        "push service (Safari) refuses one on localhost, so Safari users set their own address",
    )

    accounts: bool = Field(
        False,
        description="sign-in on: every person has an account and sees only their own diary "
        "(needed, with PostgreSQL, to listen on anything but this computer)",
    )
    tls_cert: Path | None = Field(None, description="HTTPS certificate chain (PEM) to serve with")
    tls_key: Path | None = Field(None, description="private key (PEM) of the HTTPS certificate")
    forwarded_allow_ips: list[str] = Field(
        default_factory=list,
        description="addresses of a reverse proxy (Caddy) whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed; nobody else's are",
    )
    session_days: int = Field(
        30, ge=1, le=365, description="a sign-in lasts this many days without use"
    )

    @field_validator("db")
    @classmethod
    def _path_is_sqlite(cls, value: str) -> str:
        """A plain path (`/path/diary.db`), as the README invites, is a SQLite file."""
        return db_url(value)
