"""Signing in, in one place (`web/_auth.py`): with accounts on, every page and API route needs a
person (a session cookie, or a bearer token on the API), and the diary is only theirs."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from twitchwise.accounts import Accounts, Person
from twitchwise.diary._models import SessionRow
from twitchwise.web._auth import SESSION_COOKIE, safe_next, sign_in_url

from .conftest import bearer, browser_of


def log_twitch(client: TestClient, site: str, **headers: str) -> int:
    response = client.post("/api/v1/twitches", json={"site": site, "count": 2}, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def assert_401(response: Any, *, invalid_token: bool = False) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert ('error="invalid_token"' in response.headers["www-authenticate"]) is invalid_token
    body = response.json()
    assert body["status"] == 401 and body["detail"]


# -- accounts off: as before -----------------------------------------------------------------


def test_with_accounts_off_nobody_signs_in(client: TestClient, app: FastAPI) -> None:
    assert app.state.accounts is None
    assert client.get("/", follow_redirects=False).status_code == 200
    assert client.get("/api/v1/twitches").status_code == 200
    assert client.get("/sign-in").status_code == 404


# -- accounts on: who is asking ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/", "/sign-in"),
        ("/diary?start=2026-01-01", "/sign-in?next=/diary%3Fstart%3D2026-01-01"),
        ("/account", "/sign-in?next=/account"),
        ("/report.pdf", "/sign-in?next=/report.pdf"),
        ("/no-such-page", "/sign-in?next=/no-such-page"),
    ],
)
def test_a_page_without_a_session_redirects_to_sign_in(
    anonymous: TestClient, path: str, target: str
) -> None:
    response = anonymous.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == target


def test_a_form_post_without_a_session_is_not_carried_out(
    anonymous: TestClient, accounts_app: FastAPI, people: tuple[Person, Person]
) -> None:
    response = anonymous.post("/log", data={"site": "left_thigh"})
    assert (response.status_code, response.headers["location"]) == (303, "/sign-in")
    assert accounts_app.state.diary.for_person(people[0].id).list_twitches() == []


def test_htmx_is_told_to_load_the_sign_in_page(anonymous: TestClient) -> None:
    response = anonymous.get("/diary", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/sign-in"  # no page to come back to
    tapped = anonymous.post(
        "/log",
        data={"site": "left_thigh"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://127.0.0.1/log?site=calf"},
    )
    assert tapped.status_code == 401
    assert tapped.headers["hx-redirect"] == "/sign-in?next=/log%3Fsite%3Dcalf"
    elsewhere = anonymous.get(
        "/diary", headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example//x"}
    )
    assert elsewhere.headers["hx-redirect"] == "/sign-in"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/twitches"),
        ("GET", "/api/v1/backup"),
        ("GET", "/api/v1/insights"),
        ("POST", "/api/v1/twitches"),
        ("DELETE", "/api/v1/twitches/1"),
        ("GET", "/api/v1/no-such-route"),
    ],
)
def test_the_api_without_credentials_is_401_problem_json(
    anonymous: TestClient, method: str, path: str
) -> None:
    assert_401(anonymous.request(method, path, json={"site": "left_thigh"}))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/health",
        "/static/app.css",
        "/static/manifest.webmanifest",
        "/sw.js",
        "/docs",
        "/openapi.json",
    ],
)
def test_public_paths_need_no_sign_in(anonymous: TestClient, path: str) -> None:
    assert anonymous.get(path).status_code == 200


def test_a_token_reads_its_own_persons_data_only(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    a, b = people
    _, token_a = accounts.new_token(a.id, "phone")
    _, token_b = accounts.new_token(b.id, "laptop")
    with TestClient(accounts_app, base_url="http://127.0.0.1") as api:
        mine = log_twitch(api, "left_thigh", **bearer(token_a))
        theirs = log_twitch(api, "right_calf", **bearer(token_b))
        listed = api.get("/api/v1/twitches", headers=bearer(token_a)).json()
        assert [t["id"] for t in listed] == [mine]
        assert api.get(f"/api/v1/twitches/{theirs}", headers=bearer(token_a)).status_code == 404
        gone = api.delete(f"/api/v1/twitches/{theirs}", headers=bearer(token_a))
        assert gone.status_code == 404
        assert [t["id"] for t in api.get("/api/v1/twitches", headers=bearer(token_b)).json()] == [
            theirs
        ]
    diary = accounts_app.state.diary
    assert [t.site for t in diary.for_person(a.id).list_twitches()] == ["left_thigh"]
    assert [t.site for t in diary.for_person(b.id).list_twitches()] == ["right_calf"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tw_unknown-token-nobody-was-given",
        "Bearer not-even-our-prefix",
        "Bearer ",
        "Bearer tw_" + "x" * 300,
        "Basic YTpi",
        "tw_no-scheme-at-all",
    ],
)
def test_an_unknown_or_malformed_token_is_401(
    anonymous: TestClient, people: tuple[Person, Person], header: str
) -> None:
    assert_401(
        anonymous.get("/api/v1/twitches", headers={"Authorization": header}), invalid_token=True
    )


def test_a_revoked_token_is_401(
    anonymous: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    listed, secret = accounts.new_token(people[0].id, "script")
    assert anonymous.get("/api/v1/twitches", headers=bearer(secret)).status_code == 200
    accounts.revoke_token(people[0].id, listed.id)
    assert_401(anonymous.get("/api/v1/twitches", headers=bearer(secret)), invalid_token=True)


def test_a_bad_token_is_refused_even_beside_a_good_session_cookie(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with browser_of(accounts_app, accounts, people[0]) as browser:
        assert browser.get("/api/v1/twitches").status_code == 200
        refused = browser.get("/api/v1/twitches", headers=bearer("tw_wrong"))
        assert_401(refused, invalid_token=True)


def test_a_token_does_not_open_pages(
    anonymous: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    _, secret = accounts.new_token(people[0].id, "script")
    response = anonymous.get("/diary", headers=bearer(secret))
    assert response.status_code == 303


def test_a_session_shows_its_own_persons_pages(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    a, b = people
    diary = accounts_app.state.diary
    diary.for_person(a.id).add_twitch(site="left_thigh", note="note of A")
    diary.for_person(b.id).add_twitch(site="right_calf", note="note of B")
    with browser_of(accounts_app, accounts, b) as browser:
        page = browser.get("/diary")
        assert page.status_code == 200
        assert "note of B" in page.text and "note of A" not in page.text
        listed = browser.get("/api/v1/twitches").json()
        assert [t["note"] for t in listed] == ["note of B"]


def test_a_cookie_api_write_keeps_the_json_only_rule(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with browser_of(accounts_app, accounts, people[0]) as browser:
        forged = browser.post(
            "/api/v1/twitches",
            content=b'{"site": "left_thigh"}',
            headers={"Content-Type": "text/plain"},
        )
        assert forged.status_code == 415
        assert browser.post("/log", data={"site": "left_thigh"}).status_code == 403
    assert accounts_app.state.diary.for_person(people[0].id).list_twitches() == []


def _age_session(accounts: Accounts, **changes: object) -> None:
    with Session(accounts.engine) as session, session.begin():
        session.execute(update(SessionRow).values(**changes))


def test_an_idle_session_must_sign_in_again(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with browser_of(accounts_app, accounts, people[0]) as browser:
        assert browser.get("/diary").status_code == 200
        from twitchwise.accounts._accounts import utc_now

        _age_session(accounts, last_seen_at=utc_now() - timedelta(days=7, minutes=1))
        assert browser.get("/diary").status_code == 303
        assert_401(browser.get("/api/v1/twitches"))


def test_an_expired_session_must_sign_in_again(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    from twitchwise.accounts._accounts import utc_now

    with browser_of(accounts_app, accounts, people[0]) as browser:
        _age_session(accounts, expires_at=utc_now() - timedelta(seconds=1))
        assert browser.get("/diary").status_code == 303


def test_an_unknown_session_cookie_is_no_one(anonymous: TestClient) -> None:
    anonymous.cookies.set(SESSION_COOKIE, "made-up")
    assert anonymous.get("/").status_code == 303


# -- where a sign-in may send the browser next -------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/diary", "/diary"),
        ("/diary?start=2026-01-01&end=2026-02-01", "/diary?start=2026-01-01&end=2026-02-01"),
        (None, "/"),
        ("", "/"),
        ("diary", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/sign-in", "/"),
        ("/a\nSet-Cookie: x=1", "/"),
        ("/ok path", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_is_only_ever_a_path_on_this_site(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


def test_the_sign_in_url_quotes_its_next_path() -> None:
    assert sign_in_url("/diary?day=1&x=2") == "/sign-in?next=/diary%3Fday%3D1%26x%3D2"
    assert sign_in_url("//evil.example") == "/sign-in"


def test_the_openapi_document_says_how_to_sign_in(anonymous: TestClient) -> None:
    doc = anonymous.get("/openapi.json").json()
    assert set(doc["components"]["securitySchemes"]) == {"accessToken", "sessionCookie"}
    assert doc["components"]["securitySchemes"]["accessToken"]["scheme"] == "bearer"
    assert doc["paths"]["/api/v1/health"]["get"]["security"] == []
    refused = doc["paths"]["/api/v1/twitches"]["get"]["responses"]["401"]
    assert "application/problem+json" in refused["content"]


def test_accounts_that_cannot_be_read_are_a_503_not_a_crash(
    anonymous: TestClient, accounts: Accounts, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    def down(_token: object) -> None:
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(accounts, "session_person", down)
    anonymous.cookies.set(SESSION_COOKIE, "some-cookie")
    page = anonymous.get("/diary")
    assert page.status_code == 503 and page.headers["retry-after"]
    assert "not reachable" in page.text
    api = anonymous.get("/api/v1/twitches")
    assert api.status_code == 503 and api.headers["content-type"] == "application/problem+json"


def test_every_api_operation_but_health_needs_a_person(
    accounts_app: FastAPI, anonymous: TestClient
) -> None:
    """Default deny, checked over the whole OpenAPI document (new routes are covered too)."""
    doc = anonymous.get("/openapi.json").json()
    tried = 0
    for path, operations in doc["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            response = anonymous.request(method.upper(), url, json={})
            if path == "/api/v1/health":
                assert response.status_code == 200
                continue
            assert response.status_code == 401, f"{method.upper()} {path}: {response.status_code}"
            tried += 1
    assert tried >= 20
