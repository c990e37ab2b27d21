"""Insights, self-experiments and the Apple Health import, through pages and the API."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from twitchwise.diary import Diary

Csrf = Callable[[str], str]
APPLE = Path(__file__).parents[1] / "data" / "apple-health"


@pytest.fixture
def eight_weeks(diary: Diary) -> Diary:
    """Check-ins for 56 days; more twitch episodes on high-caffeine days."""
    rnd = random.Random(11)
    today = date.today()
    for back in range(56, 0, -1):
        day = today - timedelta(days=back)
        caffeine = rnd.choice([0, 95, 190, 400, 500])
        diary.save_checkin(
            day,
            caffeine_mg=caffeine,
            sleep_hours=round(rnd.uniform(5, 9), 1),
            stress_level=rnd.randint(0, 10),
        )
        episodes = rnd.randint(3, 7) if caffeine >= 400 else rnd.randint(0, 2)
        for i in range(episodes):
            at = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + i)
            diary.add_twitch("left_thigh", at, count=rnd.randint(1, 4))
    return diary


def test_insights_without_data_explains_what_is_needed(client: TestClient) -> None:
    html = client.get("/insights").text
    assert "No tracked days yet" in html and 'href="/checkin"' in html


def test_insights_show_estimates_and_what_stands_out(
    client: TestClient, eight_weeks: Diary
) -> None:
    html = client.get("/insights").text
    assert "Every estimate" in html and "Trend" in html
    assert re.search(r"<td class=\"lead\">[Cc]affeine[^<]*</td><td>same day</td>", html)
    assert "What stands out" in html and 'class="card finding"' in html
    body = client.get("/api/v1/insights").json()
    assert body["insights"]["tracked_days"] == 56
    caffeine = [
        f
        for f in body["insights"]["factors"]
        if f["factor"] == "caffeine_mg" and f["lag_days"] == 0
    ]
    assert caffeine[0]["significant"] and caffeine[0]["rate_ratio"] > 1
    assert body["trend"]["n_days"] == 56


def test_planning_an_experiment_and_ending_it(client: TestClient, diary: Diary, csrf: Csrf) -> None:
    bad = client.post(
        "/experiment/start",
        data={"csrf_token": csrf("/experiment"), "factor": "caffeine", "phase_days": "2"},
    )
    assert bad.status_code == 422 and 'id="phase_days-error"' in bad.text
    assert diary.list_experiments() == []
    ok = client.post(
        "/experiment/start",
        data={
            "csrf_token": csrf("/experiment"),
            "factor": "sleep",
            "design": "ABAB",
            "phase_days": "7",
            "washout_days": "1",
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    [experiment] = diary.list_experiments()
    assert experiment.plan["factor"] == "sleep" and len(experiment.plan["phases"]) == 4
    page = client.get("/experiment").text
    assert "Your experiment today" in client.get("/").text
    assert "More sleep (running)" in page and "Results so far" in page and "CENT 2015" in page
    assert "Plan a new experiment" not in page, "one experiment at a time"
    client.post(f"/experiment/{experiment.id}/end", data={"csrf_token": csrf("/experiment")})
    assert diary.list_experiments()[0].status == "ended"
    assert "Plan a new experiment" in client.get("/experiment").text


def test_upload_without_javascript_imports_and_reports(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    export = APPLE / "k0rventen-apple-health-grafana-test-export.zip"
    with export.open("rb") as fh:
        response = client.post(
            "/import",
            data={"csrf_token": csrf("/import")},
            files={"export": ("export.zip", fh, "application/zip")},
        )
    assert response.status_code == 200
    assert "Imported export.zip" in response.text and "values added" in response.text
    assert diary.list_day_values(), "values reached the diary"


def test_upload_with_htmx_reports_progress_then_the_result(client: TestClient, csrf: Csrf) -> None:
    export = APPLE / "k0rventen-apple-health-grafana-test-export.zip"
    with export.open("rb") as fh:
        first = client.post(
            "/import",
            data={"csrf_token": csrf("/import")},
            files={"export": ("export.zip", fh, "application/zip")},
            headers={"HX-Request": "true"},
        )
    assert first.status_code == 200 and "<html" not in first.text
    poll = re.search(r'hx-get="(/import/jobs/[^"]+)"', first.text)
    if poll is None:  # already done
        assert "Imported export.zip" in first.text
        return
    for _ in range(100):
        status = client.get(poll.group(1), headers={"HX-Request": "true"}).text
        if "hx-trigger" not in status:
            break
        time.sleep(0.1)
    assert "Imported export.zip" in status


def test_a_broken_upload_changes_nothing_and_says_why(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    response = client.post(
        "/import",
        data={"csrf_token": csrf("/import")},
        files={"export": ("export.zip", b"not a zip", "application/zip")},
    )
    assert response.status_code == 422
    assert "Nothing was imported" in response.text and "twitchwise-import-" not in response.text
    assert diary.list_day_values() == []
    empty = client.post("/import", data={"csrf_token": csrf("/import")})
    assert empty.status_code == 422 and "Choose your export" in empty.text


def test_unknown_import_job_is_a_404(client: TestClient) -> None:
    assert client.get("/import/jobs/nope").status_code == 404


def test_insights_page_names_an_outlier_day_and_refits_after_a_change(
    client: TestClient, eight_weeks: Diary
) -> None:
    day = date.today() - timedelta(days=20)
    at = datetime.combine(day, datetime.min.time()) + timedelta(hours=21)
    for i in range(150):
        eight_weeks.add_twitch("left_calf", at + timedelta(seconds=i))
    html = client.get("/insights").text
    assert (
        f"One day, {day:%a} {day.day} {day:%b %Y} with" in html
        and "cannot decide this on its own" in html
    )
    first = client.get("/api/v1/insights").json()
    eight_weeks.save_checkin(date.today(), caffeine_mg=0, sleep_hours=8.0)
    second = client.get("/api/v1/insights").json()
    assert second["insights"]["tracked_days"] == first["insights"]["tracked_days"] + 1
