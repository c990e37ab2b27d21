"""Import an Apple Health export through the browser: progress, a summary, and an unchanged
diary when the file is not an export."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

REPO = Path(__file__).resolve().parents[2]
EXPORT = REPO / "tests" / "data" / "apple-health" / "k0rventen-apple-health-grafana-test-export.zip"


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_an_apple_health_export_fills_the_diary(js: bool, page: Page, nojs_page: Page) -> None:
    browser_page = page if js else nojs_page
    browser_page.goto("/import")
    browser_page.get_by_label("Apple Health export (export.zip or export.xml)").set_input_files(
        EXPORT
    )
    browser_page.get_by_role("button", name="Import").click()
    done = browser_page.get_by_role("heading", name=f"Imported {EXPORT.name}")
    expect(done).to_be_visible(timeout=30_000)
    summary = browser_page.get_by_role("status").filter(has=done)
    expect(summary).to_contain_text("days filled")
    expect(summary.get_by_role("table")).to_contain_text("Sleep")  # a name, not "sleep hours"
    expect(summary.get_by_role("table")).not_to_contain_text("_")
    # The upload's own progress has done its job once there is an answer: no "Uploading: 100%".
    expect(browser_page.locator("#upload-progress-text")).to_have_text("")
    expect(browser_page.locator("#upload-progress")).to_be_hidden()


def test_a_file_that_is_not_an_export_changes_nothing(page: Page, tmp_path: Path) -> None:
    bogus = tmp_path / "export.xml"
    bogus.write_text("<html><body>not a health export</body></html>", encoding="utf-8")
    page.goto("/import")
    page.get_by_label("Apple Health export (export.zip or export.xml)").set_input_files(bogus)
    page.get_by_role("button", name="Import").click()
    alert = page.get_by_role("alert")
    expect(alert).to_be_visible(timeout=30_000)
    expect(alert).to_contain_text("Nothing was imported")
    expect(alert).to_contain_text("Your diary is unchanged")
    expect(page.locator("#upload-progress-text")).to_have_text("")


def test_importing_without_choosing_a_file_says_what_to_do(nojs_page: Page) -> None:
    nojs_page.goto("/import")
    nojs_page.get_by_role("button", name="Import").click()
    expect(nojs_page.get_by_role("alert")).to_contain_text("Choose your export.zip")
