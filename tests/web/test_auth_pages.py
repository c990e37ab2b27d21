"""The sign-in page, signing out, the Account page and the tokens API (accounts on)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from twitchwise.accounts import Accounts, Person
from twitchwise.accounts._accounts import FAILURES_PER_EMAIL, digest
from twitchwise.diary._models import AccessTokenRow, SessionRow
from twitchwise.web._auth import SECURE_SESSION_COOKIE, SESSION_COOKIE

from .conftest import PASSWORD_A, PASSWORD_B, TOKEN, bearer, browser_of

NOT_A_MATCH = "That email and password do not match an account."


def form_token(client: TestClient, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = TOKEN.search(page.text)
    assert found, f"{path} carries no CSRF token"
    return found.group(1)


def sign_in(
    client: TestClient, email: str, password: str, next_path: str = "/", form_page: str = "/sign-in"
) -> object:  # an httpx-like response
    token = form_token(client, form_page)
    data = {"csrf_token": token, "email": email, "password": password, "next": next_path}
    return client.post("/sign-in", data=data)


def set_cookies(response: object) -> list[str]:
    headers = response.headers  # type: ignore[attr-defined]
    return list(headers.get_list("set-cookie"))


@pytest.fixture
def https_browser(accounts_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(accounts_app, base_url="https://127.0.0.1", follow_redirects=False) as c:
        yield c


# -- the sign-in page --------------------------------------------------------------------------


def test_the_sign_in_page_has_a_protected_form_and_no_navigation(anonymous: TestClient) -> None:
    page = anonymous.get("/sign-in")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text and 'autocomplete="current-password"' in page.text
    assert 'aria-label="Main"' not in page.text
    refused = anonymous.post("/sign-in", data={"email": "a@example.org", "password": PASSWORD_A})
    assert refused.status_code == 403


def test_signing_in_opens_the_diary_with_a_strict_cookie(
    anonymous: TestClient, people: tuple[Person, Person]
) -> None:
    response = sign_in(anonymous, "A@Example.org ", PASSWORD_A, "/diary?start=2026-01-01")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert response.headers["location"] == "/diary?start=2026-01-01"  # type: ignore[attr-defined]
    (session,) = [c for c in set_cookies(response) if c.startswith(SESSION_COOKIE + "=")]
    attributes = {part.strip().split("=")[0].lower() for part in session.split(";")[1:]}
    assert {"httponly", "path", "samesite", "max-age"} <= attributes
    assert "samesite=lax" in session.lower() and "path=/" in session.lower()
    assert "secure" not in attributes  # plain http on loopback
    assert anonymous.get("/diary").status_code == 200
    account = anonymous.get("/account")
    assert "a@example.org" in account.text and 'href="/account"' in account.text


def test_unknown_email_and_wrong_password_get_the_same_answer(
    anonymous: TestClient, people: tuple[Person, Person]
) -> None:
    unknown = sign_in(anonymous, "nobody@example.org", PASSWORD_A)
    wrong = sign_in(anonymous, "a@example.org", PASSWORD_B)
    for response in (unknown, wrong):
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert NOT_A_MATCH in response.text  # type: ignore[attr-defined]
        assert SESSION_COOKIE not in " ".join(set_cookies(response))

    def words(response: object) -> str:
        text = re.sub(r'value="[^"]*"', "", response.text)  # type: ignore[attr-defined]
        return re.sub(r"\s+", " ", text)

    assert words(unknown) == words(wrong)


def test_too_many_failures_are_refused_with_429_and_retry_after(
    anonymous: TestClient, people: tuple[Person, Person]
) -> None:
    for _ in range(FAILURES_PER_EMAIL):
        assert sign_in(anonymous, "a@example.org", "wrong password here").status_code == 400  # type: ignore[attr-defined]
    refused = sign_in(anonymous, "a@example.org", PASSWORD_A)  # even the right password now
    assert refused.status_code == 429  # type: ignore[attr-defined]
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60  # type: ignore[attr-defined]
    assert "too many failed attempts" in refused.text  # type: ignore[attr-defined]
    assert anonymous.get("/diary").status_code == 303
    # The other account is not locked by attempts on this one.
    assert sign_in(anonymous, "b@example.org", PASSWORD_B).status_code == 303  # type: ignore[attr-defined]


def test_a_sign_in_gets_a_new_session_id_never_a_planted_one(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with browser_of(accounts_app, accounts, people[1]) as browser:
        planted = browser.cookies[SESSION_COOKIE]  # e.g. B's, set in A's browser by B
        response = sign_in(browser, "a@example.org", PASSWORD_A, form_page="/account")
        new = browser.cookies[SESSION_COOKIE]
        assert new != planted
        assert response.headers["location"] == "/"  # type: ignore[attr-defined]
        assert accounts.session_person(planted) is None  # the old one is ended
        signed = accounts.session_person(new)
        assert signed is not None and signed.person.id == people[0].id
        csrf = [c for c in set_cookies(response) if c.startswith("twitchwise_csrf=")]
        assert csrf, "the CSRF cookie is renewed at sign-in"


def test_on_https_the_cookies_are_secure_and_host_prefixed(
    https_browser: TestClient, people: tuple[Person, Person]
) -> None:
    first = https_browser.get("/sign-in")
    (csrf,) = [c for c in set_cookies(first) if c.startswith("twitchwise_csrf=")]
    assert "; secure" in csrf.lower()
    response = sign_in(https_browser, "a@example.org", PASSWORD_A)
    (session,) = [c for c in set_cookies(response) if "twitchwise_session=" in c]
    assert session.startswith(SECURE_SESSION_COOKIE + "=")
    lowered = session.lower()
    assert "; secure" in lowered and "; httponly" in lowered and "path=/" in lowered
    assert "domain=" not in lowered
    assert https_browser.get("/diary").status_code == 200
    # The plain name is not read on https (it could have been planted over plain http).
    token = https_browser.cookies[SECURE_SESSION_COOKIE]
    https_browser.cookies.clear()
    https_browser.cookies.set(SESSION_COOKIE, token)
    assert https_browser.get("/diary").status_code == 303


def test_next_never_leaves_the_site(anonymous: TestClient, people: tuple[Person, Person]) -> None:
    response = sign_in(anonymous, "a@example.org", PASSWORD_A, "//evil.example/steal")
    assert response.headers["location"] == "/"  # type: ignore[attr-defined]


def test_a_signed_in_browser_skips_the_sign_in_page(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with browser_of(accounts_app, accounts, people[0]) as browser:
        response = browser.get("/sign-in?next=/diary")
        assert (response.status_code, response.headers["location"]) == (303, "/diary")


def test_signing_out_ends_the_session_and_clears_offline_copies(
    anonymous: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    sign_in(anonymous, "a@example.org", PASSWORD_A)
    cookie = anonymous.cookies[SESSION_COOKIE]
    token = form_token(anonymous, "/account")
    assert anonymous.post("/sign-out").status_code == 403  # no CSRF token: not signed out
    response = anonymous.post("/sign-out", data={"csrf_token": token})
    assert (response.status_code, response.headers["location"]) == (303, "/sign-in?signed_out=1")
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    assert accounts.session_person(cookie) is None
    anonymous.cookies.set(SESSION_COOKIE, cookie)  # even if the browser kept it
    assert anonymous.get("/diary").status_code == 303


# -- the Account page --------------------------------------------------------------------------


@pytest.fixture
def browser_a(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> Iterator[TestClient]:
    with browser_of(accounts_app, accounts, people[0]) as browser:
        yield browser


def post_form(client: TestClient, path: str, **data: str) -> object:
    return client.post(path, data={"csrf_token": form_token(client, "/account"), **data})


def test_changing_the_password_ends_the_other_sessions(
    browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    other = accounts.start_session(people[0].id)
    new = "seven green lanterns"
    wrong = post_form(
        browser_a,
        "/account/password",
        current_password="not my password at all",
        new_password=new,
        new_password_again=new,
    )
    assert wrong.status_code == 422 and "not your current password" in wrong.text  # type: ignore[attr-defined]
    short = post_form(
        browser_a,
        "/account/password",
        current_password=PASSWORD_A,
        new_password="short",
        new_password_again="short",
    )
    assert short.status_code == 422 and "at least 12 characters" in short.text  # type: ignore[attr-defined]
    done = post_form(
        browser_a,
        "/account/password",
        current_password=PASSWORD_A,
        new_password=new,
        new_password_again=new,
    )
    assert done.headers["location"] == "/account?done=password"  # type: ignore[attr-defined]
    assert accounts.session_person(other) is None
    assert browser_a.get("/account").status_code == 200  # this browser stays signed in
    assert accounts.sign_in("a@example.org", new).id == people[0].id


def test_sign_out_everywhere_ends_every_session(
    browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    other = accounts.start_session(people[0].id)
    theirs = accounts.start_session(people[1].id)
    response = post_form(browser_a, "/account/sign-out-everywhere")
    assert response.status_code == 303  # type: ignore[attr-defined]
    assert accounts.session_person(other) is None
    assert browser_a.get("/account").status_code == 303
    assert accounts.session_person(theirs) is not None  # nobody else is signed out


def test_the_account_page_lists_signed_in_browsers_and_signs_one_out(
    browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    other = accounts.start_session(people[0].id, user_agent="Old tablet browser")
    page = browser_a.get("/account").text
    assert "Old tablet browser" in page and "(this browser)" in page
    handle = digest(other)[:16]
    assert f"/account/sessions/{handle}/sign-out" in page
    theirs = digest(accounts.start_session(people[1].id))[:16]
    assert post_form(browser_a, f"/account/sessions/{theirs}/sign-out").status_code == 404  # type: ignore[attr-defined]
    done = post_form(browser_a, f"/account/sessions/{handle}/sign-out")
    assert done.headers["location"] == "/account?done=browser"  # type: ignore[attr-defined]
    assert accounts.session_person(other) is None
    assert browser_a.get("/account").status_code == 200


def test_a_token_is_shown_once_listed_by_hint_and_revocable(
    browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    made = post_form(browser_a, "/account/tokens", name="Shortcut on my phone")
    assert made.status_code == 201  # type: ignore[attr-defined]
    secret = re.search(r'id="new-token" value="(tw_[^"]+)"', made.text)  # type: ignore[attr-defined]
    assert secret, "the new token is shown"
    assert browser_a.get("/api/v1/twitches", headers=bearer(secret.group(1))).status_code == 200
    page = browser_a.get("/account").text
    assert "Shortcut on my phone" in page and secret.group(1) not in page
    assert secret.group(1)[:10] in page  # the hint
    (token,) = accounts.tokens(people[0].id)
    assert token.last_used_at is not None
    revoked = post_form(browser_a, f"/account/tokens/{token.id}/revoke")
    assert revoked.headers["location"] == "/account?done=revoked"  # type: ignore[attr-defined]
    assert browser_a.get("/api/v1/twitches", headers=bearer(secret.group(1))).status_code == 401


def test_a_token_needs_a_name(browser_a: TestClient) -> None:
    response = post_form(browser_a, "/account/tokens", name="   ")
    assert response.status_code == 422 and "1 to 100 characters" in response.text  # type: ignore[attr-defined]


def test_another_persons_token_cannot_be_revoked_from_the_page(
    browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    theirs, secret = accounts.new_token(people[1].id, "theirs")
    response = post_form(browser_a, f"/account/tokens/{theirs.id}/revoke")
    assert response.status_code == 404  # type: ignore[attr-defined]
    assert accounts.token_person(secret) is not None


def test_the_backup_holds_only_the_signed_in_persons_diary(
    accounts_app: FastAPI, browser_a: TestClient, people: tuple[Person, Person]
) -> None:
    import io
    import zipfile

    diary = accounts_app.state.diary
    diary.for_person(people[0].id).add_twitch(site="left_thigh", note="mine to keep")
    diary.for_person(people[1].id).add_twitch(site="right_calf", note="not yours")
    assert 'href="/api/v1/backup"' in browser_a.get("/account").text
    backup = browser_a.get("/api/v1/backup")
    assert backup.status_code == 200
    with zipfile.ZipFile(io.BytesIO(backup.content)) as zipped:
        text = " ".join(zipped.read(n).decode("utf-8", "replace") for n in zipped.namelist())
    assert "mine to keep" in text and "not yours" not in text


def test_deleting_the_account_needs_the_email_and_password_and_removes_everything(
    accounts_app: FastAPI, browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    a, b = people
    diary = accounts_app.state.diary
    diary.for_person(a.id).add_twitch(site="left_thigh")
    diary.for_person(b.id).add_twitch(site="right_calf")
    accounts.new_token(a.id, "script")
    wrong_email = post_form(
        browser_a, "/account/delete", confirm_email="b@example.org", delete_password=PASSWORD_A
    )
    assert wrong_email.status_code == 422  # type: ignore[attr-defined]
    wrong_password = post_form(
        browser_a, "/account/delete", confirm_email="a@example.org", delete_password=PASSWORD_B
    )
    assert wrong_password.status_code == 422  # type: ignore[attr-defined]
    assert accounts.find("a@example.org") is not None
    done = post_form(
        browser_a, "/account/delete", confirm_email="a@example.org", delete_password=PASSWORD_A
    )
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert done.headers["clear-site-data"] == '"cache", "storage"'  # type: ignore[attr-defined]
    assert accounts.find("a@example.org") is None
    assert diary.for_person(a.id).list_twitches() == []
    assert [t.site for t in diary.for_person(b.id).list_twitches()] == ["right_calf"]
    with Session(accounts.engine) as session:
        assert session.scalars(select(SessionRow).where(SessionRow.person_id == a.id)).all() == []
        assert session.scalars(select(AccessTokenRow)).all() == []
    assert browser_a.get("/account").status_code == 303


# -- the tokens API ------------------------------------------------------------------------------


def test_tokens_api_creates_lists_and_revokes_own_tokens(
    browser_a: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    made = browser_a.post("/api/v1/tokens", json={"name": "laptop script"})
    assert made.status_code == 201, made.text
    body = made.json()
    secret, token_id = body["secret"], body["token"]["id"]
    assert secret.startswith("tw_") and body["token"]["hint"] == secret[:10]
    listed = browser_a.get("/api/v1/tokens", headers=bearer(secret)).json()
    assert [t["name"] for t in listed] == ["laptop script"] and "secret" not in listed[0]
    with Session(accounts.engine) as session:
        stored = session.scalars(select(AccessTokenRow.token_hash)).all()
    assert stored == [digest(secret)]  # only the hash is kept
    theirs, _ = accounts.new_token(people[1].id, "theirs")
    assert browser_a.delete(f"/api/v1/tokens/{theirs.id}").status_code == 404
    assert browser_a.delete(f"/api/v1/tokens/{token_id}", headers=bearer(secret)).status_code == 204
    assert browser_a.get("/api/v1/tokens", headers=bearer(secret)).status_code == 401
    assert browser_a.get("/api/v1/tokens").json() == []


def test_tokens_api_refuses_bad_names_and_non_json(browser_a: TestClient) -> None:
    bad = browser_a.post("/api/v1/tokens", json={"name": ""})
    assert bad.status_code == 422
    assert any(e["field"] == "name" for e in bad.json()["errors"])
    extra = browser_a.post("/api/v1/tokens", json={"name": "x", "admin": True})
    assert extra.status_code == 422
    forged = browser_a.post(
        "/api/v1/tokens", content=b'{"name": "x"}', headers={"Content-Type": "text/plain"}
    )
    assert forged.status_code == 415


def test_tokens_api_needs_a_person(anonymous: TestClient) -> None:
    assert anonymous.get("/api/v1/tokens").status_code == 401


def test_tokens_api_is_not_there_without_accounts(client: TestClient) -> None:
    assert client.get("/api/v1/tokens").status_code == 404
