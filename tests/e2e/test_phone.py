"""On a phone: no page scrolls sideways, and the thigh above the knee is easy to tap."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import LiveServer, PageProblems, assert_accessible
from .test_pages import PAGES

PHONE = {"width": 390, "height": 844}  # a common phone, in CSS pixels
MIN_TARGET = 44  # CSS px: WCAG 2.5.5 target size, and Apple's and Android's guidance


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    problems = PageProblems(live_server.url)
    yield problems.watch(context.new_page())
    context.close()
    problems.assert_none()


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/docs/interactive"])
def test_no_page_scrolls_sideways_on_a_phone(phone: Page, path: str) -> None:
    phone.goto(path)
    phone.wait_for_load_state("networkidle")
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{path} is {overflow}px wider than a {PHONE['width']}px phone"


def test_the_left_thigh_is_easy_to_tap_and_logs_a_twitch(phone: Page) -> None:
    phone.goto("/log")
    region = phone.get_by_role("link", name=re.compile(r"^Left thigh \(front, above the knee\)"))
    box = region.bounding_box()
    assert box is not None
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, f"thigh target is {box}"
    region.tap()
    expect(phone.get_by_role("status")).to_contain_text("in the left thigh")


@pytest.mark.parametrize("site", ["right_thigh", "left_hamstring", "right_hamstring"])
def test_the_other_thighs_are_easy_to_tap_too(phone: Page, site: str) -> None:
    phone.goto("/log")
    box = phone.locator(f'[data-site="{site}"]').bounding_box()
    assert box is not None
    assert box["width"] >= MIN_TARGET and box["height"] >= MIN_TARGET, f"{site} target is {box}"


@pytest.fixture
def phone_axe(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A phone page whose context bypasses CSP, only so axe-core can be injected."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
        bypass_csp=True,
    )
    yield context.new_page()
    context.close()


def test_a_busy_diary_fits_a_phone_and_passes_axe_there(phone_axe: Page) -> None:
    note = "after a long run, three coffees and not much sleep"
    for site in ("left_hamstring", "right_upper_arm", "left_thigh"):
        response = phone_axe.request.post(
            "/api/v1/twitches", data={"site": site, "count": 12, "intensity": 3, "note": note}
        )
        assert response.status == 201, response.text()
    for path in ("/diary", "/log", "/docs"):
        phone_axe.goto(path)
        overflow = phone_axe.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than a {PHONE['width']}px phone"
        assert_accessible(phone_axe)
        if path == "/diary":
            expect(phone_axe.get_by_text(note).first).to_be_visible()
