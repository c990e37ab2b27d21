"""Self-experiments over the JSON API: start, read, report, end, and problem+json for refusals."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from fastapi.testclient import TestClient

from twitchwise.diary import Diary
from twitchwise.stats import _experiment as stats_experiment
from twitchwise.web.api import experiments as api_experiments

URL = "/api/v1/experiments"


def problem(response: Any, status: int, *fields: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    named = {e["field"] for e in body["errors"]}
    assert set(fields) <= named, f"{fields} not all named in {body['errors']}"
    return body


def test_start_get_list_and_end_round_trip(client: TestClient, diary: Diary) -> None:
    start = date.today() + timedelta(days=3)
    body = {"factor": "caffeine", "design": "ABAB", "phase_days": 5, "washout_days": 2,
            "start": start.isoformat(), "seed": 1234}  # fmt: skip
    started = client.post(URL, json=body)
    assert started.status_code == 201, started.text
    created = started.json()
    assert created["status"] == "active" and created["factor"] == "caffeine"
    plan = created["plan"]
    assert plan["seed"] == 1234 and plan["start"] == start.isoformat()
    assert plan["order"] in {"ABAB", "ABBA", "BAAB", "BABA"}
    phases = plan["phases"]
    assert phases[0]["washout_days"] == 0 and len(phases) == 4
    for before, after in pairwise(phases):
        assert after["washout_days"] == (2 if after["condition"] != before["condition"] else 0)
    assert created["today"]["state"] == "not_started"
    assert created["report"]["status"] == "not_enough_data"
    [stored] = diary.list_experiments()
    assert stored.id == created["id"] and stored.plan == plan, "the API stores the plan as given"

    got = client.get(f"{URL}/{created['id']}").json()
    assert got["plan"] == plan and got["end"] == plan["end"]
    assert {c["item"] for c in got["report"]["checklist"]} >= {"Randomisation", "Washout"}

    listed = client.get(URL).json()
    assert listed == [
        {"id": created["id"], "status": "active", "created_at": created["created_at"],
         "ended_at": None, "factor": "caffeine", "title": "Cut caffeine",
         "start": plan["start"], "end": plan["end"]}
    ]  # fmt: skip

    ended = client.post(f"{URL}/{created['id']}/end", json={})
    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended" and ended.json()["ended_at"]
    assert diary.list_experiments()[0].status == "ended"
    assert diary.active_experiment() is None
    assert client.get(URL).json()[0]["status"] == "ended"


def test_the_same_seed_gives_the_same_order(client: TestClient) -> None:
    body = {"factor": "sleep", "design": "ABABAB", "seed": 77}
    first = client.post(URL, json=body).json()
    client.post(f"{URL}/{first['id']}/end", json={})
    second = client.post(URL, json=body).json()
    assert second["plan"]["order"] == first["plan"]["order"]
    assert second["plan"]["phases"] == first["plan"]["phases"]


def test_fixed_order_keeps_the_design(client: TestClient) -> None:
    plan = client.post(URL, json={"factor": "water", "design": "BAAB", "randomise": False})
    assert plan.json()["plan"]["order"] == "BAAB" and plan.json()["plan"]["randomised"] is False


def test_defaults_start_today(client: TestClient) -> None:
    created = client.post(URL, json={"factor": "alcohol"}).json()
    assert created["plan"]["start"] == date.today().isoformat()
    assert created["plan"]["design"] == "ABAB" and created["plan"]["phase_days"] == 7
    assert created["today"]["state"] == "running" and created["today"]["phase"] == 1
    assert created["today"]["instruction"]


def test_a_second_experiment_is_a_conflict_and_nothing_is_stored(
    client: TestClient, diary: Diary
) -> None:
    first = client.post(URL, json={"factor": "caffeine"}).json()
    body = problem(client.post(URL, json={"factor": "sleep"}), 409, "experiment")
    assert str(first["id"]) in body["detail"]
    assert [e.id for e in diary.list_experiments()] == [first["id"]]
    client.post(f"{URL}/{first['id']}/end", json={})
    assert client.post(URL, json={"factor": "sleep"}).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"factor": "coffee"}, "factor"),
        ({"factor": "caffeine_mg"}, "factor"),
        ({"factor": 1}, "factor"),
        ({}, "factor"),
        ({"factor": "caffeine", "design": "AAB"}, "design"),
        ({"factor": "caffeine", "design": "AABB"}, "design"),
        ({"factor": "caffeine", "design": "abab"}, "design"),
        ({"factor": "caffeine", "design": "AB" * 7}, "design"),
        ({"factor": "caffeine", "phase_days": 2}, "phase_days"),
        ({"factor": "caffeine", "phase_days": 61}, "phase_days"),
        ({"factor": "caffeine", "phase_days": "7"}, "phase_days"),
        ({"factor": "caffeine", "phase_days": 7.5}, "phase_days"),
        ({"factor": "caffeine", "washout_days": 15}, "washout_days"),
        ({"factor": "caffeine", "washout_days": -1}, "washout_days"),
        ({"factor": "caffeine", "start": "2026-02-30"}, "start"),
        ({"factor": "caffeine", "start": "9999-12-31"}, "start"),
        ({"factor": "caffeine", "start": "1900-01-01"}, "start"),
        ({"factor": "caffeine", "start": 0}, "start"),
        ({"factor": "caffeine", "seed": -1}, "seed"),
        ({"factor": "caffeine", "seed": True}, "seed"),
        ({"factor": "caffeine", "randomise": 0}, "randomise"),
        ({"factor": "caffeine", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    client: TestClient, diary: Diary, body: dict[str, Any], field: str
) -> None:
    problem(client.post(URL, json=body), 422, field)
    assert diary.list_experiments() == []


def test_unreadable_body_is_a_problem(client: TestClient) -> None:
    response = client.post(URL, content=b"{factor", headers={"Content-Type": "application/json"})
    problem(response, 422)


def test_the_declared_limits_are_the_planners(client: TestClient) -> None:
    assert api_experiments.MAX_PHASE_DAYS == stats_experiment.MAX_PHASE_DAYS
    assert api_experiments.MAX_WASHOUT_DAYS == stats_experiment.MAX_WASHOUT_DAYS
    assert api_experiments.MAX_PERIODS == stats_experiment.MAX_PERIODS
    longest = {"factor": "caffeine", "design": "AB" * 6, "phase_days": 60, "washout_days": 14}
    assert client.post(URL, json=longest).status_code == 201


@pytest.mark.parametrize("path", [f"{URL}/999", f"{URL}/999/end"])
def test_unknown_id_is_a_404(client: TestClient, path: str) -> None:
    response = client.post(path, json={}) if path.endswith("/end") else client.get(path)
    problem(response, 404)


def test_ending_twice_is_a_conflict(client: TestClient) -> None:
    created = client.post(URL, json={"factor": "stress"}).json()
    assert client.post(f"{URL}/{created['id']}/end", json={}).status_code == 200
    problem(client.post(f"{URL}/{created['id']}/end", json={}), 409, "experiment")


def test_status_for_a_given_day(client: TestClient) -> None:
    start = date.today()
    created = client.post(
        URL, json={"factor": "caffeine", "phase_days": 7, "washout_days": 2, "seed": 3}
    ).json()
    phases = created["plan"]["phases"]
    second = phases[1]
    day = date.fromisoformat(second["start"])
    today = client.get(f"{URL}/{created['id']}", params={"today": day.isoformat()}).json()["today"]
    assert today["phase"] == 2 and today["day_in_phase"] == 1
    assert second["washout_days"] == 2, "phase 2 always follows a switch (pairs are AB or BA)"
    assert today["in_washout"] is True and today["phase_length"] == 9
    after = (start + timedelta(days=400)).isoformat()
    assert (
        client.get(f"{URL}/{created['id']}", params={"today": after}).json()["today"]["state"]
        == "finished"
    )
    problem(client.get(f"{URL}/{created['id']}", params={"today": "tomorrow"}), 422, "today")


def test_report_with_data_in_both_conditions_gives_a_rate_ratio(
    client: TestClient, diary: Diary
) -> None:
    """Four finished phases, fewer twitch episodes on B days: B vs A well under 1."""
    start = date.today() - timedelta(days=28)
    body = {"factor": "caffeine", "phase_days": 7, "start": start.isoformat(), "seed": 42}
    created = client.post(URL, json=body).json()
    plan = created["plan"]
    rnd = random.Random(5)
    for phase in plan["phases"]:
        first = date.fromisoformat(phase["start"])
        for offset in range(7):
            day = first + timedelta(days=offset)
            b = phase["condition"] == "B"
            diary.save_checkin(day, caffeine_mg=20 if b else 300)
            morning = datetime.combine(day, datetime.min.time()) + timedelta(hours=8)
            for i in range(rnd.randint(0, 2) if b else rnd.randint(4, 7)):
                diary.add_twitch("left_thigh", morning + timedelta(hours=i))
    report = client.get(f"{URL}/{created['id']}").json()["report"]
    assert report["status"] == "estimated", report["sentence"]
    assert report["days_a"] == 14 and report["days_b"] == 14
    assert report["rate_ratio"] < 0.5
    assert report["ci_low"] < report["rate_ratio"] < report["ci_high"] < 1
    # Two randomised pairs have only four possible orders: never a verdict, however clear.
    assert report["settled"] is False and "This may be chance" in report["sentence"]
    assert report["trend_adjusted"] is True
    assert "fewer twitch episodes" in report["sentence"]
    assert "14 of 14 B days" in report["adherence"]
    assert [p["analysed_days"] for p in report["phases"]] == [7, 7, 7, 7]


def test_report_says_how_many_more_days_are_needed(client: TestClient, diary: Diary) -> None:
    start = date.today() - timedelta(days=2)
    created = client.post(URL, json={"factor": "sleep", "start": start.isoformat()}).json()
    diary.save_checkin(start, sleep_hours=8)
    report = client.get(f"{URL}/{created['id']}").json()["report"]
    assert report["status"] == "not_enough_data" and report["rate_ratio"] is None
    assert report["more_days_needed"] > 0 and "Not enough data yet" in report["sentence"]


def test_openapi_declares_the_operations(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    start = paths[URL]["post"]
    assert set(start["responses"]) >= {"201", "409", "422"}
    assert "application/problem+json" in start["responses"]["409"]["content"]
    assert set(paths[URL + "/{experiment_id}"]["get"]["responses"]) >= {"200", "404", "422"}
    assert set(paths[URL + "/{experiment_id}/end"]["post"]["responses"]) >= {"200", "404", "409"}
