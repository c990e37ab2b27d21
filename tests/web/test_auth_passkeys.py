"""Passkey routes' refusals (the whole ceremony runs in Chromium with a virtual authenticator:
tests/e2e/test_sign_in.py::test_a_passkey_added_on_the_account_page_signs_in)."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from twitchwise.accounts import AccountError, Accounts, Passkeys, Person
from twitchwise.web._auth import SESSION_COOKIE
from twitchwise.web.pages.passkeys import CHALLENGE_COOKIE

from .conftest import TOKEN, browser_of


@pytest.fixture
def named(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> Iterator[TestClient]:
    """Person A's browser, opening the app as `localhost` (passkeys need a host name)."""
    with TestClient(accounts_app, base_url="http://localhost", follow_redirects=False) as client:
        cookie = accounts.start_session(people[0].id)
        client.cookies.set(SESSION_COOKIE, cookie)
        yield client


def csrf_header(client: TestClient, path: str) -> dict[str, str]:
    found = TOKEN.search(client.get(path).text)
    assert found
    return {"X-CSRF-Token": found.group(1)}


def test_registration_options_name_the_site_and_set_a_signed_challenge(
    named: TestClient, people: tuple[Person, Person]
) -> None:
    response = named.post("/account/passkeys/options", headers=csrf_header(named, "/account"))
    assert response.status_code == 200, response.text
    options = response.json()
    assert options["rp"]["id"] == "localhost" and options["user"]["name"] == "a@example.org"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith(CHALLENGE_COOKIE)]
    assert cookie and "httponly" in cookie[0].lower() and "samesite=strict" in cookie[0].lower()
    challenge = base64.urlsafe_b64decode(options["challenge"] + "==")
    assert len(challenge) >= 16


def test_passkey_posts_need_the_csrf_token(named: TestClient) -> None:
    assert named.post("/account/passkeys/options").status_code == 403
    assert named.post("/sign-in/passkey/options").status_code == 403


def test_a_forged_or_missing_challenge_is_refused(named: TestClient) -> None:
    headers = csrf_header(named, "/account")
    credential = {"credential": {"id": "x", "rawId": "x", "type": "public-key"}, "name": "n"}
    assert named.post("/account/passkeys", json=credential, headers=headers).status_code == 400
    named.cookies.set(CHALLENGE_COOKIE, "register:1|9999999999|AAAA|0000")
    assert named.post("/account/passkeys", json=credential, headers=headers).status_code == 400


def test_a_bad_credential_is_refused_and_nothing_is_stored(
    named: TestClient, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    headers = csrf_header(named, "/account")
    named.post("/account/passkeys/options", headers=headers)
    bad = {
        "name": "phone",
        "credential": {
            "id": "AAAA",
            "rawId": "AAAA",
            "type": "public-key",
            "response": {"clientDataJSON": "e30", "attestationObject": "oA"},
        },
    }
    response = named.post("/account/passkeys", json=bad, headers=headers)
    assert response.status_code == 400
    assert "could not be checked" in response.json()["detail"]
    assert Passkeys(accounts).list(people[0].id) == []
    again = named.post("/account/passkeys", json=bad, headers=headers)  # the challenge is used up
    assert again.status_code == 400 and "Start again" in again.json()["detail"]


def test_signing_in_with_an_unknown_passkey_is_refused(named: TestClient) -> None:
    named.cookies.clear()
    headers = csrf_header(named, "/sign-in")
    options = named.post("/sign-in/passkey/options", headers=headers)
    assert options.status_code == 200 and options.json()["rpId"] == "localhost"
    unknown = {"credential": {"id": "AAAA", "rawId": "AAAA", "type": "public-key"}}
    response = named.post("/sign-in/passkey", json=unknown, headers=headers)
    assert response.status_code == 400
    assert "twitchwise_session" not in " ".join(response.headers.get_list("set-cookie"))


def test_passkeys_are_not_offered_on_an_ip_address(
    accounts_app: FastAPI, accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with browser_of(accounts_app, accounts, people[0]) as client:  # http://127.0.0.1
        page = client.get("/account").text
        assert 'id="passkey-add"' not in page and "not by an IP address" in page
        headers = csrf_header(client, "/account")
        assert client.post("/account/passkeys/options", headers=headers).status_code == 409


def test_another_persons_passkey_cannot_be_removed(
    accounts: Accounts, people: tuple[Person, Person]
) -> None:
    with pytest.raises(AccountError):
        Passkeys(accounts).remove(people[0].id, 1)
