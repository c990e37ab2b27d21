"""Plain records handed out by `Accounts` (never the database rows themselves)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Person:
    id: int
    email: str | None
    created_at: datetime
    has_password: bool


@dataclass(frozen=True)
class AccessToken:
    """A personal access token as listed: its name and the first characters, never the token."""

    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class SignedIn:
    """Who a session cookie or access token belongs to."""

    person: Person
    session_hash: str | None = None
    """The stored hash of the session cookie (None for an access token)."""
    token_id: int | None = None


@dataclass(frozen=True)
class BrowserSession:
    """A signed-in browser as listed on the Account page (ASVS 3.3.4: see and end sessions).
    `handle` is the start of the stored hash: enough to name it, useless to sign in with."""

    handle: str
    created_at: datetime
    last_seen_at: datetime
    user_agent: str | None
