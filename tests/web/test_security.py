"""Security: headers on every response, CSRF on every form, loopback-only Host names."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from twitchwise.settings import Settings
from twitchwise.web import create_app
from twitchwise.web._security import CsrfSigner, load_secret

PATHS = ["/", "/log", "/api/v1/health", "/openapi.json", "/static/app.css", "/no-such-page"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "camera=()" in headers["permissions-policy"]


def test_pages_hold_no_inline_scripts_or_styles(client: TestClient) -> None:
    for path in ["/", "/log", "/log?site=left_thigh"]:
        html = client.get(path).text
        assert "<script>" not in html and "<style" not in html and " style=" not in html
        assert "onclick" not in html.lower()


def test_a_form_post_without_the_token_is_refused(client: TestClient, diary) -> None:  # type: ignore[no-untyped-def]
    client.get("/log")
    response = client.post("/log", data={"site": "left_thigh"})
    assert response.status_code == 403
    assert "could not be verified" in response.text
    assert diary.list_twitches() == []


def test_a_token_from_another_browser_is_refused(
    app,
    client: TestClient,
    csrf: Callable[[str], str],  # type: ignore[no-untyped-def]
) -> None:
    other = TestClient(app, base_url="http://127.0.0.1")
    stolen = TOKEN_OF(other)
    response = client.post("/log", data={"site": "left_thigh", "csrf_token": stolen})
    assert response.status_code == 403
    assert (
        client.post(
            "/log", data={"site": "left_thigh", "csrf_token": csrf("/log")}, follow_redirects=False
        ).status_code
        == 303
    )


def TOKEN_OF(client: TestClient) -> str:
    from .conftest import TOKEN

    found = TOKEN.search(client.get("/log").text)
    assert found
    return found.group(1)


def test_the_csrf_cookie_is_http_only_and_same_site_strict(client: TestClient) -> None:
    cookie = client.get("/").headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie


def test_a_foreign_host_header_is_refused(client: TestClient) -> None:
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not reach the diary."""
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200


def test_the_secret_is_created_once_private_and_reused(tmp_path: Path) -> None:
    first = load_secret(tmp_path)
    assert len(first) == 32
    assert (tmp_path / "web-secret.key").stat().st_mode & 0o077 == 0
    assert load_secret(tmp_path) == first
    signer = CsrfSigner(first)
    assert signer.is_valid("abc", signer.token_for("abc"))
    assert not signer.is_valid("abc", CsrfSigner(b"other").token_for("abc"))
    assert not signer.is_valid(None, signer.token_for("abc"))


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.2", "::"])
def test_serving_beyond_loopback_keeps_the_host_check(tmp_path: Path, host: str) -> None:
    """DNS rebinding works against any listening address: evil.example is refused in every mode."""
    app = create_app(Settings(db="sqlite://", host=host), secret_dir=tmp_path)
    with TestClient(app) as c:
        assert c.get("/api/v1/twitches", headers={"Host": "evil.example"}).status_code == 400
        assert c.get("/api/v1/health", headers={"Host": "localhost"}).status_code == 200
        if host == "127.0.0.2":  # the address it listens on is a name only the person uses
            assert c.get("/api/v1/health", headers={"Host": "127.0.0.2:8000"}).status_code == 200


def test_allowed_hosts_are_the_only_other_names_answered(tmp_path: Path) -> None:
    settings = Settings(db="sqlite://", host="0.0.0.0", allowed_hosts=["diary.lan", "192.168.1.5"])
    app = create_app(settings, secret_dir=tmp_path)
    with TestClient(app) as c:
        assert c.get("/api/v1/health", headers={"Host": "192.168.1.5"}).status_code == 200
        assert c.get("/api/v1/health", headers={"Host": "DIARY.lan:8000"}).status_code == 200
        assert c.get("/api/v1/health", headers={"Host": "evil.example"}).status_code == 400
