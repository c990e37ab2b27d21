"""Pages: each renders, each form posts as a plain (no-JavaScript) form, errors sit next to
their field with the input kept, and the body map offers every site id."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from twitchwise.diary import Diary
from twitchwise.engine._vocab import SITE_IDS

Csrf = Callable[[str], str]


def error_for(html: str, field: str) -> str:
    """The error text shown for `field`, checking the input points at it (aria-describedby)."""
    found = re.search(rf'<span class="error-text" id="{field}-error">([^<]+)</span>', html)
    assert found, f"no error shown for {field}"
    control = re.search(rf'<(?:input|select|textarea)[^>]*id="{field}"[^>]*>', html)
    assert control, f"no control {field}"
    assert f"{field}-error" in control.group(0) and 'aria-invalid="true"' in control.group(0)
    return found.group(1)


@pytest.mark.parametrize("path", ["/", "/log", "/log?site=left_thigh", "/checkin", "/diary"])
def test_pages_render_with_landmarks_and_one_h1(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html and "<main" in html and '<nav aria-label="Main">' in html
    assert html.count("<h1") == 1
    assert 'src="http' not in html and 'href="http' not in html  # nothing from elsewhere


def test_every_input_has_a_label(client: TestClient) -> None:
    for path in ["/log", "/checkin"]:
        html = client.get(path).text
        for input_id in re.findall(
            r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*id="([^"]+)"', html
        ):
            assert f'for="{input_id}"' in html, f"{path}: #{input_id} has no label"


def test_home_shows_today_and_the_latest_advice(client: TestClient, diary: Diary) -> None:
    assert "Log a twitch" in client.get("/").text
    diary.add_twitch("left_thigh", count=4)
    case = {"sites": ["left_thigh"], "duration_days": 2}
    result = client.post("/api/v1/assess?record=true", json=case).json()
    html = client.get("/").text
    assert "<strong>4</strong> twitches" in html
    assert result["headline"] in html.replace("&#39;", "'")


def test_body_map_has_every_site_as_a_link_and_a_button(client: TestClient) -> None:
    html = client.get("/log").text
    for site in SITE_IDS:
        assert f'href="/log?site={site}#confirm"' in html
        assert f'name="site" value="{site}"' in html


def test_logging_a_twitch_without_javascript(client: TestClient, diary: Diary, csrf: Csrf) -> None:
    page = client.get("/log?site=left_thigh").text
    assert "Log a twitch in the <strong>left thigh</strong>" in page
    response = client.post(
        "/log",
        data={"csrf_token": csrf("/log"), "site": "left_thigh", "intensity": "3", "count": ""},
        follow_redirects=False,
    )
    assert response.status_code == 303
    [twitch] = diary.list_twitches()
    assert (twitch.site, twitch.intensity, twitch.count) == ("left_thigh", 3, 1)
    shown = client.get(response.headers["location"]).text
    assert "Logged 1 twitch in the left thigh" in shown


def test_logging_with_htmx_returns_the_status_fragment(client: TestClient, csrf: Csrf) -> None:
    response = client.post(
        "/log",
        data={"csrf_token": csrf("/log"), "site": "eyelid", "count": "5"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and "Logged 5 twitches in the eyelid" in response.text
    assert 'id="todays-log"' in response.text and 'hx-swap-oob="true"' in response.text


def test_logging_bad_input_keeps_it_and_names_the_field(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    response = client.post(
        "/log",
        data={
            "csrf_token": csrf("/log"),
            "site": "left_thigh",
            "count": "lots",
            "when": "2999-01-01T10:00",
        },
    )
    assert response.status_code == 422
    assert "Enter a number" in error_for(response.text, "count")
    assert 'value="lots"' in response.text
    assert diary.list_twitches() == []
    future = client.post(
        "/log", data={"csrf_token": csrf("/log"), "site": "left_thigh", "when": "2999-01-01T10:00"}
    )
    assert "future" in error_for(future.text, "when")


def test_checkin_saves_caffeine_from_drinks(client: TestClient, diary: Diary, csrf: Csrf) -> None:
    response = client.post(
        "/checkin",
        data={
            "csrf_token": csrf("/checkin"),
            "date": "2026-03-02",
            "sleep_hours": "6,5",
            "drink_coffee": "2",
            "caffeine_mg": "10",
            "stress_level": "7",
            "hard_exercise": "yes",
            "symptoms": ["cramping", "stiffness"],
            "medications": "Lasix 40 mg\nibuprofen",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    saved = diary.get_checkin(date(2026, 3, 2))
    assert saved is not None
    assert saved.sleep_hours == 6.5 and saved.caffeine_mg == 2 * 96 + 10
    assert saved.hard_exercise is True and saved.symptoms == ("cramping", "stiffness")
    assert saved.medications == ("Lasix 40 mg", "ibuprofen")
    assert "Check-in for" in client.get(response.headers["location"]).text


def test_checkin_errors_sit_next_to_their_fields_and_keep_input(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    response = client.post(
        "/checkin",
        data={
            "csrf_token": csrf("/checkin"),
            "sleep_hours": "30",
            "stress_level": "high",
            "notes": "kept",
        },
    )
    assert response.status_code == 422
    assert "24 or less" in error_for(response.text, "sleep_hours")
    assert "Enter a number" in error_for(response.text, "stress_level")
    assert 'value="30"' in response.text and ">kept</textarea>" in response.text
    assert 'role="alert"' in response.text
    assert diary.list_checkins() == []


def test_checkin_with_an_emergency_symptom_points_to_help(client: TestClient, csrf: Csrf) -> None:
    response = client.post(
        "/checkin", data={"csrf_token": csrf("/checkin"), "symptoms": "breathing_difficulty"}
    )
    page = client.get(response.headers["location"] if response.status_code == 303 else "/").text
    assert "call your local emergency number" in page and "/assess" in page


def test_diary_shows_entries_and_edits_and_deletes_them(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    yesterday = datetime.now() - timedelta(days=1)
    twitch = diary.add_twitch("left_thigh", yesterday, count=6, note="stairs")
    diary.save_checkin(yesterday.date(), sleep_hours=5)
    html = client.get("/diary").text
    assert f'id="day-{yesterday.date().isoformat()}"' in html
    assert "stairs" in html and "6 twitches" in html and 'class="day h4"' in html
    assert 'id="sites-heading"' in html and '<meter min="0" max="6" value="6"' in html
    edit = client.get(f"/diary/twitches/{twitch.id}/edit").text
    assert 'value="left_thigh" selected' in edit
    response = client.post(
        f"/diary/twitches/{twitch.id}",
        data={
            "csrf_token": csrf(f"/diary/twitches/{twitch.id}/edit"),
            "when": yesterday.strftime("%Y-%m-%dT%H:%M"),
            "site": "right_calf",
            "count": "2",
            "intensity": "",
            "note": "",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert diary.get_twitch(twitch.id).site == "right_calf"
    assert "Your changes are saved." in client.get(response.headers["location"]).text
    edit_path = f"/diary/twitches/{twitch.id}/edit"
    bad = client.post(
        f"/diary/twitches/{twitch.id}",
        data={"csrf_token": csrf(edit_path), "when": "", "site": "right_calf", "count": "0"},
    )
    assert bad.status_code == 422 and error_for(bad.text, "count")
    # Deleting asks first (a page of its own), then says it is done.
    confirm = f"/diary/twitches/{twitch.id}/delete"
    assert "Delete this twitch?" in client.get(confirm).text
    assert diary.list_twitches() != []
    gone = client.post(confirm, data={"csrf_token": csrf(confirm)})
    assert diary.list_twitches() == [] and "The twitch was deleted." in gone.text
    confirm = f"/diary/checkins/{yesterday.date().isoformat()}/delete"
    assert "Delete this check-in?" in client.get(confirm).text
    client.post(confirm, data={"csrf_token": csrf(confirm)})
    assert diary.list_checkins() == []


def test_missing_entries_are_friendly_404s(client: TestClient, csrf: Csrf) -> None:
    response = client.get("/diary/twitches/999/edit")
    assert response.status_code == 404 and "<h1>" in response.text
    deleted = client.post("/diary/checkins/2026-01-01/delete", data={"csrf_token": csrf("/log")})
    assert deleted.status_code == 404


def test_delete_never_redirects_off_site(client: TestClient, diary: Diary, csrf: Csrf) -> None:
    twitch = diary.add_twitch("neck")
    response = client.post(
        f"/diary/twitches/{twitch.id}/delete",
        data={"csrf_token": csrf("/log"), "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.headers["location"].startswith("/diary")


@pytest.mark.parametrize(
    "path",
    [
        "/log?logged=99999999999999999999999",
        "/log?logged=-1",
        "/log?site=<script>",
        "/diary?weeks=abc",
        "/diary?weeks=100000",
        "/checkin?date=2026-02-30",
        "/experiment?id=99999999999999999999",
        "/assess/result/0",
        "/diary/twitches/99999999999999999999/edit",
        "/import/jobs/../../etc",
    ],
)
def test_odd_page_requests_are_never_server_errors(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code < 500
    assert "<script>" not in response.text.split("</header>", 1)[-1]


@pytest.mark.parametrize(
    "query", ["day=0001-01-01", "day=0001-01-03&view=week", "day=9999-12-31&view=month"]
)
def test_a_diary_period_no_diary_can_hold_is_a_422_naming_the_day(
    client: TestClient, query: str
) -> None:
    """Found while fixing the report's year-1 overflow: these were 500s."""
    response = client.get(f"/diary?{query}")
    assert response.status_code == 422
    assert "day:" in response.text


def test_the_diary_can_still_be_paged_ahead_a_little(client: TestClient) -> None:
    ahead = date.today() + timedelta(days=40)
    assert client.get(f"/diary?day={ahead}&view=month").status_code == 200
