"""The Report page in Chromium: accessible, prints only the report, fits a phone, gives the PDF."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import LiveServer, PageProblems, assert_accessible

URL = "/report?reason=Calf+twitching&question=Do+I+need+an+EMG%3F"


@pytest.fixture
def phone(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    problems = PageProblems(live_server.url)
    yield problems.watch(context.new_page())
    context.close()
    problems.assert_none()


def test_the_report_page_passes_axe(axe_page: Page) -> None:
    response = axe_page.goto(URL)
    assert response is not None and response.status == 200
    assert_accessible(axe_page)


def test_printing_shows_only_the_report(page: Page) -> None:
    page.goto(URL)
    expect(page.locator("article.twr")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator("form.report-form")).to_be_hidden()
    expect(page.locator("article.twr")).to_be_visible()
    expect(page.locator("article.twr")).to_contain_text(
        "Question for the doctor: Do I need an EMG?"
    )


def test_the_download_button_gives_the_pdf(page: Page) -> None:
    page.goto(URL)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename.startswith("twitchwise-report-")
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_report_page_fits_a_phone(phone: Page) -> None:
    phone.goto(URL)
    overflow = phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the report page is {overflow}px wider than the phone"
