"""The daily check-in: a bad value is refused next to its field and nothing typed is lost."""

from __future__ import annotations

import re
import urllib.error
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from .conftest import LiveServer


def stored_checkin(server: LiveServer, day: date) -> dict[str, object] | None:
    try:
        found = server.get_json(f"/api/v1/checkins/{day.isoformat()}")
    except urllib.error.HTTPError as err:
        assert err.code == 404
        return None
    assert isinstance(found, dict)
    return found


def fill_day(page: Page, day: date, sleep: str) -> None:
    page.goto("/checkin")
    page.get_by_label("Day", exact=True).fill(day.isoformat())
    page.get_by_label("Hours slept last night", exact=True).fill(sleep)
    page.get_by_label("Stress today, 0 to 10", exact=True).fill("4")
    page.get_by_label("Brewed coffee", exact=True).fill("2")
    page.get_by_role("button", name="Save check-in").click()


def assert_sleep_refused_next_to_the_field(page: Page, server: LiveServer, day: date) -> None:
    sleep = page.get_by_label("Hours slept last night", exact=True)
    expect(sleep).to_have_attribute("aria-invalid", "true")
    error = page.locator(".field", has=sleep).locator(".error-text")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile(r"24|hours|sleep", re.IGNORECASE))
    # The message is tied to the input, so a screen reader reads it with the field.
    expect(sleep).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_attribute("href", "#sleep_hours")
    # Nothing typed is lost, and nothing half-valid was saved.
    expect(sleep).to_have_value("30")
    expect(page.get_by_label("Stress today, 0 to 10", exact=True)).to_have_value("4")
    expect(page.get_by_label("Brewed coffee", exact=True)).to_have_value("2")
    assert stored_checkin(server, day) is None


def test_thirty_hours_of_sleep_is_refused_next_to_the_field(
    page: Page, live_server: LiveServer
) -> None:
    day = date.today() - timedelta(days=40)
    fill_day(page, day, "30")  # the form is novalidate: the server is the judge
    assert_sleep_refused_next_to_the_field(page, live_server, day)

    page.get_by_label("Hours slept last night", exact=True).fill("7.5")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    saved = stored_checkin(live_server, day)
    assert saved is not None
    assert (saved["sleep_hours"], saved["stress_level"]) == (7.5, 4)
    per_cup = float(
        page.get_by_label("Brewed coffee", exact=True).get_attribute("data-caffeine-mg") or 0
    )
    assert per_cup > 50
    assert saved["caffeine_mg"] == 2 * per_cup, "caffeine is counted from the drinks"


def test_a_bad_value_is_refused_without_javascript_too(
    nojs_page: Page, live_server: LiveServer
) -> None:
    day = date.today() - timedelta(days=41)
    fill_day(nojs_page, day, "30")
    assert_sleep_refused_next_to_the_field(nojs_page, live_server, day)
