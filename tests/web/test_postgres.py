"""The app on PostgreSQL: the same diary round trips through the API and pages as on SQLite."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from twitchwise.settings import Settings
from twitchwise.web import create_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_client(postgres_url: str, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(db=postgres_url), secret_dir=tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_api_and_pages_work_on_postgresql(pg_client: TestClient) -> None:
    c = pg_client
    twitch = c.post("/api/v1/twitches", json={"site": "left_thigh", "count": 3}).json()
    assert c.get(f"/api/v1/twitches/{twitch['id']}").json()["count"] == 3
    day = {"date": "2026-03-02", "sleep_hours": 6.5, "symptoms": ["cramping"]}
    assert c.post("/api/v1/checkins", json=day).json()["symptoms"] == ["cramping"]
    assert (
        c.post("/api/v1/twitches", json={"site": "left_thigh", "note": "a\x00b"}).status_code == 422
    )
    assert c.get("/api/v1/twitches/2147483647").status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/log").text)
    assert token
    logged = c.post(
        "/log", data={"csrf_token": token.group(1), "site": "right_calf"}, follow_redirects=False
    )
    assert logged.status_code == 303
    for path in ["/", "/diary", "/insights", "/experiment", "/assess"]:
        assert c.get(path).status_code == 200, path
    assert "left_thigh" in c.get("/api/v1/export/twitches.csv").text
