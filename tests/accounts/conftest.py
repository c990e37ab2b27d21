"""Fixtures for the accounts core: an `Accounts` over a fresh database, on SQLite and on
PostgreSQL (`db_url`), hashing with cheap Argon2 parameters so the suite stays fast (a test of the
real parameters puts `REAL_HASHER` back)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from twitchwise.accounts import Accounts, _passwords

PASSWORD = "a quiet harbour at dawn"
OTHER_PASSWORD = "blue kettles sing loudly"


def quick_hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),))


REAL_HASHER = _passwords.hasher


@pytest.fixture(autouse=True)
def _quick_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_passwords, "hasher", quick_hasher)


@pytest.fixture
def accounts(db_url: str) -> Iterator[Accounts]:
    opened = Accounts.open(db_url)
    yield opened
    opened.close()
