"""Daily use on the pages: drinks come back as counted, one-tap "no twitches" and "same as
yesterday", and deletions that can be undone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from twitchwise.diary import Diary

Csrf = Callable[[str], str]
DAY = date.today() - timedelta(days=1)


def _value(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert found, f"no input {name}"
    return found.group(1)


def test_four_coffees_edited_to_five_store_five_coffees(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    form = {"date": DAY.isoformat(), "drink_coffee": "4"}
    client.post("/checkin", data={"csrf_token": csrf("/checkin"), **form})
    page = client.get(f"/checkin?date={DAY.isoformat()}").text
    assert _value(page, "drink_coffee") == "4" and _value(page, "caffeine_mg") == ""
    client.post("/checkin", data={"csrf_token": csrf("/checkin"), **form, "drink_coffee": "5"})
    saved = diary.get_checkin(DAY)
    assert saved is not None
    assert saved.drinks == (("coffee", 5.0),) and saved.caffeine_mg == 5 * 96
    page = client.get(f"/checkin?date={DAY.isoformat()}").text
    assert _value(page, "drink_coffee") == "5" and _value(page, "caffeine_mg") == ""


def test_other_caffeine_comes_back_as_the_rest(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    data = {"date": DAY.isoformat(), "drink_coffee": "2", "caffeine_mg": "50"}
    client.post("/checkin", data={"csrf_token": csrf("/checkin"), **data})
    page = client.get(f"/checkin?date={DAY.isoformat()}").text
    assert _value(page, "drink_coffee") == "2" and _value(page, "caffeine_mg") == "50"


def test_same_as_yesterday_copies_the_routine_not_the_symptoms(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    today = DAY + timedelta(days=1)
    diary.save_checkin(
        DAY, sleep_hours=6, caffeine_mg=192, drinks={"coffee": 2}, symptoms=["cramping"]
    )
    token = csrf(f"/checkin?date={today.isoformat()}")
    page = client.get(f"/checkin?date={today.isoformat()}").text
    assert "Same as yesterday" in page and "2 × brewed coffee" in page
    response = client.post(
        "/checkin/same-as-yesterday",
        data={"csrf_token": token, "date": today.isoformat()},
        follow_redirects=False,
    )
    assert response.status_code == 303
    copied = diary.get_checkin(today)
    assert copied is not None
    assert copied.sleep_hours == 6 and copied.drinks == (("coffee", 2.0),)
    assert copied.symptoms == ()


def test_no_twitches_is_one_tap_from_home(client: TestClient, diary: Diary, csrf: Csrf) -> None:
    home = client.get("/").text
    assert "No twitches today" in home
    response = client.post(
        "/checkin/no-twitches",
        data={"csrf_token": csrf("/"), "date": date.today().isoformat()},
        follow_redirects=False,
    )
    assert response.status_code == 303
    checkin = diary.get_checkin(date.today())
    assert checkin is not None and checkin.no_twitches
    assert "no twitches today" in client.get(response.headers["location"]).text.lower()


def test_the_diary_pages_by_month_and_filters_by_place(client: TestClient, diary: Diary) -> None:
    old = date.today().replace(day=1) - timedelta(days=40)
    diary.add_twitch("left_thigh", f"{old.isoformat()}T10:00", note="old thigh")
    diary.add_twitch("neck", f"{old.isoformat()}T11:00", note="old neck")
    diary.add_twitch("right_calf", note="today calf")
    recent = client.get("/diary").text
    assert "today calf" in recent and "old thigh" not in recent
    month = client.get(f"/diary?view=month&day={old.isoformat()}").text
    assert f"{old:%B %Y}" in month and "old thigh" in month and "today calf" not in month
    assert f'href="/diary?view=month&day={old.isoformat()}#day-{old.isoformat()}"' in month
    only = client.get(f"/diary?view=month&day={old.isoformat()}&site=neck").text
    assert "old neck" in only and "old thigh" not in only
    week = client.get(f"/diary?view=week&day={old.isoformat()}").text
    assert "Week of" in week and "old thigh" in week
    empty_day = old + timedelta(days=1)
    opened = client.get(f"/diary?view=month&day={empty_day.isoformat()}").text
    assert f'id="day-{empty_day.isoformat()}"' in opened, "a tapped day opens even when empty"


def test_an_experiment_starts_tomorrow_and_home_says_so(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    page = client.get("/experiment").text
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert f'value="{tomorrow}"' in page
    response = client.post(
        "/experiment/start",
        data={"csrf_token": csrf("/experiment"), "factor": "caffeine", "design": "ABAB",
              "phase_days": "7", "washout_days": "0", "start": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303
    active = diary.active_experiment()
    assert active is not None and active[1]["start"] == tomorrow
    assert "The experiment starts tomorrow" in client.get("/").text


def test_switch_news_names_the_day_the_routine_changes() -> None:
    from twitchwise.stats import plan_experiment
    from twitchwise.web.pages.home import switch_news

    plan = plan_experiment("caffeine", design="AB", phase_days=7, washout_days=0, start=DAY)
    second = plan.phases[1]
    todo = plan.usual if second.condition == "A" else plan.change
    assert switch_news(plan, second.start) == f"The routine switches today: {todo}"
    assert switch_news(plan, second.start - timedelta(days=1)) == (
        f"Tomorrow the routine switches: {todo}"
    )
    assert switch_news(plan, second.start + timedelta(days=2)) is None


def test_imported_health_values_show_in_the_diary_with_friendly_names(
    client: TestClient, diary: Diary
) -> None:
    from twitchwise.diary import DayValue

    today = date.today()
    diary.import_day_values(
        [DayValue(today, "steps", 8123), DayValue(today, "hrv_sdnn_ms", 41.5),
         DayValue(today, "resting_heart_rate_bpm", 58)],
        "apple-health",
    )  # fmt: skip
    page = client.get("/diary").text
    assert "Steps</dt><dd>8,123" in page
    assert "Heart rate variability (SDNN)</dt><dd>42 ms" in page
    assert "Resting heart rate</dt><dd>58 beats a minute" in page
    assert "hrv sdnn" not in page.lower() and "hrv_sdnn_ms" not in page


def test_a_tap_queued_offline_and_sent_twice_logs_once(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    tap = (datetime.now().astimezone() - timedelta(minutes=5)).isoformat(timespec="milliseconds")
    data = {"csrf_token": csrf("/log"), "site": "left_thigh", "when": tap, "queued": "1"}
    for _ in range(2):
        response = client.post("/log", data=data, headers={"HX-Request": "true"})
        assert response.status_code == 200 and "in the left thigh" in response.text
    assert len(diary.list_twitches()) == 1
    other = {**data, "when": tap.replace(tap[20:23], "999")}  # another tap, another millisecond
    client.post("/log", data=other, headers={"HX-Request": "true"})
    assert len(diary.list_twitches()) == 2


def test_the_app_is_installable_manifest_and_service_worker(client: TestClient) -> None:
    page = client.get("/log").text
    assert '<link rel="manifest" href="/static/manifest.webmanifest">' in page
    manifest = client.get("/static/manifest.webmanifest").json()
    assert manifest["start_url"] == "/log" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.headers["content-type"]


def test_first_run_welcome_then_the_assessment_history(client: TestClient, diary: Diary) -> None:
    home = client.get("/").text
    assert "Welcome to twitchwise" in home and "not a diagnosis" in home
    assert "No assessments yet" in client.get("/assessments").text
    for triage, headline in (("self_care", "Probably harmless"), ("doctor", "See a doctor")):
        diary.record_assessment({}, {"triage": triage, "headline": headline}, "web")
    home = client.get("/").text
    assert "Welcome to twitchwise" not in home and 'href="/assessments"' in home
    history = client.get("/assessments").text
    assert history.index("See a doctor") < history.index("Probably harmless")
    assert history.count('href="/assess/result/') == 2


EXPORT = (
    Path(__file__).parents[1]
    / "data"
    / "apple-health"
    / "k0rventen-apple-health-grafana-test-export.zip"
)


def _import(client: TestClient, csrf: Csrf) -> str:
    with EXPORT.open("rb") as file:
        response = client.post(
            "/import",
            data={"csrf_token": csrf("/import")},
            files={"export": (EXPORT.name, file, "application/zip")},
        )
    assert response.status_code == 200, response.text[-500:]
    return response.text


def test_an_export_that_misses_the_diary_days_says_so(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    page = _import(client, csrf)
    assert "These days do not overlap your diary yet." in page
    first = min(v.day for _, v in diary.list_day_values())
    diary.save_checkin(first, sleep_hours=7)
    assert "do not overlap" not in _import(client, csrf)


def test_the_experiment_page_says_the_factor_in_words_and_one_date_format(
    client: TestClient, diary: Diary
) -> None:
    from twitchwise.stats import plan_experiment

    start = date.today() - timedelta(days=8)
    plan = plan_experiment("caffeine", design="ABAB", phase_days=7, washout_days=0, start=start)
    diary.save_experiment(plan.model_dump(mode="json"))
    for path in ("/experiment", "/"):
        text = re.sub(r"<[^>]+>", " ", client.get(path).text.split("<main", 1)[1])
        assert "caffeine_mg" not in text, path
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), path
    assert f"{start:%a} {start.day} {start:%b %Y}" in client.get("/experiment").text


def test_in_words_leaves_other_text_alone() -> None:
    from twitchwise.web._metrics import in_words

    assert (
        in_words("No caffeine_mg values on 2026-03-02.") == "No caffeine values on Mon 2 Mar 2026."
    )
    assert in_words("steps_total and 2026-02-30 stay") == "steps_total and 2026-02-30 stay"
