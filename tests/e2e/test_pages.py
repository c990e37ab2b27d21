"""Every page: served, accessible (axe-core: no serious or critical violations), and working under
the app's strict Content-Security-Policy with nothing blocked and nothing fetched off the machine.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer, assert_accessible

# Every page a person can reach from the navigation and the footer.
PAGES = [
    "/",
    "/log",
    "/checkin",
    "/diary",
    "/assess",
    "/insights",
    "/experiment",
    "/import",
    "/data",
    "/about",
    "/docs",
    "/docs/interactive",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_passes_axe(axe_page: Page, path: str) -> None:
    response = axe_page.goto(path)
    assert response is not None and response.status == 200
    axe_page.wait_for_load_state("networkidle")  # let scripted content (Swagger UI) render
    assert_accessible(axe_page)


@pytest.mark.parametrize("path", PAGES)
def test_page_works_under_its_csp_with_nothing_blocked(page: Page, path: str) -> None:
    """The `page` fixture fails the test on any CSP refusal, script error, failed asset or
    off-machine request; here we also check the policy is the strict one and scripts ran."""
    response = page.goto(path)
    assert response is not None and response.status == 200
    csp = response.headers["content-security-policy"]
    script_src = re.search(r"script-src ([^;]*)", csp)
    assert script_src and "'unsafe-inline'" not in script_src[1] and "'unsafe-eval'" not in csp
    assert "default-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.htmx") == "object", "vendored htmx was not loaded"
    assert page.evaluate("document.styleSheets.length") >= 1
    expect(page.get_by_role("main").first).to_be_visible()


def test_every_page_linked_from_the_app_is_served_and_accessible(
    axe_page: Page, live_server: LiveServer
) -> None:
    """Crawl links from home (same origin, HTML pages, not the API) and scan one page of each
    path (ids folded: one edit form, one result), so none is missed however full the diary."""
    seen: set[str] = set()
    queue = ["/"]
    failures: list[str] = []
    while queue and len(seen) < 40:
        path = queue.pop(0)
        key = re.sub(r"/\d+(?=/|$)", "/{id}", urlsplit(path).path)  # one of each kind
        if key in seen:
            continue
        seen.add(key)
        response = axe_page.goto(path)
        if response is None or response.status != 200:
            failures.append(f"{path}: HTTP {response.status if response else 'no response'}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        axe_page.wait_for_load_state("networkidle")
        try:
            assert_accessible(axe_page)
        except AssertionError as err:
            failures.append(str(err))
        hrefs = axe_page.eval_on_selector_all(
            "a[href]:not([download])", "els => els.map(e => e.getAttribute('href'))"
        )
        for href in hrefs:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue
            if parts.path.startswith(("/api/", "/static/", "/openapi.json")):
                continue
            queue.append(href)
    assert set(PAGES) <= seen, f"not reachable from home: {set(PAGES) - seen}"
    assert not failures, "\n".join(failures)


def test_pages_in_their_other_states_pass_axe(axe_page: Page) -> None:
    """Forms showing errors, confirm steps, every kind of question and the results."""
    page = axe_page
    page.goto("/log?site=left_thigh")
    assert_accessible(page)
    page.get_by_role("button", name="Log left thigh").click()
    expect(page.get_by_role("status")).to_contain_text("Logged")
    assert_accessible(page)

    page.goto("/checkin")
    page.get_by_label("Hours slept last night", exact=True).fill("30")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page)

    page.goto("/diary")
    page.get_by_role("link", name=re.compile(r"^Edit the")).first.click()
    assert_accessible(page)

    page.goto("/assess")
    page.get_by_role("button", name=re.compile(r"^Start")).last.click()
    kinds_seen = set()
    for _ in range(40):
        if page.get_by_role("heading", level=1).inner_text() == "Your result":
            break
        kind = (
            "radio" if page.get_by_role("radio").count()
            else "checkbox" if page.get_by_role("checkbox").count()
            else "spinbutton" if page.get_by_role("spinbutton").count()
            else "textbox"
        )  # fmt: skip
        if kind not in kinds_seen:
            kinds_seen.add(kind)
            assert_accessible(page)
            asked = page.get_by_role("heading", level=1).inner_text()
            with page.expect_navigation():  # a plain form post: axe waits for the new page
                page.get_by_role("button", name="Continue").click()  # unanswered: the error state
            assert_accessible(page)
            if page.get_by_role("heading", level=1).inner_text() != asked:
                continue  # an optional question (age, weight): left blank, it moves on
        no = page.get_by_role("radio", name="No", exact=True)
        if kind == "radio":
            (no if no.count() else page.get_by_role("radio").first).check()
        elif kind == "checkbox":
            page.get_by_role("checkbox").last.check()  # "None of these", or the last site
        elif kind == "spinbutton":
            page.get_by_role("spinbutton").fill("1")
        else:
            page.get_by_role("textbox").fill("none")
        page.get_by_role("button", name="Continue").click()
    assert kinds_seen == {"radio", "checkbox", "spinbutton", "textbox"}
    expect(page.get_by_role("heading", level=1)).to_have_text("Your result")
    assert_accessible(page)
