"""The insights page with months of data: its forest plot and trend chart render under the strict
CSP and pass axe (the shared server's diary is too young to draw them)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from twitchwise.diary import Diary
from twitchwise.stats import simulate_diary

from .conftest import LiveServer, assert_accessible, start_server, stop_server


def _seed(db_path: Path) -> None:
    frame = simulate_diary(90, seed=3, effects={"caffeine_mg": 1.5})
    start = date.today() - timedelta(days=len(frame))
    with Diary.open(f"sqlite:///{db_path}") as diary:
        for i, (_, row) in enumerate(frame.iterrows()):
            day = start + timedelta(days=i)
            values = {k: float(row[k]) for k in ("caffeine_mg", "sleep_hours", "stress_level")}
            diary.save_checkin(day, **{k: None if math.isnan(v) else v for k, v in values.items()})
            noon = datetime.combine(day, time(12)).astimezone()
            for _ in range(int(row["episodes"])):
                diary.add_twitch("left_thigh", noon)


@pytest.fixture(scope="module")
def seeded_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("insights-server")
    _seed(folder / "diary.db")
    server = start_server(folder)
    yield server
    stop_server(server)


def test_insights_charts_render_and_are_accessible(
    browser: Browser, seeded_server: LiveServer
) -> None:
    errors: list[str] = []
    context = browser.new_context(base_url=seeded_server.url)
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto("/insights")
    forest = page.get_by_role("img", name="Every estimate")
    expect(forest).to_be_visible()
    assert forest.locator("circle").count() >= 2
    expect(page.get_by_role("img", name="Trend")).to_be_visible()
    expect(page.get_by_text("On days with 100 mg more caffeine")).to_be_visible()
    assert not errors, errors
    context.close()

    scan = browser.new_context(base_url=seeded_server.url, bypass_csp=True)
    axe_page = scan.new_page()
    axe_page.goto("/insights")
    assert_accessible(axe_page)
    scan.close()


SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
MIN_TEXT_PX = 11  # rendered size of chart text; a 640-unit drawing on a phone gave 5-6 px
SMALLEST_TEXT = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    if (!svg.getClientRects().length) continue;  // the other size's drawing, not shown
    const scale = svg.getScreenCTM().a;
    for (const t of svg.querySelectorAll('text')) {
      sizes.push(parseFloat(getComputedStyle(t).fontSize) * scale);
    }
  }
  return sizes;
}"""


@pytest.mark.parametrize("size", SIZES)
def test_insights_are_legible_and_fit_at_phone_and_desktop_size(
    browser: Browser, seeded_server: LiveServer, size: str
) -> None:
    mobile = size == "phone"
    options = {"viewport": SIZES[size], "is_mobile": mobile, "has_touch": mobile}
    context = browser.new_context(base_url=seeded_server.url, locale="en-GB", **options)
    page = context.new_page()
    page.goto("/insights")
    expect(page.get_by_role("img", name="Every estimate")).to_have_count(1)
    expect(page.get_by_role("img", name="Trend")).to_have_count(1)
    sizes = page.evaluate(SMALLEST_TEXT)
    assert len(sizes) >= 10, sizes
    assert min(sizes) >= MIN_TEXT_PX, f"chart text as small as {min(sizes):.1f} px at {size}"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px too wide at {size}"
    table = page.get_by_role("table", name="Every estimate, one row per factor and timing")
    wrap = table.locator("xpath=..")
    assert wrap.evaluate("e => e.scrollWidth - e.clientWidth") <= 0, "the table is cut off"
    row = table.locator("tbody tr").first
    display = row.evaluate("e => getComputedStyle(e).display")
    assert (display == "flex") == mobile, f"rows are display:{display} at {size}"
    if mobile:
        cell = row.locator("td[data-label='Rate ratio']")  # each value says what it is
        assert "Rate ratio" in cell.evaluate("e => getComputedStyle(e, '::before').content")
    context.close()

    scan = browser.new_context(base_url=seeded_server.url, bypass_csp=True, **options)
    axe_page = scan.new_page()
    axe_page.goto("/insights")
    assert_accessible(axe_page)
    scan.close()
