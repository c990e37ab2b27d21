"""Log a twitch on the body map and find it in the diary; edit and delete it there."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer

LEFT_THIGH_REGION = re.compile(r"^Left thigh \(front, above the knee\)")


def twitches_today(server: LiveServer, site: str) -> list[dict[str, object]]:
    today = date.today().isoformat()
    found = server.get_json(f"/api/v1/twitches?start={today}&end={today}")
    assert isinstance(found, list)
    return [t for t in found if t["site"] == site]


def post_json(server: LiveServer, path: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        server.url + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as resp:
        result: dict[str, object] = json.loads(resp.read())
        return result


def day_heading(day: date) -> re.Pattern[str]:
    return re.compile(rf"^{day:%a} {day.day} {day:%b %Y}: \d+ twitch")


def test_tapping_the_left_thigh_logs_a_twitch_the_diary_shows(
    page: Page, live_server: LiveServer
) -> None:
    earlier = {t["id"] for t in twitches_today(live_server, "left_thigh")}
    before = len(earlier)
    page.goto("/")
    page.get_by_role("link", name="Log a twitch").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a twitch")

    page.get_by_text("Details for the next tap").click()  # folded away below the map
    page.get_by_label("How many twitches", exact=True).fill("3")
    page.get_by_role("link", name=LEFT_THIGH_REGION).click()

    expect(page.get_by_role("status")).to_contain_text("Logged 3 twitches in the left thigh")
    assert page.url.endswith("/log"), "with JavaScript the tap logs in place, no page load"
    logged = twitches_today(live_server, "left_thigh")
    assert len(logged) == before + 1
    # The new one by id: another test may have logged a left-thigh twitch later today (09:00).
    [new] = [t for t in logged if t["id"] not in earlier]
    assert new["count"] == 3

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Diary").click()
    today = page.get_by_role("article", name=day_heading(date.today()))
    rows = today.get_by_role("row").filter(has_text="left thigh")
    expect(rows).to_have_count(before + 1)
    time_shown = datetime.fromisoformat(str(new["time"])).astimezone().strftime("%H:%M")
    row = rows.filter(has=page.get_by_role("cell", name=time_shown, exact=True)).last
    expect(row.get_by_role("cell").nth(2)).to_have_text("3")


def test_without_javascript_the_body_map_logs_after_a_confirm_step(
    nojs_page: Page, live_server: LiveServer
) -> None:
    page = nojs_page
    before = len(twitches_today(live_server, "left_thigh"))
    page.goto("/log")
    page.get_by_role("link", name=LEFT_THIGH_REGION).click()
    expect(page).to_have_url(re.compile(r"/log\?site=left_thigh"))
    assert len(twitches_today(live_server, "left_thigh")) == before, "a link alone logs nothing"

    page.get_by_role("button", name="Log left thigh").click()
    expect(page.get_by_role("status")).to_contain_text("Logged 1 twitch in the left thigh")
    assert len(twitches_today(live_server, "left_thigh")) == before + 1

    page.goto("/diary")
    today = page.get_by_role("article", name=day_heading(date.today()))
    expect(today.get_by_role("row").filter(has_text="left thigh")).to_have_count(before + 1)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_a_twitch_can_be_edited_and_deleted_from_the_diary(
    js: bool, page: Page, nojs_page: Page, live_server: LiveServer
) -> None:
    page = page if js else nojs_page
    marker = f"e2e edit me {'js' if js else 'nojs'}"
    now = datetime.now().replace(second=0, microsecond=0)
    created = post_json(
        live_server,
        "/api/v1/twitches",
        {"site": "right_calf", "count": 2, "note": marker, "time": now.isoformat()},
    )
    page.goto("/diary")
    row = page.get_by_role("row").filter(has_text=marker)
    row.get_by_role("link", name=re.compile(r"^Edit")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit twitch")
    page.get_by_label("How many twitches", exact=True).fill("7")
    page.get_by_label("Note", exact=True).fill(f"{marker}, edited")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("Your changes are saved.")

    stored = live_server.get_json(f"/api/v1/twitches/{created['id']}")
    assert isinstance(stored, dict)
    assert (stored["count"], stored["note"], stored["site"]) == (
        7,
        f"{marker}, edited",
        "right_calf",
    )

    page.goto("/diary")
    row = page.get_by_role("row").filter(has_text=f"{marker}, edited")
    expect(row.get_by_role("cell").nth(2)).to_have_text("7")
    row.get_by_role("link", name=re.compile(r"^Delete")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this twitch?")
    page.get_by_role("button", name="Yes, delete this twitch").click()
    expect(page.get_by_role("status")).to_contain_text("The twitch was deleted.")
    expect(page.get_by_role("row").filter(has_text=f"{marker}, edited")).to_have_count(0)
    try:
        live_server.get_json(f"/api/v1/twitches/{created['id']}")
    except urllib.error.HTTPError as err:
        assert err.code == 404
    else:
        raise AssertionError("the deleted twitch is still in the diary")
