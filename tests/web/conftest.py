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

from twitchwise.diary import Diary
from twitchwise.settings import Settings
from twitchwise.web import create_app

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
