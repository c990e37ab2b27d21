"""Accounts for a shared server: people, passwords, signed-in browsers and API tokens.

The core of sign-in, known to the CLI (`twitchwise user ...`) and the web app alike. It stores
only hashes: passwords with Argon2 (pwdlib), session cookies and access tokens with SHA-256 (they
are long random strings, so a fast hash is enough and a copy of the database signs nobody in).
Every diary row belongs to one person; `Diary.for_person` opens that person's rows.
"""

from __future__ import annotations

from ._accounts import Accounts
from ._errors import AccountError, TooManyAttempts
from ._passkeys import Passkey, Passkeys
from ._passwords import MAX_PASSWORD, MIN_PASSWORD, check_password_rules
from ._records import AccessToken, BrowserSession, Person, SignedIn

__all__ = [
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "AccessToken",
    "AccountError",
    "Accounts",
    "BrowserSession",
    "Passkey",
    "Passkeys",
    "Person",
    "SignedIn",
    "TooManyAttempts",
    "check_password_rules",
]
