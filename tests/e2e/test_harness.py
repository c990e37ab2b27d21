"""The browser harness itself must catch what it promises to catch, or green means nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

from .conftest import AXE_JS, PageProblems, axe_violations

GOOD = """<!doctype html><html lang="en"><head><title>ok</title></head>
<body><main><h1>Fine</h1><label for="s">Sleep hours</label><input id="s" type="number">
</main></body></html>"""
BAD = """<!doctype html><html><head></head><body><img src="data:,x">
<input type="number"></body></html>"""


@pytest.fixture
def blank(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(bypass_csp=True)
    yield context.new_page()
    context.close()


def test_axe_core_is_vendored_from_npm() -> None:
    assert AXE_JS.is_file(), "npm ci --prefix web-assets installs axe-core"


def test_axe_scan_reports_serious_violations_and_passes_a_clean_page(blank: Page) -> None:
    blank.set_content(BAD)
    found = {v["id"] for v in axe_violations(blank)}
    assert {"image-alt", "label", "html-has-lang"} <= found
    blank.set_content(GOOD)
    assert axe_violations(blank) == []


def test_check_a11y_fixture_fails_on_a_bad_page(
    blank: Page, check_a11y: Callable[[Page], None]
) -> None:
    blank.set_content(BAD)
    with pytest.raises(AssertionError, match="image-alt"):
        check_a11y(blank)


def test_problem_collector_catches_csp_refusals_and_third_party_requests(browser: Browser) -> None:
    context = browser.new_context()
    context.route("http://192.0.2.1/**", lambda route: route.fulfill(status=204))
    problems = PageProblems("http://127.0.0.1")
    page = problems.watch(context.new_page())
    page.set_content(
        """<!doctype html><html><head>
        <meta http-equiv="Content-Security-Policy" content="script-src 'none'">
        </head><body><script>document.title = 'ran'</script>
        <img src="http://192.0.2.1/pixel.png" alt=""></body></html>"""
    )
    page.wait_for_timeout(200)
    context.close()
    text = "\n".join(problems.items)
    assert "Content Security Policy" in text
    assert "request left the machine: http://192.0.2.1/pixel.png" in text
    with pytest.raises(AssertionError):
        problems.assert_none()
