"""Password rules and hashing (Argon2 through pwdlib, with its recommended parameters).

The rules follow NIST SP 800-63B and OWASP ASVS 2.1: at least 12 characters, long passphrases
welcome, no composition rules, and a refusal of the passwords most often tried.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from ._errors import AccountError

if TYPE_CHECKING:
    from pwdlib import PasswordHash

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
COMMON = frozenset(
    {
        "123456789012",
        "1234567890123",
        "password1234",
        "passwordpassword",
        "qwertyuiop12",
        "qwertyuiopasdf",
        "111111111111",
        "000000000000",
        "aaaaaaaaaaaa",
        "iloveyou1234",
        "letmein12345",
        "welcome12345",
        "twitchwise12",
        "twitchwise123",
        "twitchwise1234",
        "correcthorsebatterystaple",
    }
)


@cache
def hasher() -> PasswordHash:
    from pwdlib import PasswordHash

    return PasswordHash.recommended()


def normalise(password: str) -> str:
    """NFKC, so the same passphrase typed on a phone and on a computer is the same password."""
    return unicodedata.normalize("NFKC", password)


def check_password_rules(password: object, *, email: str | None = None) -> str:
    """The password to hash, or AccountError("password", why it is refused)."""
    if not isinstance(password, str):
        raise AccountError("password", "must be text")
    password = normalise(password)
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"must be at least {MIN_PASSWORD} characters long")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password", f"must be at most {MAX_PASSWORD} characters long")
    lowered = password.lower()
    if lowered in COMMON or len(set(lowered)) < 4:
        raise AccountError("password", "is too easy to guess; a few unusual words work well")
    if email and lowered == email.lower():
        raise AccountError("password", "must not be your email address")
    return password


def hash_password(password: str) -> str:
    return hasher().hash(normalise(password))


def verify_password(password: str, stored: str | None) -> tuple[bool, str | None]:
    """(matches, a new hash when the stored one uses older parameters). With no stored hash a
    dummy one is checked, so an unknown account takes as long to refuse as a wrong password."""
    if stored is None:
        hasher().verify(normalise(password), _dummy_hash())
        return False, None
    try:
        return hasher().verify_and_update(normalise(password), stored)
    except Exception:  # a damaged hash in the database: not a match, and not a crash
        return False, None


@cache
def _dummy_hash() -> str:
    return hasher().hash("not a password anyone has: dummy for timing")
