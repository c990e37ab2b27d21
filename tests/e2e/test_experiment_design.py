"""Planning an experiment at a phone's size and a desktop's: the page states what the design can
show from the diary's own variability, warns that the default plan cannot settle, and one click
chooses the suggested design; the page passes axe at both sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
from playwright.sync_api import Browser, expect

from twitchwise.diary import Diary

from .conftest import LiveServer, assert_accessible, start_server, stop_server

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture(scope="module")
def history_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("experiment-design-server")
    first = date.today() - timedelta(days=40)
    with Diary.open(f"sqlite:///{folder / 'diary.db'}") as diary:
        for i in range(40):
            day = first + timedelta(days=i)
            diary.save_checkin(day, sleep_hours=7)
            for _ in range(2 + i % 4):
                diary.add_twitch("left_thigh", datetime.combine(day, time(12)).astimezone())
    server = start_server(folder)
    yield server
    stop_server(server)


@pytest.mark.parametrize("size", SIZES)
def test_the_plan_offers_the_design_that_can_show_a_drop(
    browser: Browser, history_server: LiveServer, size: str
) -> None:
    mobile = size == "phone"
    options = {"viewport": SIZES[size], "is_mobile": mobile, "has_touch": mobile}
    context = browser.new_context(base_url=history_server.url, locale="en-GB", **options)
    page = context.new_page()
    page.goto("/experiment")
    advice = page.locator("#design-advice")
    expect(advice).to_contain_text("to see a 30% drop you need about 6 pairs")
    expect(page.locator("#design-warning")).to_contain_text("whatever happens")
    choose = advice.get_by_role("link", name="Use the suggested design")
    box = choose.bounding_box()
    assert (
        box is not None and box["height"] >= 44 and box["x"] + box["width"] <= SIZES[size]["width"]
    )
    if mobile:
        choose.tap()
    else:
        choose.click()
    expect(page.locator("#design-warning")).to_have_count(0)
    expect(page.get_by_label("Design", exact=True)).to_have_value("ABABABABABAB")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px too wide at {size}"

    scan = browser.new_context(base_url=history_server.url, bypass_csp=True, **options)
    axe_page = scan.new_page()
    axe_page.goto("/experiment")
    assert_accessible(axe_page)

    page.get_by_label("Settling-in days after each switch").fill("3")
    page.get_by_role("checkbox", name="Taper caffeine").check()
    page.get_by_role("button", name="Start the experiment").click()
    running = page.get_by_role("region", name=re.compile(r"\(running\)$"))
    expect(running).to_contain_text("Tapered: the first 3 days of each B phase")
    expect(running).to_contain_text("What this design can show:")
    expect(running.locator(".notice")).to_have_count(0)  # the suggested design: no warning
    axe_page.goto("/experiment")
    assert_accessible(axe_page)
    scan.close()
    running.get_by_role("button", name="End this experiment").click()
    expect(page.get_by_role("region", name="Plan a new experiment")).to_be_visible()
    context.close()
