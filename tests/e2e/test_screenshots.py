"""Screenshots of every page at a phone's size and a desktop's, over a diary with a week in it.

The pictures in docs/screenshots/ are made by this test: run it with
TWITCHWISE_SCREENSHOTS_DIR=docs/screenshots. Without the variable it still takes every picture
(into a temporary folder) and checks each page answered and drew something, so a page that breaks
at either size fails here too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .conftest import LiveServer, start_server, stop_server
from .test_daily_use import SIZES
from .test_pages import PAGES

SHOTS = [p for p in PAGES if p != "/docs/interactive"] + ["/assessments", "/reminders"]


@pytest.fixture(scope="module")
def week_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = start_server(tmp_path_factory.mktemp("screenshots"))
    yield server
    stop_server(server)


def _seed(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(base_url=server.url)
    api = context.request
    today = date.today()
    for n in range(10):
        day = today - timedelta(days=n)
        api.put(
            f"/api/v1/checkins/{day.isoformat()}",
            data={"sleep_hours": 6 + n % 3, "caffeine_mg": 96 * (1 + n % 3), "stress_level": n % 6},
        )
        for k in range(n % 4):
            site = ("left_thigh", "right_calf", "eyelid")[k % 3]
            api.post(
                "/api/v1/twitches",
                data={"site": site, "time": f"{day.isoformat()}T0{8 + k}:15", "count": 1 + k},
            )
    context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_every_page(
    browser: Browser, week_server: LiveServer, size: str, tmp_path: Path
) -> None:
    if size == "phone":
        _seed(browser, week_server)
    folder = Path(os.environ.get("TWITCHWISE_SCREENSHOTS_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=week_server.url, locale="en-GB", **SIZES[size])  # type: ignore[arg-type]
    page = context.new_page()
    for path in SHOTS:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.wait_for_load_state("networkidle")
        name = (path.strip("/").replace("/", "-") or "home") + f"-{size}.jpg"
        page.screenshot(path=str(folder / name), type="jpeg", quality=60)
        assert (folder / name).stat().st_size > 5_000, f"{path} drew nothing at {size} size"
    context.close()
