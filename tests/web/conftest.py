"""Web fixtures: the app over a fresh SQLite diary in a temp folder, and an in-process client.

`client` is a browser-like TestClient (it keeps cookies); `csrf(client, path)` fetches a page and
returns the form token that page carries, as a browser would have it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from twitchwise.accounts import Accounts, Person, _passwords
from twitchwise.diary import Diary
from twitchwise.settings import Settings
from twitchwise.web import create_app
from twitchwise.web._auth import SESSION_COOKIE

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    settings = Settings(db=f"sqlite:///{tmp_path / 'diary.db'}")
    app = create_app(settings, secret_dir=tmp_path / "data")
    yield app
    app.state.diary.close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def diary(app: FastAPI) -> Diary:
    d: Diary = app.state.diary
    return d


@pytest.fixture
def csrf(client: TestClient) -> Callable[[str], str]:
    def token(path: str = "/") -> str:
        found = TOKEN.search(client.get(path).text)
        assert found, f"{path} carries no CSRF token"
        return found.group(1)

    return token


# -- accounts on (issue 16): an app where everyone signs in ------------------------------------

PASSWORD_A = "a quiet harbour at dawn"
PASSWORD_B = "blue kettles sing loudly"


def quick_hasher() -> PasswordHash:
    """Argon2id with small costs: the same code path as the real one, a hundred times faster
    (tests/accounts checks the real parameters)."""
    return PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),))


@pytest.fixture
def accounts_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FastAPI]:
    """The app with accounts on (a sign-in idles out after 7 days), over a fresh SQLite diary."""
    monkeypatch.setattr(_passwords, "hasher", quick_hasher)
    settings = Settings(db=f"sqlite:///{tmp_path / 'diary.db'}", accounts=True, session_days=7)
    app = create_app(settings, secret_dir=tmp_path / "data")
    yield app
    app.state.diary.close()


@pytest.fixture
def accounts(accounts_app: FastAPI) -> Accounts:
    found: Accounts = accounts_app.state.accounts
    return found


@pytest.fixture
def people(accounts: Accounts) -> tuple[Person, Person]:
    """Two accounts: a@example.org (PASSWORD_A) and b@example.org (PASSWORD_B)."""
    return (
        accounts.add_person("a@example.org", PASSWORD_A),
        accounts.add_person("b@example.org", PASSWORD_B),
    )


@pytest.fixture
def anonymous(accounts_app: FastAPI) -> Iterator[TestClient]:
    """A browser that has not signed in (redirects are not followed, to see them)."""
    with TestClient(accounts_app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c


def browser_of(app: FastAPI, accounts: Accounts, person: Person) -> TestClient:
    """A TestClient carrying a fresh session cookie of `person`."""
    client = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, accounts.start_session(person.id), domain="127.0.0.1")
    return client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
