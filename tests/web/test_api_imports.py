"""POST /api/v1/imports and GET /api/v1/imports/{id}: every kind of export through the API.

Each kind is uploaded as a person would (the real Apple Health fixtures, a Health Connect export
written by the benchmark generator, Fitbit and Garmin exports in their real shapes), the job is
polled until it ends, and the diary's day values are checked. Refusals are problem+json and
write nothing.
"""

from __future__ import annotations

import io
import json
import tempfile
import time
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from asgi_call import run_isolated
from benchmark_scripts import benchmark_script
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message, Scope

from twitchwise.diary import Diary
from twitchwise.settings import Settings
from twitchwise.web import create_app

ROOT = Path(__file__).resolve().parents[2]
APPLE = ROOT / "tests" / "data" / "apple-health"
HEADER = {"X-Requested-With": "twitchwise"}


def _generator() -> Any:
    return benchmark_script("generate_health_connect")


def _zip(files: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _upload(
    client: TestClient, name: str, data: bytes, headers: dict[str, str] | None = None
) -> Any:
    return client.post(
        "/api/v1/imports",
        files={"file": (name, data, "application/octet-stream")},
        headers=HEADER if headers is None else headers,
    )


def _finish(client: TestClient, name: str, data: bytes) -> dict[str, Any]:
    response = _upload(client, name, data)
    assert response.status_code == 202, response.text
    job = response.json()
    assert response.headers["Location"] == f"/api/v1/imports/{job['id']}"
    assert job["filename"] == name and job["kind"] is not None
    deadline = time.monotonic() + 30
    while job["state"] not in ("finished", "failed"):
        assert time.monotonic() < deadline, f"the import did not end: {job}"
        time.sleep(0.05)
        polled = client.get(response.headers["Location"])
        assert polled.status_code == 200
        job = polled.json()
        assert job["percent"] is None or 0 <= job["percent"] <= 100
    return job


@pytest.fixture
def uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of the test's own, where the uploads' private copies are made."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _gone(folder: Path) -> None:
    """No file is left in `folder` (the job removes its copy just after it reports its end); the
    private uploads folder itself may stay."""

    def files() -> list[Path]:
        return [p for p in folder.rglob("*") if p.is_file()]

    deadline = time.monotonic() + 5
    while files() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert files() == []


def _values(diary: Diary, source: str) -> dict[tuple[date, str], float]:
    return {(v.day, v.metric): v.value for _, v in diary.list_day_values(source=source)}


def test_apple_health_zip_is_imported_and_polled_to_its_summary(
    client: TestClient, diary: Diary
) -> None:
    name = "alxdrcirilo-apple-health-parser-export.zip"
    job = _finish(client, name, (APPLE / name).read_bytes())
    assert job["state"] == "finished" and job["error"] is None and job["percent"] == 100
    assert (job["kind"], job["kind_label"]) == ("apple-health", "Apple Health")
    summary = job["summary"]
    assert summary["filled"] == {"sleep_hours": 1, "active_energy_kcal": 2}
    assert (summary["days"], summary["first_day"], summary["last_day"]) == (
        2,
        "2024-01-01",
        "2024-01-02",
    )
    assert (summary["added"], summary["updated"], summary["unchanged"]) == (3, 0, 0)
    assert _values(diary, "apple-health") == {
        (date(2024, 1, 1), "sleep_hours"): round(750 / 3600, 6),
        (date(2024, 1, 1), "active_energy_kcal"): 0.12,
        (date(2024, 1, 2), "active_energy_kcal"): 0.08,
    }
    again = _finish(client, name, (APPLE / name).read_bytes())
    assert (again["summary"]["added"], again["summary"]["unchanged"]) == (0, 3)


def test_health_connect_export_gives_the_generators_truth(
    client: TestClient, diary: Diary, tmp_path: Path
) -> None:
    gen = _generator()
    export = gen.year(5)
    db = tmp_path / "health_connect_export.db"
    gen.write(export, db, 18)
    job = _finish(client, "Health Connect.zip", _zip({db.name: db.read_bytes()}))
    assert job["state"] == "finished", job["error"]
    assert job["kind"] == "health-connect"
    assert "heart_rate_record_table" in job["summary"]["skipped"]
    got = _values(diary, "health-connect")
    want = gen.truth(export)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-6), key


def test_fitbit_and_garmin_exports_fill_their_days(client: TestClient, diary: Diary) -> None:
    water = [{"id": 1, "date": "03/01/24", "waterAmount": 750.0, "measurementUnit": "MILLILITER"}]
    fitbit = _zip({"Takeout/Fitbit/Global Export Data/water_logs-0.json": json.dumps(water)})
    job = _finish(client, "takeout-20240302.zip", fitbit)
    assert (job["state"], job["kind"]) == ("finished", "fitbit")
    assert job["summary"]["filled"] == {"water_litres": 1}
    assert _values(diary, "fitbit") == {(date(2024, 3, 1), "water_litres"): 0.75}

    night = {"calendarDate": "2025-01-04", "deepSleepSeconds": 3600, "lightSleepSeconds": 18000}
    garmin = _zip({"DI_CONNECT/DI-Connect-Wellness/a_b_1_sleepData.json": json.dumps([night])})
    job = _finish(client, "garmin.zip", garmin)
    assert (job["state"], job["kind"]) == ("finished", "garmin")
    assert _values(diary, "garmin") == {(date(2025, 1, 4), "sleep_hours"): 6.0}


def test_a_damaged_export_fails_naming_the_chosen_file_and_writes_nothing(
    client: TestClient, diary: Diary, uploads: Path
) -> None:
    damaged = _zip({"health_connect_export.db": b"SQLite format 3\x00" + b"\xff" * 5000})
    job = _finish(client, "Health Connect.zip", damaged)
    assert job["state"] == "failed" and job["summary"] is None
    assert "Health Connect.zip" in job["error"]
    assert "twitchwise-import-" not in job["error"] and "/tmp" not in job["error"]
    whole = (APPLE / "grll-apple-health-mcp-export.xml").read_bytes()
    cut = _finish(client, "export.xml", whole[: len(whole) // 2])
    assert (cut["state"], cut["kind"]) == ("failed", "apple-health")
    assert cut["error"].startswith("export.xml is damaged or incomplete")
    assert "twitchwise-import-" not in cut["error"]
    _gone(uploads)  # no copy of the upload is left behind
    assert diary.list_day_values() == []


def test_a_file_that_is_no_export_is_refused_at_once(
    client: TestClient, diary: Diary, uploads: Path
) -> None:
    response = _upload(client, "holiday.zip", _zip({"photo.txt": "hello"}))
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "holiday.zip is not an export" in problem["detail"]
    assert "Health Connect" in problem["detail"] and "twitchwise-import-" not in problem["detail"]
    assert problem["errors"][0]["field"] == "file"
    assert diary.list_day_values() == []
    _gone(uploads)


def test_a_request_without_the_header_is_refused_before_its_body_is_read(
    client: TestClient, diary: Diary
) -> None:
    """A cross-site form can post multipart but cannot add a custom header."""
    name = "alxdrcirilo-apple-health-parser-export.zip"
    for headers in ({}, {"X-Requested-With": "XMLHttpRequest"}):
        response = _upload(client, name, (APPLE / name).read_bytes(), headers)
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert "X-Requested-With: twitchwise" in response.json()["detail"]
    assert diary.list_day_values() == []


def test_missing_file_wrong_type_and_unknown_job(client: TestClient) -> None:
    no_file = client.post("/api/v1/imports", files={"other": (None, "x")}, headers=HEADER)
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "file"
    as_json = client.post("/api/v1/imports", json={"file": "x"}, headers=HEADER)
    assert as_json.status_code == 415
    xml = (APPLE / "dogsheep-healthkit-to-sqlite-export.xml").read_bytes()
    windows = _upload(client, "C:\\Users\\sam\\export.xml", xml)
    assert windows.status_code == 202 and windows.json()["filename"] == "export.xml"
    while client.get(windows.headers["Location"]).json()["state"] not in ("finished", "failed"):
        time.sleep(0.05)
    unknown = client.get("/api/v1/imports/no-such-job")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


BOUNDARY = "twitchwise-test-boundary"


def _chunks(data: bytes) -> Iterator[bytes]:
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    for start in range(0, len(data), 64 * 1024):
        yield data[start : start + 64 * 1024]
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_an_upload_over_the_limit_setting_is_refused_with_413(tmp_path: Path) -> None:
    settings = Settings(db=f"sqlite:///{tmp_path / 'diary.db'}", max_upload_mb=1)
    app = create_app(settings, secret_dir=tmp_path)
    try:
        with TestClient(app) as client:
            response = _upload(client, "big.zip", b"\0" * (1024 * 1024 + 10))
            assert response.status_code == 413
            assert response.headers["content-type"] == "application/problem+json"
            assert "1 MiB" in response.json()["detail"]
            assert _upload(client, "small.zip", b"\0" * 1000).status_code == 415
            chunked = client.post(  # no Content-Length: counted as it arrives
                "/api/v1/imports",
                content=_chunks(b"\0" * (2 * 1024 * 1024)),
                headers={**HEADER, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            )
            assert chunked.status_code == 413
    finally:
        app.state.diary.close()


def test_the_api_and_the_import_page_share_their_jobs(client: TestClient) -> None:
    water = [{"id": 1, "date": "03/01/24", "waterAmount": 500.0, "measurementUnit": "MILLILITER"}]
    job = _finish(
        client,
        "takeout.zip",
        _zip({"Takeout/Fitbit/Global Export Data/water_logs-0.json": json.dumps(water)}),
    )
    page = client.get(f"/import/jobs/{job['id']}")
    assert page.status_code == 200 and "Imported takeout.zip" in page.text


def test_the_reference_shows_the_upload_and_its_header(client: TestClient) -> None:
    page = client.get("/docs").text
    assert "<code>multipart/form-data</code>: file (string (binary))" in page
    assert "X-Requested-With" in page and "/api/v1/imports/{job_id}" in page


def test_without_the_header_not_a_byte_of_the_body_is_read(app: FastAPI) -> None:
    """A forged upload is refused from its headers alone: nothing is received or spooled."""
    received: list[Message] = []
    sent: list[Message] = []

    async def receive() -> Message:
        message: Message = {"type": "http.request", "body": b"x" * 1024, "more_body": False}
        received.append(message)
        return message

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/imports",
        "raw_path": b"/api/v1/imports",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"content-length", b"1024"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    run_isolated(app(scope, receive, send))
    assert sent[0]["status"] == 403 and received == []
