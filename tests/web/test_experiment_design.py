"""Before an experiment starts, the Experiment page and the JSON API say what the design can show
from the person's own variability, offer the design that could show a 30% drop, and warn when the
chosen plan cannot settle; a finished experiment never tells a web user to run a CLI command."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from fastapi.testclient import TestClient

from twitchwise.diary import Diary
from twitchwise.stats import experiment_design, plan_experiment

Csrf = Callable[[str], str]


def _history(diary: Diary, days: int = 40) -> None:
    """A steady diary: 2-5 episodes a day, so the suggestion is a design that can settle."""
    first = date.today() - timedelta(days=days)
    for i in range(days):
        day = first + timedelta(days=i)
        diary.save_checkin(day, sleep_hours=7)
        for _ in range(2 + i % 4):
            diary.add_twitch("left_thigh", datetime.combine(day, time(12)).astimezone())


def _text(page: str) -> str:
    return html.unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))


def test_the_plan_form_states_the_design_offers_it_and_warns(
    client: TestClient, diary: Diary
) -> None:
    _history(diary)
    advice = experiment_design(diary.daily_frame(end=date.today() + timedelta(days=1)))
    assert advice.design and advice.pairs and advice.phase_days
    page = client.get("/experiment").text
    text = _text(page)
    assert "to see a 30% drop you need about" in text
    assert "Before you start:" in text and "'this may be chance' whatever happens" in text
    link = re.search(r'href="(/experiment\?design=[^"#]+)', page)
    assert link, "no one-click choice of the suggested design"
    chosen = client.get(html.unescape(link.group(1))).text
    assert re.search(rf'<option value="{advice.design}" selected', chosen)
    assert re.search(rf'name="phase_days"[^>]*value="{advice.phase_days}"', chosen)
    assert "Before you start:" not in chosen and "Use the suggested design" not in chosen


def test_a_started_plan_shows_what_it_can_show(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    _history(diary)
    form = {"csrf_token": csrf("/experiment"), "factor": "caffeine", "design": "AB",
            "phase_days": "7", "washout_days": "0"}  # fmt: skip
    assert client.post("/experiment/start", data=form).status_code == 200
    text = _text(client.get("/experiment").text)
    assert "What this design can show:" in text
    assert "This plan has 1 pair of phases" in text


def test_the_suggested_phase_length_is_accepted_beyond_four_weeks(
    client: TestClient, csrf: Csrf
) -> None:
    form = {"csrf_token": csrf("/experiment"), "factor": "caffeine", "design": "AB" * 6,
            "phase_days": "30", "washout_days": "0"}  # fmt: skip
    client.post("/experiment/start", data=form)
    page = client.get("/experiment").text
    assert "(running)" in page and "Plan a new experiment" not in page


def test_a_finished_experiment_speaks_web_not_cli(client: TestClient, diary: Diary) -> None:
    start = date.today() - timedelta(days=40)
    plan = plan_experiment("caffeine", design="ABAB", phase_days=7, start=start)
    diary.save_experiment(plan.model_dump(mode="json"))
    for path in ("/experiment", "/"):
        text = _text(client.get(path).text)
        assert "The experiment ended on" in text, path
        assert "experiment report" not in text and "Run `" not in text, path


def test_the_api_states_the_design_and_its_warning(client: TestClient, diary: Diary) -> None:
    _history(diary)
    body = {"factor": "caffeine", "design": "ABAB", "phase_days": 7}
    created = client.post("/api/v1/experiments", json=body).json()
    design = created["design"]
    assert design["pairs"] == 6 and "30% drop" in design["sentence"]
    assert design["history_days"] >= 40
    assert "'this may be chance' whatever happens" in created["design_warning"]
    got = client.get(f"/api/v1/experiments/{created['id']}").json()
    assert got["design"] == design and got["design_warning"] == created["design_warning"]


def test_a_caffeine_experiment_can_taper_on_the_page_and_in_the_api(
    client: TestClient, diary: Diary, csrf: Csrf
) -> None:
    form = {"csrf_token": csrf("/experiment"), "factor": "alcohol", "design": "ABAB",
            "phase_days": "7", "washout_days": "0", "taper": "on"}  # fmt: skip
    refused = client.post("/experiment/start", data=form)
    assert refused.status_code == 422 and 'id="taper-error"' in refused.text
    refused = client.post("/experiment/start", data={**form, "factor": "caffeine"})
    assert refused.status_code == 422 and 'id="washout_days-error"' in refused.text
    assert diary.list_experiments() == []
    client.post("/experiment/start", data={**form, "factor": "caffeine", "washout_days": "3"})
    [started] = diary.list_experiments()
    assert started.plan["taper"] is True
    assert "Tapered: the first 3 days of each B phase" in _text(client.get("/experiment").text)
    diary.end_experiment(started.id)

    body = {"factor": "caffeine", "washout_days": 2, "taper": True}
    created = client.post("/api/v1/experiments", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["plan"]["taper"] is True
    diary.end_experiment(created.json()["id"])
    wrong = client.post("/api/v1/experiments", json={**body, "factor": "alcohol"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "taper"
