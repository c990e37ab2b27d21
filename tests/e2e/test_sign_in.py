"""Accounts on, in real Chromium: sign in, log a twitch, sign out and be shut out; the wrong
password's message; a token made on the Account page works with the API; and the sign-in and
Account pages pass axe-core on a phone and on a desktop."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from twitchwise.accounts import Accounts
from twitchwise.diary import Diary

from .conftest import LiveServer, PageProblems, assert_accessible, start_server, stop_server

PASSWORD = "a quiet harbour at dawn"
PEOPLE = [
    "ann@example.org",
    "ben@example.org",
    "cat@example.org",
    "dan@example.org",
    "eve@example.org",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def accounts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("accounts-server")
    accounts = Accounts.open(f"sqlite:///{folder / 'diary.db'}")
    for email in PEOPLE:
        accounts.add_person(email, PASSWORD)
    accounts.close()
    server = start_server(folder, env={"TWITCHWISE_ACCOUNTS": "true"})
    yield server
    stop_server(server)


@pytest.fixture
def page(browser: Browser, accounts_server: LiveServer) -> Iterator[Page]:
    """A fresh browser (own cookies) on the accounts server; fails on console or CSP errors."""
    context = browser.new_context(base_url=accounts_server.url, locale="en-GB")
    problems = PageProblems(accounts_server.url)
    page = problems.watch(context.new_page())
    yield page
    context.close()
    problems.assert_none()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def api_get(server: LiveServer, path: str, token: str) -> tuple[int, object]:
    request = urllib.request.Request(
        server.url + path, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_sign_in_log_a_twitch_sign_out_and_be_shut_out(
    page: Page, accounts_server: LiveServer
) -> None:
    page.goto("/log")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/log$"))
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    sign_in(page, PEOPLE[0])
    expect(page).to_have_url(re.compile(r"/log$"))
    page.locator("[data-quick-site=eyelid]").click()
    expect(page.locator("#log-status")).to_contain_text("eyelid")
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_text(f"Signed in as {PEOPLE[0]}")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    for path in ("/diary", "/log", "/account"):
        page.goto(path)
        expect(page).to_have_url(re.compile(rf"/sign-in\?next={re.escape(path)}$"))
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    with Diary.open(f"sqlite:///{accounts_server.db_path}") as diary:
        ann = diary.for_person(1).list_twitches()
        ben = diary.for_person(2).list_twitches()
    assert [t.site for t in ann] == ["eyelid"] and ben == []


def test_signing_in_and_out_works_without_javascript(
    browser: Browser, accounts_server: LiveServer
) -> None:
    context = browser.new_context(
        base_url=accounts_server.url, locale="en-GB", java_script_enabled=False
    )
    problems = PageProblems(accounts_server.url)
    page = problems.watch(context.new_page())
    try:
        page.goto("/checkin")
        sign_in(page, PEOPLE[1])
        expect(page).to_have_url(re.compile(r"/checkin$"))
        expect(page.get_by_role("button", name="Sign in with a passkey")).to_have_count(0)
        page.goto("/account")
        expect(page.get_by_role("button", name="Copy token")).to_be_hidden()
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out", exact=True).click()
        page.goto("/checkin")
        expect(page).to_have_url(re.compile(r"/sign-in\?next=/checkin$"))
    finally:
        context.close()
    problems.assert_none()


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(page: Page) -> None:
    page.goto("/sign-in")
    sign_in(page, PEOPLE[1], "not the right password")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("That email and password do not match an account.")
    wrong = alert.inner_text()
    sign_in(page, "nobody-here@example.org", "not the right password")
    expect(page.get_by_role("alert")).to_have_text(wrong)
    expect(page).to_have_url(re.compile(r"/sign-in$"))


def test_a_token_made_on_the_account_page_works_with_the_api(
    browser: Browser, accounts_server: LiveServer
) -> None:
    context = browser.new_context(base_url=accounts_server.url, locale="en-GB")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=accounts_server.url)
    problems = PageProblems(accounts_server.url)
    page = problems.watch(context.new_page())
    try:
        page.goto("/account")
        sign_in(page, PEOPLE[2])
        page.get_by_label("Name of a new token").fill("Shortcut on my phone")
        with page.expect_navigation():
            page.get_by_role("button", name="Create token").click()
        secret = page.get_by_label("Token", exact=True).input_value()
        assert secret.startswith("tw_")
        page.get_by_role("button", name="Copy token").click()
        expect(page.get_by_text("Copied.")).to_be_visible()
        assert page.evaluate("navigator.clipboard.readText()") == secret
        status, body = api_get(accounts_server, "/api/v1/tokens", secret)
        assert status == 200 and [t["name"] for t in body] == ["Shortcut on my phone"]  # type: ignore[union-attr]
        page.goto("/account")
        expect(page.get_by_role("row", name=re.compile("Shortcut on my phone"))).to_be_visible()
        assert secret not in page.content()
        with page.expect_navigation():
            page.get_by_role("button", name="Revoke Shortcut on my phone").click()
        assert api_get(accounts_server, "/api/v1/twitches", secret)[0] == 401
    finally:
        context.close()
    problems.assert_none()


VIRTUAL_AUTHENTICATOR = {
    "protocol": "ctap2",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


def test_a_passkey_added_on_the_account_page_signs_in(
    browser: Browser, accounts_server: LiveServer
) -> None:
    """A virtual authenticator (Chrome DevTools Protocol) stands in for a phone's passkey.
    Passkeys need a host name, so this browser opens the app as localhost."""
    url = accounts_server.url.replace("127.0.0.1", "localhost")
    context = browser.new_context(base_url=url, locale="en-GB")
    problems = PageProblems(url)
    page = problems.watch(context.new_page())
    try:
        cdp = context.new_cdp_session(page)
        cdp.send("WebAuthn.enable")
        added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": VIRTUAL_AUTHENTICATOR})
        page.goto("/account")
        sign_in(page, PEOPLE[4])
        page.get_by_label("Name of the new passkey").fill("test phone")
        with page.expect_navigation():
            page.get_by_role("button", name="Add a passkey").click()
        expect(page.get_by_text("Your passkey is added")).to_be_visible()
        expect(page.get_by_text("test phone", exact=True)).to_be_visible()
        credentials = cdp.send(
            "WebAuthn.getCredentials", {"authenticatorId": added["authenticatorId"]}
        )
        assert (
            len(credentials["credentials"]) == 1
            and credentials["credentials"][0]["isResidentCredential"]
        )
        with page.expect_navigation():
            page.get_by_role("button", name="Sign out", exact=True).click()
        page.goto("/diary")
        expect(page).to_have_url(re.compile(r"/sign-in\?next=/diary$"))
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in with a passkey").click()
        expect(page).to_have_url(re.compile(r"/diary$"))
        page.goto("/account")
        expect(page.get_by_text(f"Signed in as {PEOPLE[4]}")).to_be_visible()
        expect(page.get_by_text(re.compile(r"^added .*; last used .*UTC"))).to_be_visible()
        with page.expect_navigation():
            page.get_by_role("button", name="Remove passkey test phone").click()
        expect(page.get_by_text("The passkey is removed")).to_be_visible()
    finally:
        context.close()
    problems.assert_none()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sign_in_and_account_pages_pass_axe(
    browser: Browser, accounts_server: LiveServer, tmp_path: Path, viewport: dict[str, int]
) -> None:
    context = browser.new_context(  # as localhost: the passkey form shows too
        base_url=accounts_server.url.replace("127.0.0.1", "localhost"),
        locale="en-GB",
        bypass_csp=True,
        viewport=viewport,
    )
    page = context.new_page()
    try:
        page.goto("/sign-in")
        assert_accessible(page)
        sign_in(page, "nobody-here@example.org", "not the right password")
        assert_accessible(page)  # with the error
        sign_in(page, PEOPLE[3])
        page.goto("/account")
        expect(page.get_by_role("button", name="Add a passkey")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Name of a new token").fill(" ")
        with page.expect_navigation():
            page.get_by_role("button", name="Create token").click()  # a blank name: an error
        expect(page.get_by_role("alert")).to_contain_text("1 to 100 characters")
        assert_accessible(page)
        page.get_by_label("Name of a new token").fill("axe check")
        with page.expect_navigation():
            page.get_by_role("button", name="Create token").click()
        assert_accessible(page)  # the token shown once, and the list
        page.get_by_label("Current password").fill("not my password at all")
        page.get_by_label("New password", exact=True).fill("short")
        page.get_by_label("New password again").fill("short")
        with page.expect_navigation():
            page.get_by_role("button", name="Change password").click()
        assert_accessible(page)  # the password errors
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the Account page is {overflow}px too wide"
    finally:
        context.close()
