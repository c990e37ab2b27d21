"""Hostile requests (issue 10): bodies are bounded and refused before they are read, the API only
acts on JSON, forged uploads never reach the disk.

Some tests drive the ASGI app directly with a body fed chunk by chunk, to count how much of it
the app read before answering (the TestClient would read the whole body up front).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from twitchwise.diary import Diary
from twitchwise.uploads import upload_dir
from twitchwise.web._limits import JSON_LIMIT

MiB = 1024 * 1024


def drive(
    app: FastAPI, method: str, path: str, headers: dict[str, str], chunks: Iterable[bytes]
) -> tuple[int, bytes, int]:
    """Call the app with `chunks` as the body; returns status, body and chunks the app read."""
    source: Iterator[bytes] = iter(chunks)
    read = 0
    out: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        chunk = next(source, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        read += 1
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        out.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    start = next(m for m in out if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in out if m["type"] == "http.response.body")
    return start["status"], body, read


def endless(chunk: bytes = b"x" * MiB, count: int = 2048) -> Iterator[bytes]:
    """A 2 GiB body, made lazily: a test that reads it all would take minutes and fail."""
    for _ in range(count):
        yield chunk


def test_a_text_plain_post_to_the_api_is_refused_before_its_body_is_read(
    app: FastAPI, diary: Diary
) -> None:
    """What `fetch(url, {mode: "no-cors", body})` from any web page can send."""
    status, body, read = drive(
        app, "POST", "/api/v1/twitches", {"content-type": "text/plain"}, endless()
    )
    assert status == 415 and read == 0
    assert json.loads(body)["title"] == "Unsupported Media Type"
    assert diary.list_twitches() == []


@pytest.mark.parametrize("declared", [True, False])
def test_a_json_body_over_the_limit_is_a_413_and_read_no_further(
    app: FastAPI, declared: bool
) -> None:
    headers = {"content-type": "application/json"}
    if declared:
        headers["content-length"] = str(2048 * MiB)
    status, body, read = drive(app, "POST", "/api/v1/twitches", headers, endless())
    assert status == 413
    assert json.loads(body)["status"] == 413
    assert read <= JSON_LIMIT // MiB + 1  # at most the limit, never the 2 GiB


def test_a_page_form_over_the_limit_is_a_413_page(app: FastAPI) -> None:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    status, body, read = drive(app, "POST", "/log", headers, endless(b"site=" + b"a" * MiB))
    assert status == 413 and read <= 2
    assert b"<html" in body.lower()


def test_a_small_json_body_is_still_fine(client: TestClient) -> None:
    response = client.post("/api/v1/twitches", json={"site": "left_thigh", "note": "x" * 4000})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "content_type",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain", None],
)
def test_a_cross_site_form_cannot_end_an_experiment(
    client: TestClient, content_type: str | None
) -> None:
    """A plain HTML form on any site can POST without a body; the API needs a JSON type."""
    created = client.post("/api/v1/experiments", json={"factor": "caffeine"}).json()
    headers = {"content-type": content_type} if content_type else {}
    response = client.post(f"/api/v1/experiments/{created['id']}/end", headers=headers)
    assert response.status_code == 415
    assert client.get(f"/api/v1/experiments/{created['id']}").json()["status"] == "active"
    ended = client.post(f"/api/v1/experiments/{created['id']}/end", json={})
    assert ended.status_code == 200 and ended.json()["status"] == "ended"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/twitches", '{"site": "left_thigh"}'),
        ("POST", "/api/v1/checkins", '{"date": "2026-03-02"}'),
        ("POST", "/api/v1/assess", "{}"),
        ("POST", "/api/v1/experiments", '{"factor": "caffeine"}'),
        ("PUT", "/api/v1/checkins/2026-03-02", "{}"),
        ("PATCH", "/api/v1/twitches/1", "{}"),
    ],
)
def test_every_api_write_needs_a_json_content_type(
    client: TestClient, diary: Diary, method: str, path: str, body: str
) -> None:
    response = client.request(method, path, content=body, headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert diary.list_twitches() == [] and diary.list_checkins() == []


def test_the_openapi_document_declares_413_and_415_on_writes(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for operation in ("post", "put", "patch"):
        for path, item in paths.items():
            if operation in item and path.startswith("/api/"):
                assert {"413", "415"} <= set(item[operation]["responses"]), (path, operation)


def _multipart(token: str, file_chunks: Iterable[bytes]) -> Iterator[bytes]:
    yield (
        b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + b'\r\n--B\r\nContent-Disposition: form-data; name="export"; filename="export.zip"'
        b"\r\nContent-Type: application/zip\r\n\r\n"
    )
    yield from file_chunks
    yield b"\r\n--B--\r\n"


def _uploads() -> set[Path]:
    return set(upload_dir().glob("import-*"))


def test_a_forged_upload_is_refused_before_anything_is_written(app: FastAPI) -> None:
    """Before, a 2 GB upload with a wrong token was spooled to disk, then refused."""
    before = _uploads()
    headers = {
        "content-type": "multipart/form-data; boundary=B",
        "cookie": "twitchwise_csrf=someone-elses-cookie",
    }
    status, body, read = drive(app, "POST", "/import", headers, _multipart("0" * 64, endless()))
    assert status == 403 and b"could not be verified" in body
    assert read <= 2  # the token part and at most the first piece of the file
    assert _uploads() == before


def test_an_upload_over_the_limit_is_a_413_and_leaves_no_file(
    tmp_path: Path, csrf: Callable[[str], str], client: TestClient
) -> None:
    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    app = create_app(
        Settings(db=f"sqlite:///{tmp_path / 'small.db'}", max_upload_mb=1), secret_dir=tmp_path
    )
    with TestClient(app, base_url="http://127.0.0.1") as small:
        token = small.get("/import").text.split('name="csrf_token" value="')[1].split('"')[0]
        before = _uploads()
        response = small.post(
            "/import",
            data={"csrf_token": token},
            files={"export": ("export.zip", b"z" * (2 * MiB), "application/zip")},
        )
        assert response.status_code == 413
        assert "larger than the limit of 1 MiB" in response.text
        assert _uploads() == before
    app.state.diary.close()


def test_a_full_disk_during_upload_is_a_calm_error_without_a_partial_file(
    client: TestClient, csrf: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from twitchwise.web import _upload

    def full(out: Any, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_upload, "_write_sync", full)
    before = _uploads()
    response = client.post(
        "/import",
        data={"csrf_token": csrf("/import")},
        files={"export": ("export.zip", b"z" * 1000, "application/zip")},
    )
    assert response.status_code == 507
    assert "not enough free space" in response.text
    assert _uploads() == before


def test_leftover_uploads_of_dead_processes_are_removed_at_start(tmp_path: Path) -> None:
    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    stale = upload_dir() / "import-999999999-abc.zip"  # no such process
    stale.write_bytes(b"someone's health export")
    app = create_app(Settings(db="sqlite://"), secret_dir=tmp_path)
    assert not stale.exists()
    app.state.diary.close()


def test_pages_holding_health_data_are_not_cached(client: TestClient) -> None:
    for path in ["/", "/diary", "/log", "/api/v1/twitches"]:
        assert client.get(path).headers["cache-control"] == "no-store", path
    assert "no-store" not in client.get("/static/app.css").headers.get("cache-control", "")
