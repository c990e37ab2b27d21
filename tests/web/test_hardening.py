"""Hostile requests (issue 10): bodies are bounded and refused before they are read, the API only
acts on JSON, forged uploads never reach the disk.

Some tests drive the ASGI app directly with a body fed chunk by chunk, to count how much of it
the app read before answering (the TestClient would read the whole body up front).
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from asgi_call import run_isolated
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
    run_isolated(app(scope, receive, send))  # type: ignore[arg-type]
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


def test_https_answers_carry_hsts_and_plain_http_does_not(client: TestClient) -> None:
    """Over https a browser is told to use nothing else here for a year (ASVS 14.4.5); over
    http the header would be ignored and is not sent."""
    assert "strict-transport-security" not in client.get("/").headers
    secure = TestClient(client.app, base_url="https://testserver")
    for path in ["/", "/api/v1/health", "/static/app.css"]:
        assert secure.get(path).headers["strict-transport-security"] == "max-age=31536000", path


def test_a_locked_database_is_a_503_with_retry_after_not_a_422(tmp_path: Path) -> None:
    """Before: a long import's lock stalled writes 31 s, then gave 422 "Please check: db"."""
    import sqlite3

    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    db = tmp_path / "diary.db"
    app = create_app(Settings(db=f"sqlite:///{db}", db_wait_s=0.3), secret_dir=tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        token = c.get("/log").text.split('name="csrf_token" value="')[1].split('"')[0]
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            began = time.monotonic()
            api = c.post("/api/v1/twitches", json={"site": "left_thigh"})
            assert time.monotonic() - began < 5  # before: 31 s
            assert api.status_code == 503 and api.headers["retry-after"] == "5"
            problem = api.json()
            assert problem["errors"][0]["field"] == "db" and "nothing was lost" in problem["detail"]
            page = c.post("/log", data={"site": "left_thigh", "csrf_token": token})
            assert page.status_code == 503 and "nothing was lost" in page.text
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        assert c.post("/api/v1/twitches", json={"site": "left_thigh"}).status_code == 201
    app.state.diary.close()


def test_a_damaged_database_file_is_problem_json_not_bare_500(tmp_path: Path) -> None:
    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    db = tmp_path / "diary.db"
    app = create_app(Settings(db=f"sqlite:///{db}"), secret_dir=tmp_path)
    for _ in range(300):
        app.state.diary.add_twitch("left_thigh", note="n" * 300)
    app.state.diary.engine.dispose()
    with sqlite3.connect(db) as raw:  # where the twitches are: the damage must hit them
        (root,) = raw.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'twitches'"
        ).fetchone()
        (page,) = raw.execute("PRAGMA page_size").fetchone()
    raw.close()
    with db.open("r+b") as fh:
        fh.seek(page * (root - 1))
        fh.write(b"\xa5" * page * 10)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        api = c.get("/api/v1/twitches")
        assert api.status_code == 500
        assert api.headers["content-type"] == "application/problem+json"
        assert "damaged" in api.json()["detail"]
        page = c.get("/diary")
        assert page.status_code == 500 and "restore the file from a backup" in page.text
    app.state.diary.close()


@pytest.mark.postgres
def test_postgres_down_is_a_503_and_health_says_so(tmp_path: Path, postgres_url: str) -> None:
    """Before: bare 500 text on pages, 422 "Please check: db" on writes, health said ok."""
    import psycopg
    from sqlalchemy import make_url

    from twitchwise.settings import Settings
    from twitchwise.web import create_app

    app = create_app(Settings(db=postgres_url), secret_dir=tmp_path)
    url = make_url(postgres_url)
    name = str(url.database)
    server = {"host": str(url.query["host"]), "port": str(url.query["port"]), "user": "postgres"}
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert c.get("/api/v1/health").status_code == 200
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            try:
                health = c.get("/api/v1/health")
                assert health.status_code == 503 and "retry-after" in health.headers
                write = c.post("/api/v1/twitches", json={"site": "left_thigh"})
                assert write.status_code == 503 and write.json()["errors"][0]["field"] == "db"
                page = c.get("/diary")
                assert page.status_code == 503 and "nothing was lost" in page.text
            finally:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    app.state.diary.close()


def _add(diary: Diary, n: int) -> list[int]:
    from datetime import UTC, datetime, timedelta

    base = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    # Several share a time, so the cursor must order by id within one instant too.
    return [diary.add_twitch("left_thigh", base + timedelta(minutes=i // 3)).id for i in range(n)]


def test_twitches_come_in_pages_with_a_cursor(client: TestClient, diary: Diary) -> None:
    """Before: every episode in one answer (a million rows: 58 s and 2 GB)."""
    ids = _add(diary, 25)
    seen: list[int] = []
    url = "/api/v1/twitches?limit=10"
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen += [t["id"] for t in response.json()]
        pages += 1
        link = response.headers.get("link")
        url = link.split(">")[0].lstrip("<") if link else ""
        if link:
            assert response.headers["x-next-cursor"] in link
    assert seen == ids and pages == 3
    assert len(client.get("/api/v1/twitches").json()) == 25  # the default page holds them


@pytest.mark.parametrize("query", ["limit=5001", "limit=0", "after=not-a-cursor"])
def test_page_size_is_capped_and_cursors_are_checked(client: TestClient, query: str) -> None:
    response = client.get(f"/api/v1/twitches?{query}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in ("limit", "after")


def test_the_csv_export_streams_in_bounded_pages(
    client: TestClient, diary: Diary, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _add(diary, 2500)
    limits: list[int] = []
    original = Diary.twitch_page

    def counted(self: Diary, *args: Any, **kwargs: Any) -> Any:
        limits.append(kwargs["limit"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Diary, "twitch_page", counted)
    response = client.get("/api/v1/export/twitches.csv")
    assert response.status_code == 200
    assert len(response.text.strip().splitlines()) == len(ids) + 1
    assert len(limits) == 3 and max(limits) == 1000


def test_import_errors_name_the_chosen_file_not_the_upload_copy(
    client: TestClient, csrf: Callable[[str], str], tmp_path: Path
) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("export.xml", b'<?xml version="1.0"?>\n<HealthData>\n <Record type="x"')
    response = client.post(
        "/import",
        data={"csrf_token": csrf("/import")},
        files={"export": ("my-export.zip", buffer.getvalue(), "application/zip")},
    )
    assert response.status_code == 422
    assert "my-export.zip" in response.text
    assert not re.search(r"import-\d+-", response.text)  # the private copy's name


def test_the_experiment_form_refuses_a_start_in_year_one(
    client: TestClient, csrf: Callable[[str], str], diary: Diary
) -> None:
    """The API refused it; the form took it."""
    data = {"factor": "caffeine", "design": "ABAB", "phase_days": "7", "start": "0001-01-01"}
    response = client.post("/experiment/start", data={**data, "csrf_token": csrf("/experiment")})
    assert response.status_code == 422 and "within 365 days of today" in response.text
    assert diary.list_experiments() == []


def test_a_new_sqlite_diary_file_is_private(tmp_path: Path) -> None:
    db = tmp_path / "elsewhere" / "my.db"
    db.parent.mkdir()
    with Diary.open(f"sqlite:///{db}") as opened:
        opened.add_twitch("left_thigh")
    assert db.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(
    "body",
    [
        b'--B\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\nx\r\n--Bxx garbage',
        b"no boundary at all",
        b'--B\r\nContent-Disposition: form-data; name="x"\r\n\r\n' + b"y" * 10_000 + b"\r\n--B--",
    ],
)
def test_a_malformed_upload_is_a_4xx_without_a_file(app: FastAPI, body: bytes) -> None:
    before = _uploads()
    headers = {"content-type": "multipart/form-data; boundary=B"}
    status, _, _ = drive(app, "POST", "/import", headers, [body])
    assert 400 <= status < 500
    assert _uploads() == before
