"""Plan a self-experiment in the browser: a bad phase length is refused next to its field, a good
plan starts and shows what to do today, and it can be ended."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .conftest import assert_accessible


def test_plan_run_and_end_an_experiment(page: Page, axe_page: Page) -> None:
    page.goto("/experiment")
    plan = page.get_by_role("region", name="Plan a new experiment")
    plan.get_by_role("radio").first.check()
    chosen = plan.get_by_role("radio").first.get_attribute("value")
    days = plan.get_by_label("Days per phase", exact=True)
    days.fill("61")  # more than 60; the form is novalidate, the server judges
    plan.get_by_role("button", name="Start the experiment").click()

    days = page.get_by_label("Days per phase", exact=True)
    expect(days).to_have_attribute("aria-invalid", "true")
    error = page.locator(".field", has=days).locator(".error-text")
    expect(error).to_be_visible()
    expect(days).to_have_accessible_description(re.compile(re.escape(error.inner_text())))
    expect(days).to_have_value("61")
    expect(page.get_by_role("radio", checked=True)).to_have_attribute("value", chosen or "")

    days.fill("7")
    page.get_by_role("button", name="Start the experiment").click()
    running = page.get_by_role("region", name=re.compile(r"\(running\)$"))
    expect(running).to_be_visible()
    expect(page.get_by_role("region", name="Results so far").get_by_role("table")).to_be_visible()
    expect(page.get_by_role("region", name="Plan a new experiment")).to_have_count(0)

    axe_page.goto("/experiment")
    assert_accessible(axe_page)

    running.get_by_role("button", name="End this experiment").click()
    expect(page.get_by_role("region", name="Plan a new experiment")).to_be_visible()
